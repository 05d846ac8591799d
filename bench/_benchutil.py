"""Small helpers shared by the bench scripts (stdlib only): import path, memory readings, table output."""

from __future__ import annotations

import functools
import os
import resource
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# `python bench/x.py` puts bench/ on sys.path, not the project root: make `import autogen` find this checkout.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The fake model is not in the price table; one warning per call would flood the output and cost time.
warnings.filterwarnings("ignore", message=".*price table.*")

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """Current resident set size of this process, in MiB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter (Linux >= 4.0 via clear_refs); returns whether it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def proc_peak_rss_mb() -> float:
    """Peak RSS since the last reset_peak_rss() (VmHWM), in MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return peak_rss_mb()


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send what the library prints to /dev/null at the file-descriptor level (tables are printed after)."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[int] | None = None) -> None:
    """Print a left-aligned first column and right-aligned other columns."""
    cells = [[_fmt(c) for c in row] for row in rows]
    if widths is None:
        widths = [max(len(str(h)), *(len(r[i]) for r in cells)) + 2 for i, h in enumerate(headers)]
    line = f"{headers[0]:<{widths[0]}}" + "".join(f"{h:>{w}}" for h, w in zip(headers[1:], widths[1:]))
    print(line)
    print("-" * len(line))
    for r in cells:
        print(f"{r[0]:<{widths[0]}}" + "".join(f"{c:>{w}}" for c, w in zip(r[1:], widths[1:])))


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)


def verdict(ok: bool) -> str:
    """A short pass/miss marker for the target column."""
    return "ok" if ok else "MISSED"


def _package_of(filename: str) -> str:
    if filename.startswith(("~", "<")):
        return "builtins/C"
    parts = filename.replace("\\", "/").split("/")
    if "autogen" in parts:
        i = len(parts) - 1 - parts[::-1].index("autogen")
        sub = parts[i + 1] if i + 1 < len(parts) - 1 else parts[-1].removesuffix(".py")
        return f"autogen.{sub}"
    if "site-packages" in parts:
        i = parts.index("site-packages")
        return parts[i + 1].removesuffix(".py")
    if "python3." in filename:
        return "stdlib:" + parts[-1].removesuffix(".py")
    return parts[-1]


def profile_report(prof: Any, title: str, top: int = 25) -> None:
    """Print where the time went: own time per package, then the functions with the most own time."""
    import io
    import pstats

    stats = pstats.Stats(prof)
    by_pkg: dict[str, float] = {}
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        pkg = _package_of(filename)
        by_pkg[pkg] = by_pkg.get(pkg, 0.0) + tt
        total += tt
    print(f"\n==== cProfile: {title} (own time {total:.2f} s) ====")
    print("own time by package:")
    for pkg, tt in sorted(by_pkg.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {pkg:<34}{tt:>8.3f} s {tt / total:>6.1%}")
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(top)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


class SdkTimer:
    """Adds up the time spent inside the openai SDK client's HTTP ``post`` (the request on the wire
    and the response parsed) while patched.

    Both autogen (which posts prepared requests directly) and ``chat.completions.create`` (which
    converts its arguments first, then posts) go through ``post``, so "run time - SDK time" is the
    framework's own part, measured in the same run and much less exposed to load from other
    processes than comparing two separate runs.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    @contextmanager
    def patched(self) -> Iterator[None]:
        from openai._base_client import SyncAPIClient

        original = SyncAPIClient.post
        timer = self

        @functools.wraps(original)
        def post(client: Any, *args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return original(client, *args, **kwargs)
            finally:
                timer.seconds += time.perf_counter() - t0
                timer.calls += 1

        SyncAPIClient.post = post  # type: ignore[method-assign]
        try:
            yield
        finally:
            SyncAPIClient.post = original  # type: ignore[method-assign]


def replay_post(raw: Any, bodies: list[dict[str, Any]]) -> float:
    """The recorded bodies POSTed with the same SDK client, skipping ``create()``'s argument handling
    (the fastest the openai client sends them; the strictest baseline for the framework figure)."""
    from openai.types.chat import ChatCompletion

    t0 = time.perf_counter()
    for body in bodies:
        raw.post("/chat/completions", body=body, cast_to=ChatCompletion)
    return time.perf_counter() - t0


_TICK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from 3 (state) on; the name may hold spaces


def tree_cpu_seconds(*pids: int) -> float:
    """User+system CPU seconds of processes ``pids``, their live descendants and the children they
    reaped (Linux /proc). Read before and after a run: the difference is what the tree used."""
    parent: dict[int, int] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat_fields(int(entry))) is not None:
            stats[int(entry)] = fields
            parent[int(entry)] = int(fields[1])
    roots = set(pids)
    total = 0
    for pid, fields in stats.items():
        p, inside = pid, False
        while p > 1:
            if p in roots:
                inside = True
                break
            p = parent.get(p, 0)
        if inside:
            total += int(fields[11]) + int(fields[12])  # utime, stime
            if pid in roots:
                total += int(fields[13]) + int(fields[14])  # cutime, cstime
    return total / _TICK


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores (Linux /proc/stat)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return (total - idle) / _TICK, total / _TICK
