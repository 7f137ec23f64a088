#!/usr/bin/env bash
# Stops a test Docker engine started by test/docker/engine.ts and removes all it left behind:
# containers, networks, volumes, its dockerd / containerd / shim processes (by PID), mounts under
# its root, and the root folder itself. Synchronous, so an 'exit' handler can run it too.
# Usage: stop-engine.sh ROOT [DOCKERD_PID]
set -u
[[ -n "${STOP_ENGINE_TRACE:-}" ]] && PS4='+ $(date +%s.%N | cut -c7-14) ' && set -x
root="$1"
pid="$(cat "$root/docker.pid" 2>/dev/null || echo "${2:-}")"
case "$root" in /*/monitoring-docker-*) ;; *) echo "stop-engine: refusing to clean $root" >&2; exit 2 ;; esac

alive() { [[ -r /proc/$1/stat ]] && [[ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

if [[ -n "$pid" ]] && alive "$pid"; then
  d=(docker -H "unix://$root/docker.sock")
  ids="$("${d[@]}" ps -aq 2>/dev/null)"
  [[ -n "$ids" ]] && "${d[@]}" rm -f -v $ids >/dev/null 2>&1
  "${d[@]}" network prune -f >/dev/null 2>&1
  vols="$("${d[@]}" volume ls -q 2>/dev/null)"
  [[ -n "$vols" ]] && "${d[@]}" volume rm -f $vols >/dev/null 2>&1
  kill -TERM "$pid" 2>/dev/null
  # Our caller blocks while this runs, so it cannot reap dockerd: a zombie counts as stopped.
  for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
fi

# This engine's containerd and shims name its root on their command line. The bracket keeps
# grep's own command line from matching its pattern.
base="$(basename "$root")"
pattern="$(dirname "$root")/[${base:0:1}]${base:1}/"
for file in $(grep -lsE -- "$pattern" /proc/[0-9]*/cmdline); do
  p="${file#/proc/}"; p="${p%/cmdline}"
  [[ $p != "$$" ]] && kill -KILL "$p" 2>/dev/null
done

# Mounts the engine left (network namespaces, container file systems), deepest first.
awk -v root="$root/" 'index($5, root) == 1 {print $5}' /proc/self/mountinfo | sort -r |
  while read -r mnt; do umount -l "$mnt" 2>/dev/null; done

# dockerd leaves its default bridge behind; remove it when this engine created it.
if [[ -f "$root/created-docker0" ]]; then ip link delete docker0 2>/dev/null; fi

rm -rf "$root"
if [[ -e "$root" ]]; then echo "stop-engine: could not remove $root" >&2; exit 1; fi
