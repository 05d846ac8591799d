"""export_module records where the API docs list an object and leaves the object itself alone."""

from autogen.doc_utils import export_module, get_target_module


@export_module("autogen.somewhere")
class _Exported:
    pass


def _plain() -> int:
    return 1


def test_export_module_records_target_and_returns_object_unchanged() -> None:
    assert _Exported.__name__ == "_Exported"
    assert get_target_module(_Exported) == "autogen.somewhere"
    decorated = export_module("autogen.tools")(_plain)
    assert decorated is _plain and decorated() == 1
    assert get_target_module(_plain) == "autogen.tools"


def test_unexported_objects_have_no_target() -> None:
    class Local:
        pass

    assert get_target_module(Local) is None
    assert get_target_module(42) is None
