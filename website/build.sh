#!/usr/bin/env bash
# Build the documentation site into website/build (MkDocs + Material + mkdocstrings + mkdocs-jupyter,
# strict: a broken link or reference fails the build). The sources are assembled in website/.docs:
# the hand-written pages of website/docs, the notebooks of notebook/ (rendered from their stored
# outputs, never executed), the API reference written by api_pages.py, and two pages generated from
# README.md and bench/ (README.md, RESULTS.md). See website/README.md.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=..
T0=$(date +%s)

rm -rf .docs build
cp -r docs .docs
mkdir -p .docs/notebooks
cp "$ROOT"/notebook/*.ipynb .docs/notebooks/
# The notebook index: notebook/README.md, its links already relative to the notebooks.
cp "$ROOT"/notebook/README.md .docs/notebooks/index.md

# The API reference pages: one per package or area, from the modules' __all__ (see api_pages.py).
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" python -W ignore api_pages.py .docs/api

# A section of a markdown file: from the heading "## $2" up to the next "## " heading.
section() {
    awk -v h="## $2" '$0 == h {on = 1; next} on && /^## / {exit} on {print}' "$1"
}

{
    echo "# Differences from ag2 0.13.4"
    echo
    echo "Generated from the section of the same name in the project's README.md."
    echo
    section "$ROOT/README.md" "Differences from ag2 0.13.4"
} > .docs/differences.md
grep -q '^- ' .docs/differences.md || { echo "README.md has no 'Differences from ag2 0.13.4' section" >&2; exit 1; }

{
    # bench/README.md as is (its title becomes the page's), the measured figures of bench/RESULTS.md
    # (its title dropped, its headings one level down), then how to reproduce them.
    cat "$ROOT/bench/README.md"
    echo
    echo "## Measured figures"
    echo
    awk 'NR == 1 && /^# / {next} /^```/ {fence = !fence} !fence && /^#/ {$0 = "#" $0} {print}' "$ROOT/bench/RESULTS.md"
    echo
    echo "## Reproducing the figures"
    echo
    echo "From the project root, with the extras a script needs installed (\`bash .ci/run\` installs them all),"
    echo "on an otherwise idle machine, run each script as shown in the table's \"run\" column; each prints its"
    echo "figures next to the target. The two quickest take seconds:"
    echo
    echo '```bash'
    echo 'python bench/bench_import.py                 # import time, 20 runs'
    echo 'python bench/bench_create.py --calls 100     # OpenAIWrapper.create() vs the raw openai client'
    echo '```'
    echo
    echo "Then update the rows of \`bench/RESULTS.md\` you measured, with the date; this page is built from it."
} > .docs/benchmarks.md

# --strict alone lets some warnings through (seen with Material 9.8 and mkdocs-autorefs), so any
# WARNING or ERROR line in the log fails the build too.
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
if ! NO_MKDOCS_2_WARNING=1 python -m mkdocs build --strict --config-file mkdocs.yml >"$LOG" 2>&1 \
    || grep -qE '^(WARNING|ERROR)' "$LOG"; then
    grep -E '^(WARNING|ERROR)' "$LOG" >&2 || cat "$LOG" >&2
    echo "website build failed (strict: the warnings above)" >&2
    exit 1
fi
rm -rf .docs
echo "website built into website/build in $(( $(date +%s) - T0 ))s"
