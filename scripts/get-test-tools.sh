#!/usr/bin/env bash
# Makes real test binaries available under .tools/ (git-ignored) for the live tests.
#
# - Prometheus, promtool, Alertmanager, amtool and the exporters come from Debian sid:
#   downloaded with `apt-get download` under a private sources list / lists / cache folder
#   (the system's own apt setup is not touched) and unpacked with `dpkg -x` into .tools/root.
# - PostgreSQL and Redis servers come from the machine's own suite (`apt-get install`),
#   only when not already installed. They are not started; tests start their own instances
#   on 127.0.0.1 with their own data dirs.
# - .tools/bin/ gets stable names: prometheus promtool alertmanager amtool node_exporter
#   postgres_exporter redis_exporter blackbox_exporter postgres initdb pg_ctl psql redis-server mysqld_exporter mariadbd mariadb-install-db.
#
# PostgreSQL refuses to run as root. When the tests run as root they must run initdb /
# postgres / pg_ctl as the `postgres` system user (created by the package):
#   setpriv --reuid=postgres --regid=postgres --init-groups -- <bin> ...
# (setpriv execs, so the spawned PID is postgres itself and can be killed directly), with a
# data dir and unix_socket_directories owned by that user. See test/support/tools.ts.
#
# Usage: scripts/get-test-tools.sh [--check]
#   --check  also start every server on 127.0.0.1 (random port), probe it and stop it.
# Env:    CI=true          missing tools are an error (exit 1) instead of a warning.
#         TRIXIE_MIRROR    Debian mirror URL (default: the one the machine's apt uses).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
UNPACK="$TOOLS/root"
SUITE=sid

CHECK=0
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

PROBLEMS=()
log() { echo "get-test-tools: $*" >&2; }
problem() {
  PROBLEMS+=("$*")
  if [[ "${CI:-}" == "true" ]]; then log "ERROR: $*"; else log "WARNING: $*"; fi
}

# stable name -> path of the binary inside the unpacked Debian packages
declare -A DEB_BIN=(
  [prometheus]=usr/bin/prometheus
  [promtool]=usr/bin/promtool
  [alertmanager]=usr/bin/prometheus-alertmanager
  [amtool]=usr/bin/amtool
  [node_exporter]=usr/bin/prometheus-node-exporter
  [postgres_exporter]=usr/bin/prometheus-postgres-exporter
  [redis_exporter]=usr/bin/prometheus-redis-exporter
  [blackbox_exporter]=usr/bin/prometheus-blackbox-exporter
  [mysqld_exporter]=usr/bin/prometheus-mysqld-exporter
  [kafka_exporter]=usr/bin/prometheus-kafka-exporter
)
DEB_ORDER=(prometheus promtool alertmanager amtool node_exporter postgres_exporter
  redis_exporter blackbox_exporter mysqld_exporter)
PACKAGES=(prometheus promtool prometheus-alertmanager prometheus-node-exporter
  prometheus-postgres-exporter prometheus-redis-exporter prometheus-blackbox-exporter
  prometheus-mysqld-exporter)
KAFKA_PACKAGE=prometheus-kafka-exporter

runs() { "$1" --version >/dev/null 2>&1; }

deb_tools_ok() {
  local name
  for name in "${DEB_ORDER[@]}"; do
    [[ -x "$BIN/$name" ]] && runs "$BIN/$name" || return 1
  done
  grep -q "$AM_WRAPPER_MARK" "$BIN/alertmanager" 2>/dev/null
}

