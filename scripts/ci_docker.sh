#!/usr/bin/env bash
# Make Docker usable for the executor tests on a fresh Debian machine; safe to run again.
#   - installs docker.io, debootstrap, bubblewrap (apt) and the docker SDK (pip) when missing
#   - starts dockerd in the background when no engine answers (falls back to
#     --iptables=false --bridge=none when the machine's networking does not allow a bridge)
#   - builds the python:3-slim image offline (debootstrap from the apt mirror + docker import)
#     only when it is missing, then checks that a container runs.
# Environment: AG2_DOCKER_IMAGE (python:3-slim), AG2_DOCKER_DATA_ROOT (/tmp/dockerdata),
#   AG2_DOCKERD_LOG (/tmp/dockerd.log), AG2_DOCKERD_ARGS (extra dockerd flags; skips the probing).
set -uo pipefail

IMAGE="${AG2_DOCKER_IMAGE:-python:3-slim}"
DATA_ROOT="${AG2_DOCKER_DATA_ROOT:-/tmp/dockerdata}"
LOG="${AG2_DOCKERD_LOG:-/tmp/dockerd.log}"
PY="${PYTHON:-python}"
T0=$(date +%s)

log() { echo "[ci_docker $(( $(date +%s) - T0 ))s] $*"; }
fail() {
    echo "[ci_docker] FAILED: $*" >&2
    [ -f "$LOG" ] && { echo "[ci_docker] last lines of $LOG:" >&2; tail -n 20 "$LOG" >&2; }
    exit 1
}
engine_up() { docker info >/dev/null 2>&1; }

# ---------------------------------------------------------------- packages
export DEBIAN_FRONTEND=noninteractive
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq || fail "apt-get update"
    apt-get install -y -qq "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]}"
fi
"$PY" -c "import docker" 2>/dev/null || { log "pip install docker"; "$PY" -m pip install -q "docker>=7" || fail "pip install docker"; }

# ---------------------------------------------------------------- engine
DOCKERD_PID=""
start_dockerd() {  # $@: extra flags
    log "starting dockerd $* (log: $LOG)"
    mkdir -p "$DATA_ROOT"
    setsid nohup dockerd --data-root "$DATA_ROOT" "$@" >"$LOG" 2>&1 < /dev/null &
    DOCKERD_PID=$!
    for _ in $(seq 1 100); do
        engine_up && return 0
        kill -0 "$DOCKERD_PID" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}
stop_our_dockerd() {
    [ -n "$DOCKERD_PID" ] || return 0
    kill "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    rm -f /var/run/docker.pid
    DOCKERD_PID=""
}
FALLBACK_FLAGS=(--iptables=false --bridge=none)
USED_DEFAULT=0
if engine_up; then
    log "a Docker engine is already running"
elif [ -n "${AG2_DOCKERD_ARGS:-}" ]; then
    # shellcheck disable=SC2086
    start_dockerd $AG2_DOCKERD_ARGS || fail "dockerd did not start with AG2_DOCKERD_ARGS=$AG2_DOCKERD_ARGS"
elif start_dockerd; then
    USED_DEFAULT=1
else
    stop_our_dockerd
    log "dockerd with default networking failed; retrying without bridge/iptables"
    start_dockerd "${FALLBACK_FLAGS[@]}" || fail "dockerd did not start"
fi

# ---------------------------------------------------------------- image
apt_mirror() {
    local uri
    uri=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null \
        | grep -v security | sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' | awk '{print $1}' | head -n 1)
    echo "${uri:-http://deb.debian.org/debian}"
}
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
    log "image $IMAGE present"
else
    ROOT=$(mktemp -d /tmp/ag2-rootfs.XXXXXX)
    MIRROR=$(apt_mirror)
    log "building $IMAGE with debootstrap from $MIRROR (about a minute)"
    debootstrap --variant=minbase --include=python3,python-is-python3 bookworm "$ROOT" "$MIRROR" >/tmp/debootstrap.log 2>&1 \
        || { tail -n 20 /tmp/debootstrap.log >&2; rm -rf "$ROOT"; fail "debootstrap"; }
    rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*
    tar -C "$ROOT" -c . | docker import -c 'CMD ["python3"]' - "$IMAGE" >/dev/null \
        || { rm -rf "$ROOT"; fail "docker import"; }
    rm -rf "$ROOT"
    log "image $IMAGE built"
fi

# ---------------------------------------------------------------- smoke test
smoke() { docker run --rm --network none "$IMAGE" python3 -c 'print("ok")' 2>&1; }
if ! out=$(smoke); then
    if [ "$USED_DEFAULT" = 1 ]; then
        log "containers do not run with default networking ($out); restarting dockerd without bridge/iptables"
        stop_our_dockerd
        start_dockerd "${FALLBACK_FLAGS[@]}" || fail "dockerd did not start"
        out=$(smoke) || fail "a container does not run: $out"
    else
        fail "a container does not run: $out"
    fi
fi
log "Docker ready: $(docker version --format 'engine {{.Server.Version}}' 2>/dev/null), image $IMAGE runs"
