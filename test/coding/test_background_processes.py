"""Nothing a code block starts outlives it: background children and daemons die with the block.

Real processes throughout. Waits are bounded and generous (the machine may be loaded); the
processes the blocks start sleep far longer than any wait, so a survivor cannot pass unnoticed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from docker_fixtures import bwrap_ok  # noqa: F401 - pytest fixture

import autogen
from autogen.code_utils import execute_code
from autogen.coding import CodeBlock, LocalCommandLineCodeExecutor, supervisor
from autogen.coding.process import run_process

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process model")

LINUX = sys.platform.startswith("linux")
# Far below the 60 s the started processes sleep, far above a normal run on a loaded machine.
PROMPT = 30.0
GONE_WITHIN = 10.0

BACKGROUND_CHILD = """
import subprocess
child = subprocess.Popen(["sleep", "60"])  # inherits stdout and stderr
print(child.pid)
"""


def daemon_code(kind: str, pid_file: Path) -> str:
    """A block that leaves a detached daemon (stdio on /dev/null) whose pid it writes to ``pid_file``."""
    if kind == "new_session":
        return textwrap.dedent(
            f"""
            import subprocess
            daemon = subprocess.Popen(
                ["sleep", "60"], start_new_session=True,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            open({str(pid_file)!r}, "w").write(str(daemon.pid))
            print("daemon started")
            """
        )
    return textwrap.dedent(
        f"""
        import os, time
        pid_file = {str(pid_file)!r}
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                with open(pid_file + ".tmp", "w") as f:
                    f.write(str(os.getpid()))
                os.rename(pid_file + ".tmp", pid_file)
                time.sleep(60)
            os._exit(0)
        deadline = time.monotonic() + 30
        while not os.path.exists(pid_file) and time.monotonic() < deadline:
            time.sleep(0.01)
        print("daemon started")
        """
    )


def run(executor: LocalCommandLineCodeExecutor, code: str, lang: str = "python"):
    return executor.execute_code_blocks([CodeBlock(code=code, language=lang)])


# ---------------------------------------------------------------- local executor, default: kill


def test_background_child_inheriting_stdout_is_killed(executor, kill_later, wait_dead) -> None:
    start = time.monotonic()
    res = run(executor, BACKGROUND_CHILD)
    assert time.monotonic() - start < PROMPT  # reading ended although the child held stdout
    pid = int(res.output)
    kill_later.append(pid)
    assert res.exit_code == 0
    assert wait_dead(pid, GONE_WITHIN), f"background child {pid} outlived its block"


@pytest.mark.skipif(not LINUX, reason="the subreaper supervisor is Linux-only")
def test_on_linux_it_is_gone_when_the_block_returns(executor, kill_later, alive) -> None:
    # The supervisor reaps everything before reporting, so no wait is needed at all.
    assert supervisor.supervision_problem() is None
    res = run(executor, BACKGROUND_CHILD)
    pid = int(res.output)
    kill_later.append(pid)
    assert not alive(pid)


@pytest.mark.parametrize("kind", ["double_fork", "new_session"])
def test_detached_daemon_is_killed(executor, work_dir: Path, kill_later, wait_dead, kind: str) -> None:
    pid_file = work_dir / "daemon.pid"
    res = run(executor, daemon_code(kind, pid_file))
    assert res.exit_code == 0 and res.output == "daemon started\n"
    pid = int(pid_file.read_text())
    kill_later.append(pid)
    assert wait_dead(pid, GONE_WITHIN), f"daemon {pid} ({kind}) outlived its block"


def test_fifty_sleeping_children_are_all_killed(executor, work_dir: Path, kill_later, wait_dead) -> None:
    pids_file = work_dir / "pids"
    code = textwrap.dedent(
        f"""
        import os, time
        pids = []
        for _ in range(50):
            pid = os.fork()
            if pid == 0:
                time.sleep(60)
                os._exit(0)
            pids.append(pid)
        open({str(pids_file)!r}, "w").write(" ".join(map(str, pids)))
        print("forked", len(pids))
        """
    )
    start = time.monotonic()
    res = run(executor, code)
    assert time.monotonic() - start < PROMPT
    assert res.exit_code == 0 and res.output == "forked 50\n"
    pids = [int(p) for p in pids_file.read_text().split()]
    kill_later.extend(pids)
    assert len(pids) == 50
    survivors = [pid for pid in pids if not wait_dead(pid, GONE_WITHIN)]
    assert survivors == []


def test_shell_background_jobs_are_killed(executor, work_dir: Path, kill_later, wait_dead) -> None:
    res = run(executor, "sleep 60 &\necho $!\nnohup sleep 61 >/dev/null 2>&1 &\necho $!", "sh")
    assert res.exit_code == 0
    pids = [int(p) for p in res.output.split()]
    kill_later.extend(pids)
    assert all(wait_dead(pid, GONE_WITHIN) for pid in pids)


def test_concurrent_blocks_each_clean_up_their_own(work_dir: Path, kill_later, wait_dead) -> None:
    executor = LocalCommandLineCodeExecutor(work_dir=work_dir, timeout=30)
    results: dict[int, str] = {}

    def one(i: int) -> None:
        code = BACKGROUND_CHILD + f"print('block {i}')\n"
        res = executor.execute_code_blocks([CodeBlock(code=code, language="python")])
        results[i] = res.output if res.exit_code == 0 else f"failed: {res.output}"

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == [0, 1, 2, 3]
    pids = []
    for i, output in results.items():
        pid, label = output.splitlines()
        assert label == f"block {i}"
        pids.append(int(pid))
    kill_later.extend(pids)
    assert all(wait_dead(pid, GONE_WITHIN) for pid in pids)


# ---------------------------------------------------------------- behaviour that must not change


def test_exit_code_output_order_cwd_and_env_unchanged(
    executor, work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AG2_BACKGROUND_TEST", "marker-value")
    code = textwrap.dedent(
        """
        import os, sys
        print("out", os.getcwd(), os.environ["AG2_BACKGROUND_TEST"])
        print("err", file=sys.stderr)
        print("stdin:", repr(sys.stdin.read()))
        sys.exit(3)
        """
    )
    res = run(executor, code)
    assert res.exit_code == 3
    assert res.output == f"err\nout {work_dir.resolve()} marker-value\nstdin: ''\n"
    assert run(executor, "echo shell; exit 5", "sh").exit_code == 5
    assert run(executor, "print('fine')").output == "fine\n"


def test_timeout_still_gives_124_and_kills_everything(work_dir: Path, kill_later, wait_dead) -> None:
    executor = LocalCommandLineCodeExecutor(work_dir=work_dir, timeout=2)
    pid_file = work_dir / "daemon.pid"
    code = daemon_code("double_fork", pid_file) + BACKGROUND_CHILD + "import time\ntime.sleep(60)\n"
    start = time.monotonic()
    res = run(executor, code)
    assert time.monotonic() - start < PROMPT
    assert res.exit_code == 124 and "Timeout" in res.output
    assert res.output.startswith("daemon started\n")  # output from before the deadline is kept
    pids = [int(pid_file.read_text()), int(res.output.splitlines()[1])]
    kill_later.extend(pids)
    assert all(wait_dead(pid, GONE_WITHIN) for pid in pids)


def test_output_truncation_unchanged(executor) -> None:
    res = run(executor, "import sys\nfor _ in range(50):\n    sys.stdout.write('z' * 1_000_000)\nprint('END')")
    assert res.exit_code == 0 and "truncated" in res.output and res.output.endswith("END\n")
    assert len(res.output) < 1_000_000


def test_run_process_supervised_keeps_popen_conventions(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        run_process([str(tmp_path / "missing-program")], timeout=10, kill_background_processes=True)
    with pytest.raises(FileNotFoundError):
        run_process(["true"], cwd=tmp_path / "missing-dir", timeout=10, kill_background_processes=True)
    not_executable = tmp_path / "not-executable"
    not_executable.write_text("#!/bin/sh\n")
    with pytest.raises(PermissionError):
        run_process([str(not_executable)], timeout=10, kill_background_processes=True)
    signalled = run_process(["sh", "-c", "kill -TERM $$"], timeout=10, kill_background_processes=True)
    assert signalled.returncode == -15
    env = {"PATH": os.environ["PATH"], "ONLY_THIS": "1"}
    outcome = run_process(
        ["sh", "-c", "pwd; env | grep -c ONLY_THIS; umask"],
        cwd=tmp_path,
        env=env,
        timeout=10,
        kill_background_processes=True,
    )
    current_umask = os.umask(0o022)
    os.umask(current_umask)
    assert outcome.stdout == f"{tmp_path.resolve()}\n1\n{current_umask:04o}\n"


def test_without_a_supervisor_it_falls_back_to_the_process_group(
    executor, monkeypatch: pytest.MonkeyPatch, kill_later, wait_dead
) -> None:
    # As on a system without child subreapers: the block's process group is still killed.
    monkeypatch.setattr(supervisor, "_problem", "simulated: no subreaper here")
    res = run(executor, BACKGROUND_CHILD)
    pid = int(res.output)
    kill_later.append(pid)
    assert res.exit_code == 0
    assert wait_dead(pid, GONE_WITHIN)


# ---------------------------------------------------------------- keeping background processes


@pytest.mark.parametrize("kind", ["child", "new_session"])
def test_keep_flag_lets_background_processes_survive(work_dir: Path, kill_later, alive, kind: str) -> None:
    executor = LocalCommandLineCodeExecutor(work_dir=work_dir, timeout=10, kill_background_processes=False)
    assert executor.kill_background_processes is False
    pid_file = work_dir / "daemon.pid"
    res = run(executor, BACKGROUND_CHILD if kind == "child" else daemon_code("new_session", pid_file))
    assert res.exit_code == 0
    pid = int(res.output) if kind == "child" else int(pid_file.read_text())
    kill_later.append(pid)  # the fixture kills it at teardown
    time.sleep(0.5)
    assert alive(pid)


# ---------------------------------------------------------------- legacy execute_code


def test_legacy_execute_code_kills_background_processes(tmp_path: Path, kill_later, wait_dead) -> None:
    exit_code, logs, image = execute_code(BACKGROUND_CHILD, work_dir=str(tmp_path), use_docker=False, timeout=30)
    assert (exit_code, image) == (0, None)
    pid = int(logs)
    kill_later.append(pid)
    assert wait_dead(pid, GONE_WITHIN)
    assert execute_code("print('hi')", work_dir=str(tmp_path), use_docker=False) == (0, "hi\n", None)
    assert execute_code("import sys; sys.exit(4)", work_dir=str(tmp_path), use_docker=False)[0] == 4


def test_legacy_execute_code_can_keep_them(tmp_path: Path, kill_later, alive) -> None:
    exit_code, logs, _ = execute_code(
        BACKGROUND_CHILD, work_dir=str(tmp_path), use_docker=False, timeout=30, kill_background_processes=False
    )
    pid = int(logs)
    kill_later.append(pid)
    assert exit_code == 0 and alive(pid)


# ---------------------------------------------------------------- the helper process


@pytest.mark.skipif(not LINUX, reason="the subreaper supervisor is Linux-only")
def test_helper_survives_fork_and_exits_with_its_caller(tmp_path: Path, kill_later, wait_dead) -> None:
    script = tmp_path / "forking.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, sys
            from autogen.coding import supervisor
            from autogen.coding.process import run_process

            def block(text):
                cmd = [sys.executable, "-c", f"print({text!r})"]
                return run_process(cmd, timeout=30, kill_background_processes=True).stdout.strip()

            first = block("parent")
            helper = supervisor._helper.proc.pid
            pid = os.fork()
            if pid == 0:  # the child must not share the parent's helper connection
                ok = block("child") == "child" and supervisor._helper.proc.pid != helper
                print("child-helper", supervisor._helper.proc.pid, flush=True)
                os._exit(0 if ok else 1)
            _, status = os.waitpid(pid, 0)
            print("parent-helper", helper, first, block("parent again"), os.waitstatus_to_exitcode(status))
            """
        )
    )
    env = dict(os.environ, PYTHONPATH=str(Path(autogen.__file__).resolve().parent.parent))
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines())
    helpers = [int(lines["child-helper"]), int(lines["parent-helper"].split()[0])]
    kill_later.extend(helpers)
    assert lines["parent-helper"].split()[1:] == ["parent", "parent", "again", "0"]
    assert all(wait_dead(pid, GONE_WITHIN) for pid in helpers), "a helper outlived its caller"


