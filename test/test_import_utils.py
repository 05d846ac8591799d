"""ag2's optional-import helpers, as third-party code built for ag2 uses them."""

from __future__ import annotations

import asyncio
import re
import sys
import textwrap
import types
from collections.abc import Iterator

import pytest

from autogen.import_utils import (
    ModuleInfo,
    get_missing_imports,
    optional_import_block,
    patch_object,
    require_optional_import,
    run_for_optional_imports,
    skip_on_missing_imports,
)

# The pytest decorators mark tests with the extra's name, which this suite does not register.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")


@pytest.fixture
def fake_pkg() -> Iterator[types.ModuleType]:
    module = types.ModuleType("fake_pkg_for_import_utils")
    module.__version__ = "2.3.0"  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def test_requirement_strings_parse_into_bounds() -> None:
    info = ModuleInfo.from_str("jupyter-client>=8.6,<9")
    assert (info.name, info.min_version, info.min_inclusive, info.max_version, info.max_inclusive) == (
        "jupyter-client",
        "8.6",
        True,
        "9",
        False,
    )
    assert repr(info) == "jupyter-client>=8.6<9"
    with pytest.raises(ValueError, match="Invalid module information: x<="):
        ModuleInfo.from_str("x<=")


@pytest.mark.parametrize(
    ("requirement", "problem"),
    [
        ("fake_pkg_for_import_utils", None),
        ("fake_pkg_for_import_utils>=2.3", None),
        ("fake_pkg_for_import_utils>2.3.0", "too low (required 'fake_pkg_for_import_utils>2.3.0')"),
        # A lower version below an exclusive bound is too low as well (not only an equal one).
        ("fake_pkg_for_import_utils>3", "too low"),
        ("fake_pkg_for_import_utils<2.3", "too high"),
        ("fake_pkg_for_import_utils<=2.3.0", None),
        ("fake_pkg_for_import_utils>=2.3.0rc1", None),
    ],
)
def test_versions_are_compared_numerically(fake_pkg: types.ModuleType, requirement: str, problem: str | None) -> None:
    found = ModuleInfo.from_str(requirement).is_in_sys_modules()
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and "installed version 2.3.0" in found


def test_an_installed_module_not_imported_yet_counts_as_installed() -> None:
    sys.modules.pop("colorsys", None)
    assert get_missing_imports(["colorsys", "no_such_module_xyz"]) == {
        "no_such_module_xyz": "'no_such_module_xyz' is not installed."
    }


def test_a_version_missing_from_the_module_is_read_from_its_distribution() -> None:
    import pytest as installed

    assert get_missing_imports(f"pytest>={installed.__version__}") == {}
    assert "too low" in get_missing_imports("pytest>=999")["pytest"]


def test_optional_import_block_reports_whether_every_import_worked() -> None:
    with optional_import_block() as ok:
        import json  # noqa: F401
    assert ok.is_successful
    with optional_import_block() as failed:
        import no_such_module_xyz  # noqa: F401
    assert not failed.is_successful


def test_required_function_raises_naming_the_extra_and_keeps_its_metadata() -> None:
    @require_optional_import(["no_such_module_xyz", "no_such_other_xyz"], "fancy")
    def compute(x: int) -> int:
        """Doubles x."""
        return 2 * x

    assert compute.__name__ == "compute" and compute.__doc__ == "Doubles x."
    with pytest.raises(ImportError) as err:
        compute(2)
    assert str(err.value) == textwrap.dedent(f"""\
        Modules needed for {__name__}.compute are missing:
         - 'no_such_module_xyz' is not installed.
         - 'no_such_other_xyz' is not installed.
        Please install them using:
        'pip install ag2[fancy]'""")


def test_installed_modules_leave_the_object_untouched() -> None:
    def f() -> int:
        return 1

    assert require_optional_import("json", "x")(f) is f


def test_required_class_raises_on_construction_and_members_except_the_excluded() -> None:
    @require_optional_import("no_such_module_xyz", "fancy", except_for="helper")
    class Service:
        def __init__(self) -> None:
            self.ready = True

        def run(self) -> str:
            return "ran"

        @staticmethod
        def helper() -> str:
            return "still works"

        @classmethod
        def build(cls) -> Service:
            return cls()

        @property
        def status(self) -> str:
            return "ok"

    assert Service.helper() == "still works"
    with pytest.raises(ImportError, match=rf"A module needed for {re.escape(__name__)}\.__init__ is missing"):
        Service()
    with pytest.raises(ImportError, match="pip install ag2\\[fancy\\]"):
        Service.build()
    instance = object.__new__(Service)
    with pytest.raises(ImportError):
        instance.run()
    with pytest.raises(ImportError):
        _ = instance.status


def test_patch_object_refuses_what_it_cannot_guard() -> None:
    with pytest.raises(ValueError, match="Cannot patch object"):
        patch_object(42, missing_modules={"m": "'m' is not installed."}, dep_target="x")
    assert patch_object(42, missing_modules={}, dep_target="x", fail_if_not_patchable=False) == 42


def test_run_for_optional_imports_marks_the_test_and_fails_it_when_modules_are_missing() -> None:
    @run_for_optional_imports("no_such_module_xyz", "my-extra")
    async def needs_missing() -> None:
        pass

    @run_for_optional_imports("json", "my-extra")
    def needs_present() -> str:
        return "ran"

    marks = {m.name for m in needs_missing.pytestmark}  # type: ignore[attr-defined]
    assert marks == {"my_extra", "aux_neg_flag"}
    with pytest.raises(ImportError, match=r"Missing module: no_such_module_xyz\. Install using 'pip install ag2\["):
        asyncio.run(needs_missing())
    assert needs_present() == "ran"


def test_skip_on_missing_imports_skips_only_when_missing() -> None:
    @skip_on_missing_imports(["no_such_module_xyz", "json"], "my-extra")
    def skipped() -> None:
        pass

    @skip_on_missing_imports("json", "my-extra")
    def kept() -> None:
        pass

    skip = [m for m in skipped.pytestmark if m.name == "skip"]  # type: ignore[attr-defined]
    assert skip and "no_such_module_xyz" in skip[0].args[0]
    assert {m.name for m in kept.pytestmark} == {"my_extra", "aux_neg_flag"}  # type: ignore[attr-defined]
