#!/usr/bin/env bash
# Checks what samtaler needs on this machine; installs what is missing with apt-get when run as
# root, otherwise prints the exact command to run. `scripts/deps.sh test` also checks what only
# the tests need: Debian's Chromium, the real browser of the web view's test (BrowserTests);
# `scripts/deps.sh bench` what only make bench needs: wrk for the web view's latency, python3-venv
# for the DuckDB route's virtual environment.
set -euo pipefail
missing=()
case "${1:-}" in
  test) command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium) ;;
  bench) command -v wrk >/dev/null 2>&1 || missing+=(wrk)
         python3 -m venv --help >/dev/null 2>&1 && python3 -c "import ensurepip" 2>/dev/null || missing+=(python3-venv) ;;
esac
command -v swift >/dev/null 2>&1 || { echo "Swift 6 is not on PATH: install it from swift.org (the toolchain is not a Debian package)." >&2; exit 1; }
command -v pkg-config >/dev/null 2>&1 || missing+=(pkgconf)
pkg-config --exists libpq 2>/dev/null || missing+=(libpq-dev)
pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)
pkg-config --exists libcrypto 2>/dev/null || missing+=(libssl-dev)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "missing: ${missing[*]}" >&2
  echo "run:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