# The Debian mirror the machine's own apt sources use (one-line and deb822 formats).
find_mirror() {
  local files=() f uri
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  if ((${#files[@]})); then
    uri="$(
      {
        grep -hE '^[[:space:]]*deb[[:space:]]' "${files[@]}" 2>/dev/null |
          sed -E 's/\[[^]]*\]//' | awk '{print $2}'
        grep -hE '^[[:space:]]*URIs:' "${files[@]}" 2>/dev/null |
          sed -E 's/^[[:space:]]*URIs:[[:space:]]*//' | tr ' ' '\n'
      } | grep -E '^https?://[^ ]+/debian/?$' | head -n1 || true
    )"
  fi
  echo "${uri:-http://deb.debian.org/debian}" | sed -E 's#/$##'
}

download_deb_tools() {
  command -v apt-get >/dev/null && command -v dpkg >/dev/null || {
    problem "apt-get/dpkg not available: cannot fetch Debian $SUITE packages"; return 0; }
  local mirror keyring work
  mirror="${TRIXIE_MIRROR:-$(find_mirror)}"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  work="$(mktemp -d)"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
  echo "deb [signed-by=$keyring] $mirror $SUITE main" >"$work/sources.list"
  local apt_opts=(
    -o "Dir::Etc::SourceList=$work/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache"
    -o "Dir::State::status=/dev/null"
    -o "APT::Sandbox::User=root"
    -o "Debug::NoLocking=1"
  )
  log "fetching Debian $SUITE package lists from $mirror (private apt state in $work)"
  if ! apt-get "${apt_opts[@]}" -qq update >"$work/update.log" 2>&1; then
    cat "$work/update.log" >&2
    problem "apt-get update for $SUITE from $mirror failed"; return 0
  fi
  local pkgs=("${PACKAGES[@]}")
  if apt-cache "${apt_opts[@]}" show "$KAFKA_PACKAGE" >/dev/null 2>&1; then
    pkgs+=("$KAFKA_PACKAGE"); DEB_ORDER+=(kafka_exporter)
  else
    log "Debian $SUITE has no Kafka exporter package ($KAFKA_PACKAGE): none provided"
  fi
  log "downloading: ${pkgs[*]}"
  if ! (cd "$work/debs" && apt-get "${apt_opts[@]}" -qq download "${pkgs[@]}") \
      >"$work/download.log" 2>&1; then
    cat "$work/download.log" >&2
    problem "apt-get download from $SUITE failed"; return 0
  fi
  rm -rf "$UNPACK"
  mkdir -p "$UNPACK"
  local deb
  for deb in "$work/debs"/*.deb; do
    dpkg -x "$deb" "$UNPACK"
    dpkg-deb -f "$deb" Package Version | paste -sd' ' >>"$UNPACK/PACKAGES"
  done
  rm -rf "$work"
  trap - EXIT
  DOWNLOADED=1
}

link_deb_tools() {
  mkdir -p "$BIN"
  local name target missing
  for name in "${DEB_ORDER[@]}"; do
    target="$UNPACK/${DEB_BIN[$name]}"
    rm -f "$BIN/$name"
    if [[ ! -x "$target" ]]; then problem "$name: $target not found after unpacking"; continue; fi
    # Debian's Go builds link only libc; report any shared lib this machine lacks.
    missing="$(ldd "$target" 2>/dev/null | awk '/not found/ {print $1}' | paste -sd' ' || true)"
    if [[ -n "$missing" ]]; then problem "$name needs missing shared libraries: $missing"; continue; fi
    if [[ $name == alertmanager ]]; then
      write_alertmanager_wrapper
    else
      ln -s "../root/${DEB_BIN[$name]}" "$BIN/$name"
    fi
    runs "$BIN/$name" || problem "$name does not run on this machine ($BIN/$name --version failed)"
  done
}

# Debian's alertmanager is patched to read its default notification templates (and UI) from
# /usr/share/prometheus/alertmanager instead of embedding them, and exits at startup when
# default.tmpl is missing. Without touching /usr/share, .tools/bin/alertmanager is a wrapper:
#   1. the system has the templates: run the binary as is;
#   2. root with CAP_SYS_ADMIN: in a private mount namespace, overlay .tools/root/usr/share
#      on /usr/share (read-only view, gone when the process exits);
#   3. otherwise: run a copy whose built-in path is patched (same length) to
#      $AM_TMP_LINK, a symlink to .tools/root/usr/share/prometheus/alertmanager.
# Every branch execs, so the wrapper's PID is the alertmanager's (tests can kill it).
AM_SYS_DIR=/usr/share/prometheus/alertmanager
AM_TMP_LINK=/tmp/monitoring-tests-am-templates   # must be exactly as long as $AM_SYS_DIR
AM_WRAPPER_MARK="am-wrapper-v2"

write_alertmanager_wrapper() {
  local real="$UNPACK/usr/bin/prometheus-alertmanager"
  if ((${#AM_TMP_LINK} == ${#AM_SYS_DIR})); then
    perl -0777 -pe "s#\Q$AM_SYS_DIR\E#$AM_TMP_LINK#g" "$real" >"$real.tmp-templates"
    chmod 755 "$real.tmp-templates"
  fi
  cat >"$BIN/alertmanager" <<WRAPPER
#!/bin/sh
# $AM_WRAPPER_MARK: generated by scripts/get-test-tools.sh (see write_alertmanager_wrapper there).
set -e
tools=\$(cd "\$(dirname "\$0")/.." && pwd)
bin=\$tools/root/usr/bin/prometheus-alertmanager
share=\$tools/root/usr/share
if [ -f $AM_SYS_DIR/default.tmpl ]; then exec "\$bin" "\$@"; fi
if [ "\$(id -u)" = 0 ] && unshare -m --propagation private \\
    mount -t overlay overlay -o "lowerdir=\$share:/usr/share" /usr/share 2>/dev/null; then
  exec unshare -m --propagation private sh -c \\
    'mount -t overlay overlay -o "lowerdir=\$1:/usr/share" /usr/share && shift && exec "\$@"' \\
    sh "\$share" "\$bin" "\$@"
fi
if [ "\$(readlink "$AM_TMP_LINK" || true)" != "\$share/prometheus/alertmanager" ]; then
  ln -sfn "\$share/prometheus/alertmanager" "$AM_TMP_LINK.\$\$"
  mv -Tf "$AM_TMP_LINK.\$\$" "$AM_TMP_LINK"
fi
exec "\$bin.tmp-templates" "\$@"
WRAPPER
  chmod 755 "$BIN/alertmanager"
}

SUDO=()
as_root_ok() {
  if [[ $EUID -eq 0 ]]; then SUDO=(); return 0; fi
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n); return 0; fi
  return 1
}

pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  [[ -n "$d" && -x "$d/postgres" ]] && echo "$d"
}

apt_install_system() {
  # $@: packages from the machine's own suite
  as_root_ok || { problem "need root (or passwordless sudo) to apt-get install $*"; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show "$@" >/dev/null 2>&1; then
    log "apt-get update (system lists have no $*)"
    "${SUDO[@]}" apt-get -qq update >&2 || true
  fi
  if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2; then
    log "install failed; apt-get update and retry"
    "${SUDO[@]}" apt-get -qq update >&2 || true
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2 ||
      { problem "apt-get install $* failed"; return 1; }
  fi
}

# Runs "$@" with service starts denied (policy-rc.d exit 101, as container images do): the
# mariadb-server package exits with an error when its service cannot start, and the tests start
# their own servers anyway. A policy-rc.d already in place is left alone.
without_service_starts() {
  local policy=/usr/sbin/policy-rc.d rc=0
  if [[ -e $policy ]] || ! as_root_ok; then "$@"; return; fi
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null && "${SUDO[@]}" chmod 755 "$policy"
  "$@" || rc=$?
  "${SUDO[@]}" rm -f "$policy"
  return "$rc"
}

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

ensure_servers() {
  local installed_pg=0 installed_redis=0 installed_mariadb=0
  if ! pg_bindir >/dev/null; then
    log "installing postgresql from the system suite"
    apt_install_system postgresql && installed_pg=1
  fi
  if ! command -v redis-server >/dev/null; then
    log "installing redis-server from the system suite"
    apt_install_system redis-server && installed_redis=1
  fi
  if ! command -v mariadbd >/dev/null; then
    log "installing mariadb-server from the system suite (its service not started)"
    without_service_starts apt_install_system mariadb-server && installed_mariadb=1
  fi
  # The packages may start a system service; tests start their own instances.
  if ((installed_pg)) && command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print $1, $2}' |
      while read -r ver cluster; do
        log "stopping PostgreSQL cluster $ver/$cluster started by the package"
        "${SUDO[@]}" pg_ctlcluster "$ver" "$cluster" stop || true
      done
    if port_busy 5432; then problem "something still listens on 5432 after stopping the package's cluster"; fi
  fi
  if ((installed_redis)); then
    if pgrep -x redis-server >/dev/null; then
      log "stopping the redis-server service started by the package"
      "${SUDO[@]}" service redis-server stop >/dev/null 2>&1 || true
    fi
    if port_busy 6379; then problem "something still listens on 6379 after stopping the package's redis"; fi
  fi
  if ((installed_mariadb)); then
    if pgrep -x mariadbd >/dev/null; then
      log "stopping the mariadb service started by the package"
      "${SUDO[@]}" service mariadb stop >/dev/null 2>&1 || true
    fi
    if port_busy 3306; then problem "something still listens on 3306 after stopping the package's mariadb"; fi
  fi

  mkdir -p "$BIN"
  local d name
  if d="$(pg_bindir)"; then
    for name in postgres initdb pg_ctl; do ln -sfn "$d/$name" "$BIN/$name"; done
    # psql comes from the client package (same major version).
    if [[ -x "$d/psql" ]]; then ln -sfn "$d/psql" "$BIN/psql"; fi
    if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
      problem "no 'postgres' system user: postgres cannot be started as root"
    fi
  else
    problem "PostgreSQL server not available (/usr/lib/postgresql/*/bin/postgres)"
  fi
  if command -v redis-server >/dev/null; then
    ln -sfn "$(command -v redis-server)" "$BIN/redis-server"
  else
    problem "redis-server not available"
  fi
  if command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null; then
    ln -sfn "$(command -v mariadbd)" "$BIN/mariadbd"
    ln -sfn "$(command -v mariadb-install-db)" "$BIN/mariadb-install-db"
    if [[ $EUID -eq 0 ]] && ! id mysql >/dev/null 2>&1; then
      problem "no 'mysql' system user: mariadbd cannot be started as root"
    fi
  else
    problem "MariaDB server not available (mariadbd, mariadb-install-db)"
  fi
}

version_of() {
  local name="$1" out
  out="$("$BIN/$name" --version 2>&1 | awk 'NR==1')" || return 1
  case "$name" in
    redis_exporter) sed -nE 's/.*Exporter ([^ ]+).*/\1/p' <<<"$out" ;;
    postgres|initdb|pg_ctl|psql) awk '{print $3}' <<<"$out" ;;
    redis-server) sed -nE 's/.* v=([^ ]+).*/\1/p' <<<"$out" ;;
    mariadbd) awk '{print $3}' <<<"$out" ;;
    *) sed -nE 's/.*version ([^ ]+).*/\1/p' <<<"$out" ;;
  esac
}

