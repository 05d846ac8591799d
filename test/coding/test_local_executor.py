"""LocalCommandLineCodeExecutor with real subprocesses."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from autogen.code_utils import create_virtual_env
from autogen.coding import (
    CodeBlock,
    CodeExecutor,
    CommandLineCodeResult,
    LocalCommandLineCodeExecutor,
    MarkdownCodeExtractor,
)

POSIX = sys.platform != "win32"


def run(executor: LocalCommandLineCodeExecutor, code: str, language: str = "python") -> CommandLineCodeResult:
    return executor.execute_code_blocks([CodeBlock(code=code, language=language)])


class TestConstruction:
    def test_defaults_and_properties(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)
        executor = LocalCommandLineCodeExecutor()
        assert executor.timeout == 60
        assert executor.work_dir == Path(".")
        assert executor.functions == [] and executor.functions_module == "functions"
        assert isinstance(executor.code_extractor, MarkdownCodeExtractor)
        assert isinstance(executor, CodeExecutor)
        assert executor.execution_policies["python"] and not executor.execution_policies["html"]

    def test_work_dir_created_but_not_parents(self, tmp_path: Path) -> None:
        LocalCommandLineCodeExecutor(work_dir=tmp_path / "new")
        assert (tmp_path / "new").is_dir()
        with pytest.raises(FileNotFoundError):
            LocalCommandLineCodeExecutor(work_dir=tmp_path / "a" / "b")

    def test_invalid_arguments(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="Timeout"):
            LocalCommandLineCodeExecutor(timeout=0, work_dir=tmp_path)
        with pytest.raises(ValueError, match="identifier"):
            LocalCommandLineCodeExecutor(work_dir=tmp_path, functions_module="my-funcs")

    def test_restart_only_warns(self, executor: LocalCommandLineCodeExecutor) -> None:
        with pytest.warns(UserWarning, match="not supported"):
            executor.restart()


class TestExecution:
    def test_python_output_and_code_file(self, executor: LocalCommandLineCodeExecutor, work_dir: Path) -> None:
        result = run(executor, "print('hello world')")
        assert result.exit_code == 0
        assert result.output == "hello world\n"
        assert result.code_file is not None and Path(result.code_file).parent == work_dir.resolve()
        assert Path(result.code_file).name.startswith("tmp_code_") and result.code_file.endswith(".py")

    def test_runs_in_work_dir_with_this_interpreter(
        self, executor: LocalCommandLineCodeExecutor, work_dir: Path
    ) -> None:
        result = run(executor, "import os, sys\nprint(os.getcwd())\nprint(sys.executable)")
        cwd, exe = result.output.splitlines()
        assert Path(cwd) == work_dir.resolve()
        assert os.path.realpath(exe) == os.path.realpath(sys.executable)

    def test_stderr_before_stdout_and_stop_at_first_failure(self, executor: LocalCommandLineCodeExecutor) -> None:
        blocks = [
            CodeBlock(code="import sys\nprint('out')\nprint('err', file=sys.stderr)", language="python"),
            CodeBlock(code="raise SystemExit(3)", language="python"),
            CodeBlock(code="print('never')", language="python"),
        ]
        result = executor.execute_code_blocks(blocks)
        assert result.exit_code == 3
        assert result.output == "err\nout\n"

    def test_python_error_traceback_is_reported(self, executor: LocalCommandLineCodeExecutor) -> None:
        result = run(executor, "raise ValueError('boom')")
        assert result.exit_code == 1
        assert "ValueError: boom" in result.output

    @pytest.mark.skipif(not POSIX, reason="POSIX shells")
    @pytest.mark.parametrize("lang", ["sh", "bash", "shell", "SH", "Bash"])
    def test_shell_languages(self, executor: LocalCommandLineCodeExecutor, lang: str) -> None:
        result = run(executor, "echo from-shell\necho oops >&2", lang)
        assert result.exit_code == 0
        assert result.output == "oops\nfrom-shell\n"

    @pytest.mark.parametrize("lang", ["Python", "py", "python3", "PYTHON"])
    def test_python_aliases(self, executor: LocalCommandLineCodeExecutor, lang: str) -> None:
        assert run(executor, "print(6 * 7)", lang).output == "42\n"

    def test_state_is_not_kept_between_blocks(self, executor: LocalCommandLineCodeExecutor) -> None:
        run(executor, "x = 5")
        result = run(executor, "print(x)")
        assert result.exit_code == 1 and "NameError" in result.output

    def test_files_persist_in_work_dir_between_blocks(self, executor: LocalCommandLineCodeExecutor) -> None:
        run(executor, "open('data.txt', 'w').write('kept')")
        assert run(executor, "print(open('data.txt').read())").output == "kept\n"

    def test_empty_block_list(self, executor: LocalCommandLineCodeExecutor) -> None:
        result = executor.execute_code_blocks([])
        assert result.exit_code == 0 and result.output == "" and result.code_file is None

    def test_empty_block_is_reported_not_run(self, executor: LocalCommandLineCodeExecutor) -> None:
        result = executor.execute_code_blocks([CodeBlock(code="  \n", language="python")])
        assert result.exit_code == 0
        assert "Empty code block" in result.output

    def test_unknown_language(self, executor: LocalCommandLineCodeExecutor) -> None:
        blocks = [CodeBlock(code="print(1)", language="python"), CodeBlock(code="fn main(){}", language="rust")]
        result = executor.execute_code_blocks(blocks)
        assert result.exit_code == 1
        assert result.output == "1\n\nunknown language rust"

    def test_missing_language_tag(self, executor: LocalCommandLineCodeExecutor) -> None:
        result = run(executor, "$$$", "")
        assert result.exit_code == 1 and "unknown language" in result.output and "no language tag" in result.output

    def test_binary_and_non_utf8_output(self, executor: LocalCommandLineCodeExecutor) -> None:
        code = (
            "import sys\nsys.stdout.buffer.write(b'ok \\xff\\xfe\\x00\\x80 bytes')\nsys.stderr.buffer.write(b'\\xc3')"
        )
        result = run(executor, code)
        assert result.exit_code == 0
        assert result.output.startswith("\ufffd")  # the lone stderr byte
        assert "ok " in result.output and "bytes" in result.output and "\ufffd" in result.output

    def test_unicode_round_trip(self, executor: LocalCommandLineCodeExecutor) -> None:
        assert run(executor, "print('héllo → 世界')").output == "héllo → 世界\n"

    @pytest.mark.skipif(not POSIX, reason="POSIX shells")
    def test_pip_install_is_silenced(self, executor: LocalCommandLineCodeExecutor, work_dir: Path) -> None:
        # The saved script shows the flag; 'pip' is a stub so nothing is installed.
        code = 'pip() { echo "pip $*"; }\npip install nothing-here'
        result = run(executor, code, "sh")
        assert result.output == "pip install -qqq nothing-here\n"

    @pytest.mark.skipif(not POSIX, reason="POSIX shells")
    @pytest.mark.parametrize(
        "code", ["rm -rf /tmp/x", "dd if=/dev/zero of=x", ":(){ :|:& };:", "mv file /dev/null", "echo 1 > /dev/sda"]
    )
    def test_dangerous_shell_commands_are_refused(self, executor: LocalCommandLineCodeExecutor, code: str) -> None:
        with pytest.raises(ValueError, match="Potentially dangerous command"):
            run(executor, code, "sh")

    def test_missing_powershell_is_a_clear_result(self, executor: LocalCommandLineCodeExecutor) -> None:
        if shutil.which("pwsh") or shutil.which("powershell"):
            pytest.skip("PowerShell is installed here")
        result = run(executor, "Write-Output 'hi'", "pwsh")
        assert result.exit_code == 1 and "PowerShell is not installed" in result.output

    def test_save_only_languages(self, executor: LocalCommandLineCodeExecutor, work_dir: Path) -> None:
        result = executor.execute_code_blocks(
            [
                CodeBlock(code="<!-- filename: index.html -->\n<h1>hi</h1>", language="html"),
                CodeBlock(code="print('after')", language="python"),
            ]
        )
        assert result.exit_code == 0
        assert result.output == f"Code saved to {work_dir.resolve() / 'index.html'}\nafter\n"
        assert (work_dir / "index.html").read_text() == "<!-- filename: index.html -->\n<h1>hi</h1>"
        assert result.code_file == str(work_dir.resolve() / "index.html")

    def test_execution_policy_override(self, work_dir: Path) -> None:
        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, execution_policies={"python": False})
        result = run(executor, "print('should not run')")
        assert result.exit_code == 0 and result.output.startswith("Code saved to ")

    @pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
    def test_javascript_runs_when_policy_allows(self, work_dir: Path) -> None:
        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, execution_policies={"javascript": True})
        assert run(executor, "console.log(1 + 1)", "js").output == "2\n"


class TestFilenames:
    def test_filename_comment_names_the_file(self, executor: LocalCommandLineCodeExecutor, work_dir: Path) -> None:
        result = run(executor, "# filename: app.py\nprint('named')")
        assert result.output == "named\n"
        assert result.code_file == str(work_dir.resolve() / "app.py")
        assert (work_dir / "app.py").read_text().startswith("# filename: app.py")

    @pytest.mark.parametrize(
        ("first_line", "name"),
        [("# app2.py", "app2.py"), ("// filename: main.js", "main.js"), ("/* style.css */", "style.css")],
    )
    def test_other_comment_forms(
        self, executor: LocalCommandLineCodeExecutor, work_dir: Path, first_line: str, name: str
    ) -> None:
        lang = {"py": "python", "js": "javascript", "css": "css"}[name.rsplit(".", 1)[1]]
        result = run(executor, f"{first_line}\nprint(1)" if lang == "python" else f"{first_line}\nx", lang)
        assert result.exit_code == 0
        assert result.code_file == str(work_dir.resolve() / name)

    def test_plain_comment_counts_as_a_file_name(self, executor: LocalCommandLineCodeExecutor, work_dir: Path) -> None:
        # As in the original, any leading "# text" names the file.
        result = run(executor, "# compute things\nprint(2 + 2)")
        assert result.output == "4\n"
        assert (work_dir / "compute things").is_file()

    def test_subdirectory_is_created(self, executor: LocalCommandLineCodeExecutor, work_dir: Path) -> None:
        result = run(executor, "# filename: pkg/sub/mod.py\nprint('deep')")
        assert result.output == "deep\n" and (work_dir / "pkg" / "sub" / "mod.py").is_file()

    @pytest.mark.parametrize(
        "name",
        ["../escape.py", "sub/../../escape.py", "/tmp/escape_abs.py", "../../../../../../../tmp/escape_far.py"],
    )
    def test_paths_escaping_work_dir_are_refused(
        self, executor: LocalCommandLineCodeExecutor, work_dir: Path, name: str
    ) -> None:
        before = set(work_dir.parent.rglob("*"))
        result = executor.execute_code_blocks(
            [
                CodeBlock(code="print('first')", language="python"),
                CodeBlock(code=f"# filename: {name}\nprint(1)", language="python"),
            ]
        )
        assert result.exit_code == 1
        assert "Filename is not in the workspace" in result.output
        assert result.output.startswith("first\n")  # earlier output is kept
        created = set(work_dir.parent.rglob("*")) - before
        assert all(work_dir in p.parents for p in created)
        assert not Path("/tmp/escape_abs.py").exists() and not Path("/tmp/escape_far.py").exists()

    @pytest.mark.skipif(not POSIX, reason="symlinks")
    def test_symlinked_directory_escape_is_refused(
        self, executor: LocalCommandLineCodeExecutor, work_dir: Path, tmp_path: Path
    ) -> None:
        outside = tmp_path / "outside"
        outside.mkdir()
        (work_dir / "link").symlink_to(outside, target_is_directory=True)
        result = run(executor, "# filename: link/evil.py\nprint(1)")
        assert result.exit_code == 1 and "Filename is not in the workspace" in result.output
        assert list(outside.iterdir()) == []

    @pytest.mark.skipif(not POSIX, reason="symlinks")
    def test_symlinked_file_escape_is_refused(
        self, executor: LocalCommandLineCodeExecutor, work_dir: Path, tmp_path: Path
    ) -> None:
        victim = tmp_path / "victim.txt"
        victim.write_text("original")
        (work_dir / "innocent.py").symlink_to(victim)
        result = run(executor, "# filename: innocent.py\nprint(1)")
        assert result.exit_code == 1 and "Filename is not in the workspace" in result.output
        assert victim.read_text() == "original"

    def test_directory_as_file_name_is_a_clear_result(
        self, executor: LocalCommandLineCodeExecutor, work_dir: Path
    ) -> None:
        (work_dir / "adir").mkdir()
        result = run(executor, "# filename: adir\nprint(1)")
        assert result.exit_code == 1 and "is a directory" in result.output


@pytest.mark.skipif(not POSIX, reason="POSIX process groups")
class TestSafety:
    def test_timeout_kills_block_and_everything_it_started(
        self, work_dir: Path, kill_later: list[int], wait_dead
    ) -> None:
        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, timeout=1)
        code = (
            "import subprocess, time\n"
            "child = subprocess.Popen(['sleep', '300'])\n"
            "open('child.pid', 'w').write(str(child.pid))\n"
            "print('child started', flush=True)\n"
            "time.sleep(300)\n"
        )
        start = time.monotonic()
        result = run(executor, code)
        assert time.monotonic() - start < 5
        assert result.exit_code == 124
        assert "Timeout" in result.output and "child started" in result.output
        pid = int((work_dir / "child.pid").read_text())
        kill_later.append(pid)
        assert wait_dead(pid), "the block's child process survived the timeout"

    def test_timeout_kills_shell_background_jobs(self, work_dir: Path, kill_later: list[int], wait_dead) -> None:
        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, timeout=1)
        result = run(executor, "sleep 300 &\necho $! > bg.pid\nwait", "sh")
        assert result.exit_code == 124 and "Timeout" in result.output
        pid = int((work_dir / "bg.pid").read_text())
        kill_later.append(pid)
        assert wait_dead(pid)

    def test_timeout_stops_remaining_blocks(self, work_dir: Path) -> None:
        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, timeout=1)
        result = executor.execute_code_blocks(
            [
                CodeBlock(code="import time; time.sleep(30)", language="python"),
                CodeBlock(code="print('no')", language="python"),
            ]
        )
        assert result.exit_code == 124 and "no\n" not in result.output

    def test_huge_output_is_truncated_fast(self, executor: LocalCommandLineCodeExecutor) -> None:
        code = "import sys\nc = 'z' * 1_000_000\nfor _ in range(200):\n    sys.stdout.write(c)\nprint('LAST LINE')"
        start = time.monotonic()
        result = run(executor, code)
        assert time.monotonic() - start < 15
        assert result.exit_code == 0
        assert len(result.output) < 2_000_000
        assert "truncated" in result.output and "bytes omitted" in result.output
        assert result.output.endswith("LAST LINE\n")


class TestFunctions:
    def test_user_function_is_importable_by_generated_code(self, work_dir: Path) -> None:
        def add_numbers(a: int, b: int) -> int:
            """Add two numbers."""
            return a + b

        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, functions=[add_numbers])
        result = run(executor, "from functions import add_numbers\nprint(add_numbers(2, 40))")
        assert result.exit_code == 0 and result.output == "42\n"
        assert (work_dir / "functions.py").is_file()

    def test_function_with_requirements_and_custom_module(self, work_dir: Path) -> None:
        from autogen.coding.func_with_reqs import Alias, ImportFromModule, with_requirements

        @with_requirements(
            python_packages=[],
            global_imports=["json", Alias("math", "m"), ImportFromModule("pathlib", ["PurePosixPath"])],
        )
        def describe(x: float) -> str:
            """Describe x."""
            return json.dumps({"sqrt": m.sqrt(x), "p": str(PurePosixPath("a") / "b")})  # noqa: F821

        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, functions=[describe], functions_module="tools")
        result = run(executor, "# filename: sub/use.py\nfrom tools import describe\nprint(describe(16.0))")
        assert result.exit_code == 0, result.output
        assert result.output == '{"sqrt": 4.0, "p": "a/b"}\n'

    def test_string_function(self, work_dir: Path) -> None:
        from autogen.coding.func_with_reqs import FunctionWithRequirements

        func = FunctionWithRequirements.from_str("def shout(s: str) -> str:\n    return s.upper()\n")
        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, functions=[func])
        assert run(executor, "from functions import shout\nprint(shout('hey'))").output == "HEY\n"
        assert "def shout(s: str) -> str:" in executor.format_functions_for_prompt()

    def test_format_functions_for_prompt(self, work_dir: Path) -> None:
        def greet(name: str) -> str:
            """Say hello."""
            return "hi " + name

        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, functions=[greet], functions_module="helpers")
        prompt = executor.format_functions_for_prompt()
        assert "from helpers import" in prompt
        assert 'def greet(name: str) -> str:\n    """Say hello."""\n    ...' in prompt
        custom = executor.format_functions_for_prompt("Module $module_name:\n$functions")
        assert custom.startswith("Module helpers:\ndef greet")

    def test_broken_functions_module_raises_value_error(self, work_dir: Path) -> None:
        from autogen.coding.func_with_reqs import with_requirements

        @with_requirements(global_imports=["module_that_does_not_exist_xyz"])
        def uses_missing() -> None:
            return None

        executor = LocalCommandLineCodeExecutor(work_dir=work_dir, functions=[uses_missing])
        with pytest.raises(ValueError, match="(?s)Functions failed to load.*module_that_does_not_exist_xyz"):
            run(executor, "print(1)")


def test_virtual_env_context_is_used(tmp_path: Path, work_dir: Path) -> None:
    venv_context = create_virtual_env(str(tmp_path / "venv"), with_pip=False)
    executor = LocalCommandLineCodeExecutor(work_dir=work_dir, virtual_env_context=venv_context)
    result = run(executor, "import sys\nprint(sys.prefix)")
    assert result.exit_code == 0
    assert Path(result.output.strip()).resolve() == (tmp_path / "venv").resolve()




def test_a_virtual_env_given_by_a_relative_path_is_used(tmp_path, monkeypatch):
    """Blocks run with cwd=work_dir; a venv named relative to the caller's cwd must still be found."""
    import venv

    from autogen.coding import CodeBlock, LocalCommandLineCodeExecutor

    monkeypatch.chdir(tmp_path)
    builder = venv.EnvBuilder(with_pip=False)
    builder.create("envs/.venv")
    context = builder.ensure_directories("envs/.venv")
    executor = LocalCommandLineCodeExecutor(work_dir="work", virtual_env_context=context)
    result = executor.execute_code_blocks([CodeBlock(code="import sys; print(sys.prefix)", language="python")])
    assert result.exit_code == 0, result.output
    assert Path(result.output.strip()).resolve() == (tmp_path / "envs" / ".venv").resolve()
