"""run_process: deadlines kill whole process trees, output capture never deadlocks and stays bounded."""

from __future__ import annotations

import os
import resource
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autogen.coding.process import run_process

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")


def _py(tmp_path: Path, code: str) -> list[str]:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    return [sys.executable, str(script)]


def test_both_pipes_filled_concurrently_without_deadlock(tmp_path: Path) -> None:
    # 8 MB on each stream, interleaved: a reader that drains one pipe at a time would hang.
    cmd = _py(
        tmp_path,
        """
        import sys
        for _ in range(128):
            sys.stdout.write("o" * 65536); sys.stderr.write("e" * 65536)
        print("done")
        """,
    )
    start = time.monotonic()
    outcome = run_process(cmd, timeout=30, head_bytes=10_000_000, tail_bytes=1000)
    assert time.monotonic() - start < 10
    assert outcome.returncode == 0 and not outcome.timed_out
    assert outcome.stdout.endswith("done\n") and len(outcome.stdout) == 128 * 65536 + 5
    assert len(outcome.stderr) == 128 * 65536


def test_truncation_keeps_head_and_tail_with_marker(tmp_path: Path) -> None:
    cmd = _py(tmp_path, "print('START' + 'x' * 100000 + 'END')")
    outcome = run_process(cmd, timeout=10, head_bytes=1000, tail_bytes=500)
    assert outcome.stdout_truncated and not outcome.stderr_truncated
    assert outcome.stdout.startswith("START")
    assert outcome.stdout.endswith("END\n")
    assert "stdout truncated" in outcome.stdout and "bytes omitted" in outcome.stdout
    assert len(outcome.stdout) < 2000


def test_huge_output_is_fast_and_memory_bounded(tmp_path: Path) -> None:
    cmd = _py(
        tmp_path,
        """
        import sys
        chunk = "y" * 1_000_000
        for _ in range(200):
            sys.stdout.write(chunk)
        sys.stdout.write("TAIL")
        """,
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    outcome = run_process(cmd, timeout=60)
    elapsed = time.monotonic() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert outcome.returncode == 0
    assert elapsed < 10
    assert outcome.stdout.endswith("TAIL") and len(outcome.stdout) < 1_000_000
    assert (rss_after - rss_before) * 1024 < 50_000_000  # ru_maxrss is in KiB on Linux


def test_timeout_kills_processes_that_left_the_group_or_session(
    tmp_path: Path, kill_later: list[int], wait_dead
) -> None:
    pids = tmp_path / "pids"
    cmd = _py(
        tmp_path,
        f"""
        import os, subprocess, time
        plain = subprocess.Popen(["sleep", "300"])
        regrouped = subprocess.Popen(["sleep", "301"], preexec_fn=lambda: os.setpgid(0, 0))
        new_session = subprocess.Popen(["sleep", "302"], start_new_session=True)
        open({str(pids)!r}, "w").write(f"{{plain.pid}} {{regrouped.pid}} {{new_session.pid}}")
        print("started", flush=True)
        time.sleep(300)
        """,
    )
    start = time.monotonic()
    outcome = run_process(cmd, timeout=2)
    assert time.monotonic() - start < 6
    assert outcome.timed_out
    assert "started" in outcome.stdout  # output produced before the deadline is kept
    children = [int(p) for p in pids.read_text().split()]
    kill_later.extend(children)
    for pid in children:
        assert wait_dead(pid), f"process {pid} survived the timeout"


def test_background_leftover_does_not_block_a_finished_program(tmp_path: Path, kill_later: list[int]) -> None:
    # The program exits at once but its background child keeps stdout open: the run must not
    # wait for the child (up to the timeout) before returning.
    pid_file = tmp_path / "bg.pid"
    cmd = ["sh", "-c", f"sleep 30 & echo $! > {pid_file}; echo finished"]
    start = time.monotonic()
    outcome = run_process(cmd, timeout=20)
    assert time.monotonic() - start < 3
    kill_later.append(int(pid_file.read_text()))
    assert outcome.returncode == 0 and not outcome.timed_out
    assert outcome.stdout == "finished\n"


def test_program_that_closes_output_but_keeps_running_times_out(tmp_path: Path) -> None:
    outcome = run_process(["sh", "-c", "exec >/dev/null 2>&1; sleep 30"], timeout=1)
    assert outcome.timed_out


def test_missing_program_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        run_process([str(tmp_path / "no-such-program")], timeout=5)


def test_exit_status_and_signal(tmp_path: Path) -> None:
    assert run_process(["sh", "-c", "exit 7"], timeout=5).returncode == 7
    assert run_process(["sh", "-c", "kill -TERM $$"], timeout=5).returncode == -15


def test_code_runs_when_the_process_has_more_than_1024_files_open(tmp_path):
    # the supervisor's status pipe then gets a descriptor number select() refuses; poll() takes it
    from autogen.coding import CodeBlock, LocalCommandLineCodeExecutor

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"the hard limit on open files is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    fds = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        executor = LocalCommandLineCodeExecutor(work_dir=tmp_path, timeout=30)
        result = executor.execute_code_blocks([CodeBlock(language="python", code="print('ran')")])
        assert result.exit_code == 0 and result.output.strip() == "ran"
    finally:
        for fd in fds:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