@pytest.mark.skipif(not LINUX, reason="the subreaper supervisor is Linux-only")
def test_a_dead_helper_is_replaced(executor) -> None:
    assert supervisor.supervision_problem() is None
    old = supervisor._helper
    old.proc.kill()
    old.proc.wait()
    res = run(executor, "print('still supervised')")
    assert res.exit_code == 0 and res.output == "still supervised\n"
    assert supervisor._helper is not None and supervisor._helper is not old


# ---------------------------------------------------------------- sandboxed executor


def _sandbox_processes(marker: str) -> list[int]:
    """Host pids of live processes whose command line is ``sleep <marker>`` (a zombie's reads empty)."""
    wanted = f"sleep\x00{marker}\x00".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if f.read() == wanted:
                    found.append(int(entry))
        except OSError:
            continue
    return found


def _wait_none_left(marker: str, within: float) -> list[int]:
    deadline = time.monotonic() + within
    while (left := _sandbox_processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.mark.usefixtures("bwrap_ok")
@pytest.mark.parametrize("keep", [False, True])
def test_sandboxed_executor(tmp_path: Path, keep: bool) -> None:
    from autogen.coding.sandbox import SandboxedLocalCommandLineCodeExecutor

    executor = SandboxedLocalCommandLineCodeExecutor(
        work_dir=tmp_path / "work", timeout=10, kill_background_processes=not keep
    )
    # Pids inside the sandbox are its own, so the processes are found by unique command lines.
    child_marker, daemon_marker = f"60.{os.getpid()}1", f"60.{os.getpid()}2"
    code = textwrap.dedent(
        f"""
        import subprocess
        subprocess.Popen(["sleep", "{child_marker}"])
        subprocess.Popen(["sleep", "{daemon_marker}"], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print("started")
        """
    )
    try:
        start = time.monotonic()
        res = run(executor, code)
        assert time.monotonic() - start < PROMPT
        assert res.exit_code == 0 and res.output == "started\n"
        assert ("--die-with-parent" in executor.bwrap_args()) is not keep
        if keep:
            assert _sandbox_processes(child_marker) and _sandbox_processes(daemon_marker)
        else:
            assert _wait_none_left(child_marker, GONE_WITHIN) == []
            assert _wait_none_left(daemon_marker, GONE_WITHIN) == []
        assert run(executor, "import sys; print('ok'); sys.exit(6)").exit_code == 6
    finally:
        for pid in _sandbox_processes(child_marker) + _sandbox_processes(daemon_marker):
            os.kill(pid, 9)
        executor.stop()
