"""Legacy autogen.code_utils API: execute_code conventions, Docker decisions, helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autogen import code_utils
from autogen.code_utils import (
    DEFAULT_TIMEOUT,
    TIMEOUT_MSG,
    UNKNOWN,
    WORKING_DIR,
    check_can_use_docker_or_throw,
    create_virtual_env,
    decide_use_docker,
    execute_code,
    extract_code,
    in_docker_container,
    infer_lang,
    is_docker_running,
)

POSIX = sys.platform != "win32"


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except FileNotFoundError:
        return False
    return stat[stat.rfind(b")") + 2 :].split()[0] != b"Z"


class TestConstants:
    def test_values(self) -> None:
        assert DEFAULT_TIMEOUT == 600
        assert TIMEOUT_MSG == "Timeout"
        assert UNKNOWN == "unknown"
        assert code_utils.DEFAULT_MODEL == "gpt-5" and code_utils.FAST_MODEL == "gpt-5-nano"
        assert code_utils.PYTHON_VARIANTS == ["python", "Python", "py"]
        assert Path(WORKING_DIR) == Path(code_utils.__file__).resolve().parent / "extensions"

    def test_importing_is_light(self) -> None:
        code = (
            "import sys, autogen.code_utils, autogen.coding\n"
            "heavy = [m for m in ('docker', 'openai', 'jupyter_client', 'requests') if m in sys.modules]\n"
            "print(heavy)"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "[]"


class TestExtractCodeLegacy:
    def test_basic_forms(self) -> None:
        assert extract_code("```python\nprint(1)\n```") == [("python", "print(1)")]
        assert extract_code("hello") == [(UNKNOWN, "hello")]
        assert infer_lang("print(1)") == "python"


class TestDecideUseDocker:
    @pytest.mark.parametrize("value", ["1", "true", "True", "YES", "t", "T"])
    def test_truthy(self, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
        monkeypatch.setenv("AUTOGEN_USE_DOCKER", value)
        assert decide_use_docker(None) is True

    @pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "f"])
    def test_falsy(self, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
        monkeypatch.setenv("AUTOGEN_USE_DOCKER", value)
        assert decide_use_docker(None) is False

    def test_none_string(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("AUTOGEN_USE_DOCKER", "None")
        assert decide_use_docker(None) is None

    def test_default_is_true(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("AUTOGEN_USE_DOCKER", raising=False)
        assert decide_use_docker(None) is True

    def test_invalid_value(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("AUTOGEN_USE_DOCKER", "maybe")
        with pytest.raises(ValueError, match="Invalid value for AUTOGEN_USE_DOCKER: 'maybe'"):
            decide_use_docker(None)

    def test_explicit_value_wins(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("AUTOGEN_USE_DOCKER", "0")
        assert decide_use_docker(True) is True
        assert decide_use_docker("python:3.12") == "python:3.12"
        assert decide_use_docker(["a", "b"]) == ["a", "b"]
        monkeypatch.setenv("AUTOGEN_USE_DOCKER", "bogus")
        assert decide_use_docker(False) is False  # the variable is not even read


class TestCheckCanUseDocker:
    def test_no_docker_wanted_never_raises(self) -> None:
        check_can_use_docker_or_throw(False)
        check_can_use_docker_or_throw(None)

    def test_raises_with_advice_outside_container_without_engine(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("autogen.coding.docker_utils.in_docker_container", lambda: False)
        monkeypatch.setattr("autogen.coding.docker_utils.is_docker_running", lambda: False)
        with pytest.raises(RuntimeError, match='(?s)"use_docker": False.*AUTOGEN_USE_DOCKER'):
            check_can_use_docker_or_throw(True)
        with pytest.raises(RuntimeError):
            check_can_use_docker_or_throw("python:3-slim")

    def test_inside_container_is_fine(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("autogen.coding.docker_utils.in_docker_container", lambda: True)
        monkeypatch.setattr("autogen.coding.docker_utils.is_docker_running", lambda: False)
        check_can_use_docker_or_throw(True)

    def test_real_probe_without_engine(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # Point the docker client at a socket nobody listens on: the probe answers False, fast.
        monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        start = time.monotonic()
        assert is_docker_running() is False
        assert time.monotonic() - start < 5
        assert in_docker_container() == os.path.exists("/.dockerenv")

    def test_execute_code_checks_docker_before_running(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.delenv("AUTOGEN_USE_DOCKER", raising=False)
        monkeypatch.setattr("autogen.coding.docker_utils.in_docker_container", lambda: False)
        monkeypatch.setattr("autogen.coding.docker_utils.is_docker_running", lambda: False)
        with pytest.raises(RuntimeError, match="Docker"):
            execute_code("open('ran', 'w')", work_dir=str(tmp_path))
        assert not (tmp_path / "ran").exists()


class TestExecuteCode:
    def test_requires_code_or_filename(self) -> None:
        with pytest.raises(AssertionError, match="Either code or filename"):
            execute_code(use_docker=False)

    def test_success_returns_stdout_only(self, tmp_path: Path) -> None:
        code = "import sys\nprint('out')\nprint('noise', file=sys.stderr)"
        assert execute_code(code, work_dir=str(tmp_path), use_docker=False) == (0, "out\n", None)

    def test_failure_returns_stderr_only_with_path_scrubbed(self, tmp_path: Path) -> None:
        exit_code, logs, image = execute_code(
            "print('visible only on success')\nraise ValueError('bad')", work_dir=str(tmp_path), use_docker=False
        )
        assert exit_code == 1 and image is None
        assert "ValueError: bad" in logs and "visible only on success" not in logs
        assert "tmp_code_" not in logs and str(tmp_path) not in logs

    def test_named_file_kept_and_work_dir_scrubbed(self, tmp_path: Path) -> None:
        exit_code, logs, _ = execute_code(
            "raise KeyError(1)", filename="named.py", work_dir=str(tmp_path), use_docker=False
        )
        assert exit_code == 1
        assert 'File "named.py"' in logs and str(tmp_path) not in logs
        assert (tmp_path / "named.py").read_text() == "raise KeyError(1)"

    def test_auto_named_file_is_removed(self, tmp_path: Path) -> None:
        execute_code("print(1)", work_dir=str(tmp_path), use_docker=False)
        assert list(tmp_path.iterdir()) == []

    def test_exit_code_passthrough(self, tmp_path: Path) -> None:
        assert execute_code("raise SystemExit(5)", work_dir=str(tmp_path), use_docker=False)[0] == 5

    def test_run_existing_file(self, tmp_path: Path) -> None:
        (tmp_path / "script.py").write_text("print('from file')")
        assert execute_code(filename="script.py", work_dir=str(tmp_path), use_docker=False) == (0, "from file\n", None)
        assert (tmp_path / "script.py").exists()

    @pytest.mark.skipif(not POSIX, reason="POSIX shells")
    @pytest.mark.parametrize("lang", ["sh", "shell", "bash"])
    def test_shell(self, tmp_path: Path, lang: str) -> None:
        assert execute_code("echo $((6*7))", lang=lang, work_dir=str(tmp_path), use_docker=False) == (0, "42\n", None)

    def test_python_variants(self, tmp_path: Path) -> None:
        for lang in ("Python", "py", "python3"):
            assert execute_code("print('v')", lang=lang, work_dir=str(tmp_path), use_docker=False)[:2] == (0, "v\n")

    def test_unsupported_language(self, tmp_path: Path) -> None:
        with pytest.raises(NotImplementedError, match="cobol not recognized"):
            execute_code("DISPLAY 'HI'.", lang="cobol", work_dir=str(tmp_path), use_docker=False)
        assert list(tmp_path.iterdir()) == []

    def test_env_decides_when_use_docker_not_given(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv("AUTOGEN_USE_DOCKER", "False")
        assert execute_code("print('native')", work_dir=str(tmp_path)) == (0, "native\n", None)

    def test_explicit_none_runs_natively(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv("AUTOGEN_USE_DOCKER", "True")
        monkeypatch.setattr("autogen.coding.docker_utils.in_docker_container", lambda: False)
        monkeypatch.setattr("autogen.coding.docker_utils.is_docker_running", lambda: False)
        assert execute_code("print('n')", work_dir=str(tmp_path), use_docker=None) == (0, "n\n", None)

    def test_use_docker_inside_container_runs_natively(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setattr("autogen.coding.docker_utils.in_docker_container", lambda: True)
        monkeypatch.setattr("autogen.coding.legacy_execution.in_docker_container", lambda: True)
        assert execute_code("print('here')", work_dir=str(tmp_path), use_docker=True) == (0, "here\n", None)

    def test_default_work_dir_is_created_lazily(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        target = tmp_path / "extensions"
        monkeypatch.setattr("autogen.coding.legacy_execution.WORKING_DIR", str(target))
        assert not target.exists()
        assert execute_code("import os; print(os.path.basename(os.getcwd()))", use_docker=False)[1] == "extensions\n"
        assert target.is_dir()

    def test_filename_escaping_work_dir_is_refused(self, tmp_path: Path) -> None:
        work = tmp_path / "work"
        work.mkdir()
        for name in ("../escaped.py", str(tmp_path / "abs_escaped.py")):
            exit_code, logs, image = execute_code("print(1)", filename=name, work_dir=str(work), use_docker=False)
            assert exit_code == 1 and "not in the workspace" in logs and image is None
        assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]

    @pytest.mark.skipif(not POSIX, reason="POSIX process groups")
    def test_timeout_convention_and_no_orphans(self, tmp_path: Path) -> None:
        code = (
            "import subprocess, time\n"
            "p = subprocess.Popen(['sleep', '300'])\n"
            "open('pid', 'w').write(str(p.pid))\n"
            "time.sleep(300)\n"
        )
        start = time.monotonic()
        assert execute_code(code, timeout=1, work_dir=str(tmp_path), use_docker=False) == (1, "Timeout", None)
        assert time.monotonic() - start < 5
        pid = int((tmp_path / "pid").read_text())
        deadline = time.monotonic() + 3
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            assert not _alive(pid), "the timed-out code's child survived"
        finally:
            if _alive(pid):
                os.kill(pid, 9)
        assert not any(p.name.startswith("tmp_code_") for p in tmp_path.iterdir())

    def test_huge_output_bounded(self, tmp_path: Path) -> None:
        code = "import sys\nfor _ in range(100):\n    sys.stdout.write('q' * 1_000_000)\nprint('END')"
        exit_code, logs, _ = execute_code(code, work_dir=str(tmp_path), use_docker=False, timeout=60)
        assert exit_code == 0 and len(logs) < 2_000_000 and logs.endswith("END\n") and "truncated" in logs


def test_create_virtual_env(tmp_path: Path) -> None:
    ctx = create_virtual_env(str(tmp_path / "env"), with_pip=False)
    assert Path(ctx.env_exe).exists() and Path(ctx.bin_path).is_dir()
    out = subprocess.run(
        [ctx.env_exe, "-c", "import sys; print(sys.prefix != sys.base_prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "True"


def test_docker_executor_is_exported() -> None:
    from autogen.coding import DockerCommandLineCodeExecutor

    assert DockerCommandLineCodeExecutor.__name__ == "DockerCommandLineCodeExecutor"


def _docker_image_ready(image: str = "python:3-slim") -> bool:
    if not is_docker_running():
        return False
    import docker

    client = docker.from_env()
    try:
        client.images.get(image)
        return True
    except Exception:  # noqa: BLE001 - missing image or engine trouble: skip
        return False
    finally:
        client.close()


def _committed_tags(client) -> list[str]:  # type: ignore[no-untyped-def]
    return [t for image in client.images.list("python") for t in image.tags if t.startswith("python:tmp_code_")]


@pytest.mark.skipif(not _docker_image_ready(), reason="needs a running Docker engine with image python:3-slim")
def test_execute_code_in_docker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # Force the Docker path even when this test process itself runs in a container.
    monkeypatch.setattr("autogen.coding.legacy_execution.in_docker_container", lambda: False)
    monkeypatch.setattr("autogen.coding.docker_utils.in_docker_container", lambda: False)
    exit_code, logs, image = execute_code(
        "import os\nprint(os.getcwd())", work_dir=str(tmp_path), use_docker="python:3-slim", timeout=60
    )
    assert (exit_code, logs.strip()) == (0, "/workspace")
    assert image is not None and image.startswith("python:tmp_code_")
    import docker

    client = docker.from_env()
    request.addfinalizer(client.close)
    # The original commits each run's container as an image (reused by the agent); clean ours up.
    request.addfinalizer(lambda: [client.images.remove(t, force=True) for t in _committed_tags(client)])
    exit_code, logs, _ = execute_code("raise SystemExit(4)", work_dir=str(tmp_path), use_docker="python:3-slim")
    assert exit_code == 4
    assert execute_code("import time; time.sleep(30)", timeout=2, work_dir=str(tmp_path), use_docker="python:3-slim")[
        :2
    ] == (
        1,
        "Timeout",
    )