# ---------- optional live check (--check) ----------
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { # url
  local i
  for i in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
PIDS=()
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
kill_started() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }

live_check() {
  local tmp ok port port2 pid
  tmp="$(mktemp -d)"; chmod 755 "$tmp"
  trap kill_started EXIT
  check() { if "$@"; then echo "  ok: $CHECK_NAME"; else problem "live check failed: $CHECK_NAME (logs in $tmp)"; fi; }

  # Prometheus
  port="$(free_port)"
  printf 'global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ["127.0.0.1:%s"]\n' "$port" >"$tmp/prometheus.yml"
  "$BIN/prometheus" --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prom-data" \
    --web.listen-address="127.0.0.1:$port" >"$tmp/prometheus.log" 2>&1 & pid=$!; PIDS+=("$pid")
  CHECK_NAME="prometheus /-/ready on 127.0.0.1:$port"; check wait_http "http://127.0.0.1:$port/-/ready"
  stop_pid "$pid"

  # Alertmanager (empty --cluster.listen-address disables the 0.0.0.0:9094 gossip port)
  port="$(free_port)"
  printf 'route:\n  receiver: default\nreceivers:\n  - name: default\n' >"$tmp/alertmanager.yml"
  "$BIN/amtool" check-config "$tmp/alertmanager.yml" >"$tmp/amtool.log" 2>&1 ||
    problem "amtool check-config failed on a minimal config"
  "$BIN/alertmanager" --config.file="$tmp/alertmanager.yml" --storage.path="$tmp/am-data" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address= >"$tmp/alertmanager.log" 2>&1 & pid=$!; PIDS+=("$pid")
  CHECK_NAME="alertmanager /-/ready on 127.0.0.1:$port"; check wait_http "http://127.0.0.1:$port/-/ready"
  stop_pid "$pid"

  # node_exporter
  port="$(free_port)"
  "$BIN/node_exporter" --web.listen-address="127.0.0.1:$port" >"$tmp/node.log" 2>&1 & pid=$!; PIDS+=("$pid")
  CHECK_NAME="node_exporter /metrics on 127.0.0.1:$port"; check wait_http "http://127.0.0.1:$port/metrics"
  stop_pid "$pid"

  # blackbox_exporter (Debian's default config path is /etc/prometheus/blackbox.yml: pass one)
  port="$(free_port)"
  printf 'modules:\n  http_2xx:\n    prober: http\n' >"$tmp/blackbox.yml"
  "$BIN/blackbox_exporter" --config.file="$tmp/blackbox.yml" --web.listen-address="127.0.0.1:$port" \
    >"$tmp/blackbox.log" 2>&1 & pid=$!; PIDS+=("$pid")
  CHECK_NAME="blackbox_exporter /-/ready on 127.0.0.1:$port"; check wait_http "http://127.0.0.1:$port/-/ready"
  stop_pid "$pid"

  # Redis + redis_exporter
  if [[ -x "$BIN/redis-server" ]]; then
    port="$(free_port)"; port2="$(free_port)"
    "$BIN/redis-server" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      --dir "$tmp" --daemonize no >"$tmp/redis.log" 2>&1 & pid=$!; PIDS+=("$pid")
    CHECK_NAME="redis-server PING on 127.0.0.1:$port"
    check bash -c "for i in \$(seq 50); do exec 3<>/dev/tcp/127.0.0.1/$port 2>/dev/null && { printf 'PING\r\n' >&3; read -r -t 2 l <&3; [[ \$l == +PONG* ]] && exit 0; }; sleep 0.1; done 2>/dev/null; exit 1"
    "$BIN/redis_exporter" --redis.addr="redis://127.0.0.1:$port" \
      --web.listen-address="127.0.0.1:$port2" >"$tmp/redis_exporter.log" 2>&1 & local epid=$!; PIDS+=("$epid")
    CHECK_NAME="redis_exporter redis_up 1 on 127.0.0.1:$port2"
    check bash -c "for i in \$(seq 50); do curl -fsS http://127.0.0.1:$port2/metrics 2>/dev/null | grep -q '^redis_up 1' && exit 0; sleep 0.1; done; exit 1"
    stop_pid "$epid"; stop_pid "$pid"
  fi

  # PostgreSQL (as the postgres user when root) + postgres_exporter
  if [[ -x "$BIN/postgres" ]]; then
    local runas=() pgdir="$tmp/pg"
    [[ $EUID -eq 0 ]] && runas=(setpriv --reuid=postgres --regid=postgres --init-groups --)
    mkdir -p "$pgdir"
    if [[ $EUID -eq 0 ]]; then chown postgres: "$pgdir"; fi
    port="$(free_port)"; port2="$(free_port)"
    if (cd / && "${runas[@]}" "$BIN/initdb" -D "$pgdir/data" -U postgres --auth=trust \
        --no-sync >"$tmp/initdb.log" 2>&1); then
      (cd / && exec "${runas[@]}" "$BIN/postgres" -D "$pgdir/data" -p "$port" \
        -c listen_addresses=127.0.0.1 -c unix_socket_directories="$pgdir" -c fsync=off) \
        >"$tmp/postgres.log" 2>&1 & pid=$!; PIDS+=("$pid")
      CHECK_NAME="postgres SELECT 1 on 127.0.0.1:$port"
      check bash -c "for i in \$(seq 100); do '$BIN/psql' -h 127.0.0.1 -p $port -U postgres -d postgres -Atc 'select 1' 2>/dev/null | grep -qx 1 && exit 0; sleep 0.1; done; exit 1"
      DATA_SOURCE_NAME="postgresql://postgres@127.0.0.1:$port/postgres?sslmode=disable" \
        "$BIN/postgres_exporter" --web.listen-address="127.0.0.1:$port2" \
        >"$tmp/postgres_exporter.log" 2>&1 & local epid=$!; PIDS+=("$epid")
      CHECK_NAME="postgres_exporter pg_up 1 on 127.0.0.1:$port2"
      check bash -c "for i in \$(seq 50); do curl -fsS http://127.0.0.1:$port2/metrics 2>/dev/null | grep -q '^pg_up 1' && exit 0; sleep 0.1; done; exit 1"
      stop_pid "$epid"
      # setpriv execs, so $pid is the postmaster itself; SIGINT = fast shutdown.
      kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    else
      problem "initdb as ${runas[*]:-current user} failed (see $tmp/initdb.log)"
    fi
  fi
  if ((${#PROBLEMS[@]} == 0)); then rm -rf "$tmp"; fi
}

# ---------- main ----------
if deb_tools_ok; then
  log "cache hit: Debian $SUITE tools already in $BIN"
  [[ -x "$BIN/kafka_exporter" ]] && DEB_ORDER+=(kafka_exporter)
else
  DOWNLOADED=0
  download_deb_tools
  if ((DOWNLOADED)); then link_deb_tools; fi
fi
ensure_servers
((CHECK)) && live_check

for name in "${DEB_ORDER[@]}" postgres initdb pg_ctl psql redis-server mariadbd; do
  if [[ -x "$BIN/$name" ]] && v="$(version_of "$name")" && [[ -n "$v" ]]; then
    echo "$name $v"
  else
    [[ " ${PROBLEMS[*]-} " == *"$name"* ]] || problem "$name: not available in $BIN"
  fi
done

if ((${#PROBLEMS[@]})); then
  if [[ "${CI:-}" == "true" ]]; then
    log "FAILED (CI=true): ${#PROBLEMS[@]} problem(s):"; printf '  - %s\n' "${PROBLEMS[@]}" >&2
    exit 1
  fi
  log "${#PROBLEMS[@]} problem(s); tests needing these tools will be skipped:"
  printf '  - %s\n' "${PROBLEMS[@]}" >&2
fi
