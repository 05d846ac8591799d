"""Latency of the code executors for a trivial block, and how long their kernels/containers take to start.

Each executor runs the same trivial Python block many times (median and p90 reported, after a
warm-up). The local executor is compared with plain `python -c` started the same way
(`run_process`), alternating blocks so machine load hits both sides alike. Components that are
not available here (no Docker engine, no bwrap, no Jupyter packages) are reported as skipped.

Run: python bench/bench_executors.py [--runs 50]
Targets: Jupyter and embedded IPython <= 20 ms per trivial cell once the kernel is up; kernel
start <= 2 s; Docker <= 1 s per trivial block with a reused container; local executor trivial
block <= 1.3x `python -c`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import _benchutil as bu

from autogen.coding import CodeBlock
from autogen.coding.process import run_process

BLOCK = [CodeBlock(code="print(1 + 1)", language="python")]


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def _measure(fn: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    return [bu.timed(fn) for _ in range(runs)]


def _check(result: object) -> None:
    if getattr(result, "exit_code", 1) != 0:
        raise RuntimeError(f"trivial block failed: {result}")


def bench_local(runs: int, work: Path) -> list[list[object]]:
    from autogen.coding import LocalCommandLineCodeExecutor

    ex = LocalCommandLineCodeExecutor(work_dir=work / "local", timeout=30)
    raw: list[float] = []
    ours: list[float] = []
    # Alternate small blocks of each so background load is shared fairly.
    for _ in range(max(1, runs // 5)):
        raw += _measure(lambda: run_process([sys.executable, "-c", "print(1 + 1)"], timeout=30), 5, warmup=1)
        ours += _measure(lambda: _check(ex.execute_code_blocks(BLOCK)), 5, warmup=1)
    raw_med, raw_p90 = _stats(raw)
    med, p90 = _stats(ours)
    ratio = med / raw_med
    return [
        ["python -c (baseline)", raw_med * 1000, raw_p90 * 1000, "", ""],
        ["LocalCommandLineCodeExecutor", med * 1000, p90 * 1000, f"{ratio:.2f}x <= 1.3x", bu.verdict(ratio <= 1.3)],
    ]


def bench_sandbox(runs: int, work: Path) -> list[list[object]]:
    from autogen.coding.sandbox import SandboxedLocalCommandLineCodeExecutor, bwrap_available

    problem = bwrap_available()
    if problem:
        return [["Sandboxed (bwrap)", "skipped", "", problem[:40], ""]]
    ex = SandboxedLocalCommandLineCodeExecutor(work_dir=work / "sandbox", timeout=30)
    med, p90 = _stats(_measure(lambda: _check(ex.execute_code_blocks(BLOCK)), runs))
    return [["Sandboxed local (bwrap)", med * 1000, p90 * 1000, "(no target)", ""]]


def bench_docker(runs: int, work: Path) -> list[list[object]]:
    try:
        from autogen.coding import DockerCommandLineCodeExecutor

        t0 = time.perf_counter()
        ex = DockerCommandLineCodeExecutor(work_dir=work / "docker", timeout=30)
        start = time.perf_counter() - t0
    except Exception as e:  # noqa: BLE001 - report why it was skipped
        return [["Docker", "skipped", "", str(e)[:40], ""]]
    try:
        med, p90 = _stats(_measure(lambda: _check(ex.execute_code_blocks(BLOCK)), runs))
    finally:
        ex.stop()
    return [
        ["Docker: container start", start * 1000, "", "(no target)", ""],
        ["Docker: block, reused container", med * 1000, p90 * 1000, "<= 1000 ms", bu.verdict(med <= 1.0)],
    ]


def bench_embedded(runs: int, work: Path) -> list[list[object]]:
    try:
        from autogen.coding.jupyter import EmbeddedIPythonCodeExecutor

        t0 = time.perf_counter()
        ex = EmbeddedIPythonCodeExecutor(output_dir=str(work), timeout=30)
        start = time.perf_counter() - t0
    except Exception as e:  # noqa: BLE001
        return [["Embedded IPython", "skipped", "", str(e)[:40], ""]]
    try:
        med, p90 = _stats(_measure(lambda: _check(ex.execute_code_blocks(BLOCK)), runs))
    finally:
        ex.stop()
    return [
        ["Embedded IPython: kernel start", start * 1000, "", "<= 2000 ms", bu.verdict(start <= 2.0)],
        ["Embedded IPython: cell", med * 1000, p90 * 1000, "<= 20 ms", bu.verdict(med <= 0.020)],
    ]


def bench_jupyter(runs: int, work: Path) -> list[list[object]]:
    try:
        from autogen.coding.jupyter import JupyterCodeExecutor, LocalJupyterServer

        t0 = time.perf_counter()
        server = LocalJupyterServer(log_file=str(work / "gateway.log"))
        gateway = time.perf_counter() - t0
    except Exception as e:  # noqa: BLE001
        return [["Jupyter gateway", "skipped", "", str(e)[:40], ""]]
    try:
        t0 = time.perf_counter()
        ex = JupyterCodeExecutor(server, output_dir=work, timeout=30)
        start = time.perf_counter() - t0
        med, p90 = _stats(_measure(lambda: _check(ex.execute_code_blocks(BLOCK)), runs))
        ex.stop()
    finally:
        server.stop()
    return [
        ["Jupyter: gateway start", gateway * 1000, "", "(no target)", ""],
        ["Jupyter: kernel start", start * 1000, "", "<= 2000 ms", bu.verdict(start <= 2.0)],
        ["Jupyter: cell", med * 1000, p90 * 1000, "<= 20 ms", bu.verdict(med <= 0.020)],
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=50, help="timed runs per executor (default 50)")
    args = ap.parse_args()
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="ag2-bench-exec-") as tmp:
        work = Path(tmp)
        for bench in (bench_local, bench_sandbox, bench_docker, bench_embedded, bench_jupyter):
            rows += bench(args.runs, work)
    bu.table(["trivial python block", "median ms", "p90 ms", "target", ""], rows)


if __name__ == "__main__":
    main()
