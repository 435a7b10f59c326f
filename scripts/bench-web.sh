#!/usr/bin/env bash
# The web view's latency (make bench, section "web"): samtaler serve on warehouse DB, as a login in
# samtaler_rapport, under a bounded concurrent load from wrk (CONNECTIONS connections for SECONDS
# seconds, on this machine's loopback only) against one year's volumes page; every answer must be
# 200 and the very page that a single request got, whose report part is checked against
# `samtaler report --format html` first.
# CACHE is the server's --cache (default 64; 0: every request runs the report). The cache is
# filled by the single reference request, so with it the load measures answers from the cache.
# Usage: scripts/bench-web.sh DB [YEAR] [CONNECTIONS] [SECONDS] [CACHE]
# Prints one line: "p50_ms p99_ms requests non_200_or_wrong_body requests_per_second"
set -euo pipefail
cd "$(dirname "$0")/.."
DB=$1 YEAR=${2:-2025} CONNECTIONS=${3:-50} SECONDS_=${4:-20} CACHE=${5:-64}
B=.build/release/samtaler
dir=var/bench/web
mkdir -p "$dir"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
eval "$(scripts/pg.sh env)"; export PGHOST PGPORT PGUSER SAMTALER_SQL_DIR=$PWD/sql
psql -X -q -d "$DB" -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samtaler_bench_web') THEN
  CREATE ROLE samtaler_bench_web LOGIN IN ROLE samtaler_rapport; END IF; END \$\$"

PGUSER=samtaler_bench_web $B serve --port 0 --cache "$CACHE" --database "dbname=$DB" > "$dir/serve.out" 2> "$dir/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$dir/serve.out" && break; sleep 0.1; done
base=$(grep -o 'http://[^ ]*' "$dir/serve.out" | head -1)
url="${base}rapport/volumes?period=$YEAR"

# The reference page, and its report part: the same as the command line's HTML file.
start=$(date +%s.%N)
curl -sf -o "$dir/page.html" "$url"
single=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
PGUSER=samtaler_bench_web $B report volumes --period "$YEAR" --format html --database "dbname=$DB" --out "$dir/cli.html" 2>/dev/null
python3 - "$dir/cli.html" "$dir/page.html" <<'EOF'
import sys
cli, page = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
report = cli[cli.index("<h1>"):cli.rindex("</body>")]
heading, content = report.split("</p>\n", 1)
assert heading in page and content in page and "<svg" in content and "<table>" in content, "the page lacks the report's part"
EOF

cat > "$dir/check.lua" <<'EOF'
-- Counts every answer that is not 200 with exactly the reference page.
local expected
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  local f = assert(io.open(args[1], "rb")); expected = f:read("*a"); f:close()
  wrong = 0
end
function response(status, headers, body)
  if status ~= 200 or body ~= expected then wrong = wrong + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("wrong") end
  io.write(string.format("RESULT %d %d %d %d\n", latency:percentile(50), latency:percentile(99), summary.requests,
    n + summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
EOF
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_}s" --timeout 30s -s "$dir/check.lua" "$url" -- "$dir/page.html" > "$dir/wrk.out"
read -r p50 p99 n bad < <(awk '/^RESULT/ { print $2, $3, $4, $5 }' "$dir/wrk.out")
rps=$(awk -v n="$n" -v s="$SECONDS_" 'BEGIN { printf "%.1f", n / s }')
echo "$((p50 / 1000)) $((p99 / 1000)) $n $bad $rps $single"
