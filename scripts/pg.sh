#!/usr/bin/env bash
# The project-local PostgreSQL: a private cluster in .pg/ (git-ignored) with its socket inside it.
# As root it runs as the `postgres` user (initdb refuses root).
#   scripts/pg.sh start | stop | status | env | psql [args]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="${SAMTALER_PGDIR:-$root/.pg}"
port="${SAMTALER_PGPORT:-54329}"
data="$dir/data"
sock="$dir/socket"
bindir="${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
as_owner=()
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); fi

need_server() {
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin)." >&2
    echo "Install them with:  apt-get install -y postgresql   (or run: make deps)" >&2
    exit 1
  fi
}

case "${1:-}" in
  start)
    need_server
    if [ "$(id -u)" = 0 ]; then
      # The server runs as `postgres`, which must be able to pass through every folder above
      # .pg/. A clone inside a private folder (mktemp -d makes 0700) blocks it: grant traverse
      # only (o+x, not read) on those folders.
      mkdir -p "$dir"
      p="$dir"
      while [ "$p" != "/" ]; do
        if ! runuser -u postgres -- test -x "$p"; then
          chmod o+x "$p" && echo "note: allowed the postgres user to pass through $p (chmod o+x)"
        fi
        p=$(dirname "$p")
      done
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" = 0 ] && chown postgres: "$dir"
      "${as_owner[@]}" mkdir -p "$data" "$sock"
      "${as_owner[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
      cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
fsync = on
# shared_buffers: set at each start from this machine's memory (below)
work_mem = 64MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
checkpoint_timeout = 15min
timezone = 'UTC'
log_min_messages = warning
CONF
    fi
    if "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      echo "PostgreSQL already running (socket $sock, port $port)"
    else
      # 40 % of the memory for shared buffers (256 MB to 16 GB): a load holds the indexes of its
      # merge's lookups there, which needs half of them (docs/operations.md, "Memory of the server").
      mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null || echo 768)
      buffers_mb=$(( mem_mb * 2 / 5 < 256 ? 256 : mem_mb * 2 / 5 > 16384 ? 16384 : mem_mb * 2 / 5 ))
      # An eighth of that for WAL buffers, at most 128 MB (PostgreSQL's own choice stops at 16 MB):
      # a nightly increment writes about 130 MB of WAL, most of it whole index pages, and with room
      # for it the load does not wait for the WAL to be written (docs/operations.md, same section).
      wal_mb=$(( buffers_mb / 8 > 128 ? 128 : buffers_mb / 8 ))
      # The WAL writer wakes every 10 ms (PostgreSQL's default 200 ms) and so flushes an
      # increment's WAL to the disk while its merge runs, instead of leaving most of it for the
      # COMMIT to wait for: the COMMIT of a 20,000-line increment into 10M 6 ms instead of
      # 190-320 ms (docs/operations.md, same section).
      "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" \
        -o "-c shared_buffers=${buffers_mb}MB -c wal_buffers=${wal_mb}MB -c wal_writer_delay=10ms" -w -t 60 start >/dev/null \
        || { tail -n 20 "$dir/server.log" >&2; exit 1; }
      echo "PostgreSQL started (socket $sock, port $port, log $dir/server.log)"
    fi
    "$bindir/psql" -h "$sock" -p "$port" -U postgres -d postgres -qtAc \
      "SELECT 1 FROM pg_database WHERE datname='samtaler'" | grep -q 1 \
      || "$bindir/createdb" -h "$sock" -p "$port" -U postgres samtaler
    ;;
  stop)
    need_server
    if [ -f "$data/PG_VERSION" ]; then "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true; fi
    echo "PostgreSQL stopped"
    ;;
  restart-fast)
    need_server
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w restart -l "$dir/server.log" >/dev/null
    ;;
  status)
    need_server
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" status
    ;;
  env)
    echo "export PGHOST=$sock PGPORT=$port PGUSER=postgres PGDATABASE=samtaler"
    ;;
  psql)
    shift
    exec psql -h "$sock" -p "$port" -U postgres -d "${PGDATABASE:-samtaler}" "$@"
    ;;
  *)
    echo "usage: scripts/pg.sh start|stop|status|env|psql [args]" >&2; exit 64 ;;
esac
