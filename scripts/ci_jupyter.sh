#!/usr/bin/env bash
# Make the Jupyter executors testable on a fresh machine; safe to run again.
#   - pip installs jupyter_client, ipykernel, jupyter-kernel-gateway, websocket-client when missing
#   - checks that a kernel starts
#   - when a Docker engine answers (run scripts/ci_docker.sh first), builds the image used by
#     DockerJupyterServer (ag2-jupyter-gateway:latest) if it is missing.
set -uo pipefail
PY="${PYTHON:-python}"
T0=$(date +%s)
log() { echo "[ci_jupyter $(( $(date +%s) - T0 ))s] $*"; }
fail() { echo "[ci_jupyter] FAILED: $*" >&2; exit 1; }
cd "$(dirname "$0")/.."

if ! "$PY" -c "import jupyter_client, ipykernel, kernel_gateway, websocket" 2>/dev/null; then
    log "pip install jupyter packages"
    "$PY" -m pip install -q "jupyter_client>=8" "ipykernel>=6" "jupyter-kernel-gateway>=3" "websocket-client>=1.6" \
        || fail "pip install of the jupyter packages"
fi
"$PY" - <<'PYEOF' || fail "a local ipykernel does not start"
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="python3", startup_timeout=60)
kc.stop_channels(); km.shutdown_kernel(now=True)
PYEOF
log "local Jupyter kernel works"

if docker info >/dev/null 2>&1; then
    if docker image inspect ag2-jupyter-gateway:latest >/dev/null 2>&1; then
        log "image ag2-jupyter-gateway:latest present"
    else
        log "building ag2-jupyter-gateway:latest (pip --target + docker build, no network in the build)"
        "$PY" -c "from autogen.coding.jupyter.docker_jupyter_server import DockerJupyterServer as S; print(S.build_image())" \
            || fail "building the Jupyter gateway image"
    fi
else
    log "no Docker engine: DockerJupyterServer tests will be skipped (run scripts/ci_docker.sh first)"
fi
log "Jupyter ready"
