"""How long `import autogen` adds to a bare interpreter start, and which heavy modules it loads.

Run: python bench/bench_import.py [runs]
Target: <= 150 ms over a bare `python -c pass` (ag2 0.13.4: about 1.1 s on the same machines).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

HEAVY = [
    "openai",
    "httpx",
    "httpx2",
    "docker",
    "chromadb",
    "qdrant_client",
    "jupyter_client",
    "numpy",
    "tiktoken",
    "redis",
    "pydantic",
]


def timed(code: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    bare = timed("pass", runs)
    auto = timed("import autogen", runs)
    loaded = subprocess.run(
        [sys.executable, "-c", f"import sys, autogen; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"{'what':<28}{'median ms':>12}{'min ms':>10}")
    print(f"{'python -c pass':<28}{statistics.median(bare) * 1e3:>12.1f}{min(bare) * 1e3:>10.1f}")
    print(f"{'python -c import autogen':<28}{statistics.median(auto) * 1e3:>12.1f}{min(auto) * 1e3:>10.1f}")
    added = (statistics.median(auto) - statistics.median(bare)) * 1e3
    print(f"{'added by import autogen':<28}{added:>12.1f}   (target <= 150 ms)")
    print(f"heavy modules loaded by import autogen: {loaded or 'none'}")


if __name__ == "__main__":
    main()
