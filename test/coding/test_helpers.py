"""autogen.coding.utils and autogen.coding.func_with_reqs helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from autogen.coding.func_with_reqs import (
    Alias,
    FunctionWithRequirements,
    ImportFromModule,
    build_python_functions_file,
    to_stub,
    with_requirements,
)
from autogen.coding.utils import get_file_name_from_content, silence_pip


class TestSilencePip:
    def test_shell(self) -> None:
        assert silence_pip("pip install numpy\necho hi", "sh") == "pip install -qqq numpy\necho hi"
        assert silence_pip("pip install -qqq numpy", "bash") == "pip install -qqq numpy"

    def test_python_magic(self) -> None:
        assert silence_pip("!pip install pandas\nprint(1)", "python") == "!pip install -qqq pandas\nprint(1)"
        assert silence_pip("! pip install pandas", "python") == "! pip install -qqq pandas"

    def test_other_languages_untouched(self) -> None:
        assert silence_pip("pip install x", "javascript") == "pip install x"


class TestFileNameFromContent:
    def test_forms(self, tmp_path: Path) -> None:
        assert get_file_name_from_content("# filename: a.py\nx", tmp_path) == "a.py"
        assert get_file_name_from_content("# filename:b.py", tmp_path) == "b.py"
        assert get_file_name_from_content("// c.js\n", tmp_path) == "c.js"
        assert get_file_name_from_content("/* filename: d.css */\n", tmp_path) == "d.css"
        assert get_file_name_from_content("<!-- e.html -->\n", tmp_path) == "e.html"
        assert get_file_name_from_content("# filename: dir/../f.py", tmp_path) == "f.py"

    def test_none(self, tmp_path: Path) -> None:
        assert get_file_name_from_content("print(1)", tmp_path) is None
        assert get_file_name_from_content("#!/bin/sh\necho", tmp_path) is None
        assert get_file_name_from_content("", tmp_path) is None

    def test_outside_raises_value_error(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="not in the workspace"):
            get_file_name_from_content("# filename: ../x.py", tmp_path)


def add(a: int, b: int = 2) -> int:
    """Add things."""
    return a + b


@with_requirements(
    python_packages=["requests"],
    global_imports=[
        "os",
        Alias("numpy", "np"),
        ImportFromModule("typing", ["Any", Alias("Optional", "Opt")]),
    ],
)
def decorated(x: int) -> int:
    return x * 2


class TestFunctionsFile:
    def test_build_file(self) -> None:
        source = build_python_functions_file([add, decorated])
        assert source.startswith("import os\nimport numpy as np\nfrom typing import Any, Optional as Opt\n")
        assert "def add(a: int, b: int = 2) -> int:" in source
        assert "def decorated(x: int) -> int:" in source
        assert "@with_requirements" not in source and "python_packages" not in source  # decorator lines dropped
        compile(source, "functions.py", "exec")

    def test_wrapper_stays_callable_with_metadata(self) -> None:
        assert decorated(4) == 8
        assert decorated.__name__ == "decorated"
        assert decorated.python_packages == ["requests"]
        assert FunctionWithRequirements.from_callable(add, ["x"])(1) == 3

    def test_to_stub(self) -> None:
        assert to_stub(add) == 'def add(a: int, b: int = 2) -> int:\n    """Add things."""\n    ...'
        assert to_stub(decorated) == "def decorated(x: int) -> int:\n    ..."

    def test_string_function_errors(self) -> None:
        with pytest.raises(ValueError, match="exactly one function"):
            FunctionWithRequirements.from_str("def a():\n    pass\ndef b():\n    pass\n")
        with pytest.raises(ValueError, match="Could not compile"):
            FunctionWithRequirements.from_str("def broken(:\n")
        func = FunctionWithRequirements.from_str("def f():\n    return 1\n")
        with pytest.raises(NotImplementedError):
            func()

    def test_lambda_is_refused_clearly(self) -> None:
        with pytest.raises(ValueError, match="lambda|def-statement|source"):
            build_python_functions_file([lambda x: x])
