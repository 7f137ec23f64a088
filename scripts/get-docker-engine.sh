#!/usr/bin/env bash
# Installs what test/docker needs to run the dev stack's containers for real: Debian's docker.io
# (dockerd, containerd, runc, the docker CLI) and busybox-static (sh, wget and nc for the
# stand-in images). Nothing is started here: the tests start their own dockerd on a private
# socket and data root (test/docker/engine.ts) and stop it by PID.
# Env: CI=true  a missing package is an error (exit 1) instead of a warning.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

log() { echo "get-docker-engine: $*" >&2; }
fail() {
  if [[ "${CI:-}" == "true" ]]; then log "ERROR: $*"; exit 1; fi
  log "WARNING: $* (the Docker tests will be skipped)"; exit 0
}

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
[[ -x /bin/busybox ]] && /bin/busybox --list 2>/dev/null | grep -qx nc || missing+=(busybox-static)
if ((${#missing[@]})); then
  [[ $EUID -eq 0 ]] || fail "need root to apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-cache show "${missing[@]}" >/dev/null 2>&1 || apt-get -qq update >&2 || true
  log "installing ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || fail "apt-get install ${missing[*]} failed"
  # The package may have started the system's engine; the tests want the machine to themselves.
  if pgrep -x dockerd >/dev/null; then
    log "stopping the docker service the package started"
    service docker stop >/dev/null 2>&1 || true
  fi
fi
command -v dockerd >/dev/null || fail "dockerd not found after installing docker.io"
command -v docker >/dev/null || fail "docker CLI not found after installing docker.io"
echo "dockerd $(dockerd --version | sed -nE 's/.*version ([^,]+).*/\1/p'), $(/bin/busybox | head -n1 | cut -d' ' -f1-2)"
