#!/usr/bin/env bash
# make bench: the figures of issues 4 and 15, measured side by side in one run on this machine.
# Usage: scripts/bench.sh [ROWS] [LARGE_ROWS]   (defaults 1000000 and 10000000)
# BENCH_SHAPES (default "bench all-new corrections"): the feed shapes whose first load is measured
# against the bulk floor and the DuckDB route; BENCH_PAIRS (default 3): alternating runs of each.
# BENCH_HUGE=100000000 (not the default): national volume, section 7 (docs/performance.md says how
# long it takes and how much disk it needs). With BENCH_HUGE_REUSE=1 section 7 measures the
# warehouse an earlier run loaded (bench_huge, migrated first) instead of loading it again (about
# 35 of the section's minutes): the increments, reports, extract and disk; the load's rows say
# they were not measured in this run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
LARGE=${2:-10000000}
B=.build/release/samtaler
dir=var/bench
mkdir -p "$dir"
eval "$(scripts/pg.sh env)"; export PGHOST PGPORT PGUSER SAMTALER_SQL_DIR=$PWD/sql
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
fresh_db() { psql_ -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; $B migrate --database "dbname=$1" >/dev/null 2>&1; }
[ -f "$dir/key" ] || $B keygen "$dir/key" >/dev/null
export SAMTALER_PSEUDONYM_KEY_FILE=$dir/key
key=$(tr -d '\n' < "$dir/key")
rows=()   # "figure|value|target|met"
add() { rows+=("$1|$2|$3|$4"); echo "  $1: $2 (target $3: $4)" >&2; }
met() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "yes" : "NO" }'; }

# load FILE DB → prints "seconds peak_rss_mb kept_seconds": the command's wall time until the batch
# was published (its COMMIT returned), and the kept copy sorted by person it writes after that
# (docs/performance.md), as the first loads of section 1 are measured. Until 2026-12-06 this was
# the summary's `seconds`, which it records in the batch's row before COMMIT: without the COMMIT
# (0.1-0.5 s for an increment, whose WAL is mostly whole index pages) and the process's start.
load() {
  local start end kept
  start=$(now)
  /usr/bin/time -f "%M" -o "$dir/time.out" $B load "$1" --database "dbname=$2" --rejects "$dir/rejects.jsonl" --json > "$dir/summary.json"
  end=$(now)
  kept=$(python3 -c "import json; print(json.load(open('$dir/summary.json'))['kept_seconds'])")
  echo "$(awk -v a="$start" -v b="$end" -v k="$kept" 'BEGIN { printf "%.3f", b - a - k }') $(awk '{ printf "%.0f", $1 / 1024 }' "$dir/time.out") $kept"
}

echo "== feeds" >&2
SHAPES=${BENCH_SHAPES:-bench all-new corrections}
PAIRS=${BENCH_PAIRS:-3}
# The bench shape keeps the feed's old name (the same bytes as before shapes existed).
feed_of() { if [ "$1" = bench ]; then echo "$dir/feed-$ROWS.jsonl"; else echo "$dir/feed-$1-$ROWS.jsonl"; fi; }
for s in bench $SHAPES; do
  [ -f "$(feed_of "$s")" ] || $B generate --rows "$ROWS" --seed 42 --invalid-share 0 --profile "$s" --out "$(feed_of "$s")" >&2
done
# Three increments, loaded one after the other: the median of the three is judged (one load of a
# second or so is mostly noise on a shared machine). Each is January 2026 (after the bench feeds'
# last day, and not in the future: feed contract v2 rejects registrations from the future), its
# jobcentre ids numbered from 100,001, 200,001 and 300,001 (--jobcenter-id-offset), so those
# registrations are new to the warehouse (with corrections among themselves); a-kasse ids carry no
# year, so the a-kasse lines (about 3,600 of 20,000) correct a-kasse registrations already there
# (docs/performance.md).
incrs=("$dir/incr-20000-a.jsonl" "$dir/incr-20000-b.jsonl" "$dir/incr-20000-c.jsonl")
for i in 0 1 2; do
  [ -f "${incrs[$i]}" ] || $B generate --rows 20000 --seed $((4242 + i)) --invalid-share 0 --from 2026-01-01 --to 2026-01-31 \
    --jobcenter-id-offset $(((i + 1) * 100000)) --out "${incrs[$i]}" >&2
done
# stats → "median min max" of the numbers on standard input, one per line
stats() { sort -n | awk '{ a[NR] = $1 } END { printf "%s %s %s", a[int((NR + 1) / 2)], a[1], a[NR] }'; }
# "0.84 s (0.79-1.09)": the median and the range
shown() { set -- $1; if [ "$2" = "$3" ]; then echo "$1 s"; else echo "$1 s ($2-$3)"; fi; }
median() { echo "${1%% *}"; }
# increments DB → "median min max" of the three increments' seconds to publish; their kept
# copies' seconds in $dir/kept.out the same way.
# They begin after a CHECKPOINT, as a nightly load does: the server has written out what the loads
# before changed, and every page an increment changes is written whole to the WAL once (the first
# change after a checkpoint). Without it the increments measured the server still writing out the
# first load beside them (docs/performance.md, "The increment's WAL").
# increments DB FILE… loads those files instead.
increments() {
  local ts=() ks=() f t k db=$1; shift
  local files=("$@"); [ ${#files[@]} -gt 0 ] || files=("${incrs[@]}")
  psql_ -d postgres -c "CHECKPOINT"
  for f in "${files[@]}"; do read -r t _ k < <(load "$f" "$db"); ts+=("$t"); ks+=("$k"); done
  printf '%s\n' "${ks[@]}" | stats > "$dir/kept.out"
  printf '%s\n' "${ts[@]}" | stats
}

# The DuckDB route (scripts/duckdb_route.py) runs in a virtual environment made here once, with
# duckdb and psycopg from PyPI; without them it is skipped with one line.
venv=.venv-bench
duck=""
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import duckdb, psycopg" 2>/dev/null; then
  duck=$venv/bin/python
elif { python3 -m venv "$venv" && "$venv/bin/pip" install -q duckdb==2.0.1 'psycopg[binary]==3.3.9'; } > "$dir/pip.log" 2>&1; then
  duck=$venv/bin/python
else
  echo "DuckDB route skipped: pip could not install duckdb and psycopg into $venv (see $dir/pip.log)" >&2
fi

# run_timed OUT COMMAND… → seconds of wall time (and "peak RSS MB" in OUT.rss)
run_timed() {
  local out=$1 s; shift
  s=$(now)
  /usr/bin/time -f "%M" -o "$out.rss" "$@" > "$out" 2>> "$dir/runs.log"
  secs "$s" "$(now)"
}
facts="fact_samtale fact_samtale_deltager fact_minplan fact_jobsoegningskrav fact_visitation"
content() { psql_ -d "$1" -At -f sql/bench/content.sql; }
# shape_run SHAPE → fills the shape's row of the table: first loads, the bulk floor and the DuckDB
# route, alternating, PAIRS times; the content of the load and of the route compared.
declare -A r_load r_floor r_duck r_merge r_staged r_equal r_rss r_duckrss r_kept
shape_run() {
  local s=$1 f db lt=() ft=() dt=() mt=() kt=() k t kept rss
  f=$(feed_of "$s")
  db=bench_load; [ "$s" = bench ] || db=bench_load_shape
  for ((k = 0; k < PAIRS; k++)); do
    fresh_db "$db"
    # The load until its batch is published (what the floor and the route compare with), and
    # the kept copy it writes after that, apart (load, above).
    read -r t rss kept < <(load "$f" "$db")
    r_rss[$s]=$rss
    lt+=("$t")
    kt+=("$kept")
    mt+=("$(python3 -c "import json; print(json.load(open('$dir/summary.json'))['merge_seconds'])")")
    r_staged[$s]=$(python3 -c "import json; f = json.load(open('$dir/summary.json'))['first_load']; print(f['staged_later_versions'] + f['staged_other'])")
    if [ "$k" = 0 ]; then
      for t in $facts; do psql_ -d "$db" -c "\\copy samtaler.$t TO '$dir/$t.copy'"; echo "\\copy samtaler.$t FROM '$dir/$t.copy'"; done > "$dir/copies.psql"
    fi
    fresh_db bench_floor
    ft+=("$(run_timed "$dir/floor.out" psql -X -q -v ON_ERROR_STOP=1 -1 -d bench_floor -v copies="$dir/copies.psql" -f sql/bench/floor.sql)")
    if [ -n "$duck" ]; then
      fresh_db bench_duck
      dt+=("$(run_timed "$dir/duck.out" "$duck" scripts/duckdb_route.py --database "dbname=bench_duck" --key "$dir/key" --work "$dir/duck" "$f")")
      r_duckrss[$s]=$(awk '{ printf "%.0f", $1 / 1024 }' "$dir/duck.out.rss")
    fi
  done
  r_load[$s]=$(printf '%s\n' "${lt[@]}" | stats)
  r_floor[$s]=$(printf '%s\n' "${ft[@]}" | stats)
  r_merge[$s]=$(printf '%s\n' "${mt[@]}" | stats)
  r_kept[$s]=$(printf '%s\n' "${kt[@]}" | stats)
  if [ -n "$duck" ]; then
    r_duck[$s]=$(printf '%s\n' "${dt[@]}" | stats)
    if [ "$(content "$db")" = "$(content bench_duck)" ]; then r_equal[$s]=yes; else r_equal[$s]=NO; fi
  fi
  rm -rf "$dir"/*.copy "$dir/duck"
}
for s in $SHAPES; do
  echo "== 1. first load of $ROWS lines, shape $s: load, bulk floor, DuckDB route ($PAIRS alternating runs)" >&2
  shape_run "$s"
done
# The later sections use the bench shape's warehouse.
case " $SHAPES " in *" bench "*) ;; *) fresh_db bench_load; read -r _ rss _ < <(load "$(feed_of bench)" bench_load); r_rss[bench]=$rss ;; esac
psql_ -d postgres -c "DROP DATABASE IF EXISTS bench_load_shape WITH (FORCE)" -c "DROP DATABASE IF EXISTS bench_floor WITH (FORCE)" -c "DROP DATABASE IF EXISTS bench_duck WITH (FORCE)" 2>/dev/null
rss_load=${r_rss[bench]}
t_load=$(median "${r_load[bench]:-0}")

echo "== 2. the alternative: jsonb staging + INSERT ... SELECT (bench shape)" >&2
fresh_db bench_alt
start=$(now)
psql_ -d bench_alt -c "CREATE TABLE alt_raw (n bigserial, l jsonb)" \
  -c "\\copy alt_raw (l) FROM '$(feed_of bench)' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
psql_ -d bench_alt -1 -v key="$key" -v batch=1 -f sql/bench/sql_alternative.sql > /dev/null
t_alt=$(secs "$start" "$(now)")
speedup=$(awk -v a="$t_alt" -v b="$t_load" 'BEGIN { printf "%.1f", a / b }')
if [ "$(content bench_alt)" = "$(content bench_load)" ]; then alt_equal="the same content"; else alt_equal="content DIFFERS"; fi

# Between two nightly runs autovacuum has analyzed and vacuumed the new rows; right after a bulk
# load it has not, and would run during the next measurement. Do it here, timed on its own.
vacuum() { local s; s=$(now); psql_ -d "$1" -c "VACUUM ANALYZE"; secs "$s" "$(now)"; }
t_vac1=$(vacuum bench_load)

echo "== 3. nightly increment of 20,000 lines into $ROWS" >&2
t_incr1=$(increments bench_load); k_incr1=$(cat "$dir/kept.out")

echo "== 4. reports over the $ROWS-line warehouse" >&2
# rep DB RUNS COMMAND… → "median min max" of RUNS runs (the first one, after the load, included):
# a report takes about a second, and one sample of that on a shared machine is mostly noise.
rep() {
  local db=$1 n=$2 ts=() s k; shift 2
  for ((k = 0; k < n; k++)); do s=$(now); "$@" --database "dbname=$db" > /dev/null; ts+=("$(secs "$s" "$(now)")"); done
  printf '%s\n' "${ts[@]}" | stats
}
RUNS=${REPORT_RUNS:-3}
t_vol1=$(rep bench_load $RUNS $B report volumes --per month --by samtaletype,indberetter)
t_forms1=$(rep bench_load $RUNS $B report forms --per quarter)
mkdir -p "$dir/extract"
t_ext1=$(rep bench_load $RUNS $B extract --period 2025Q1 --out "$dir/extract")

# big_case DB FEED: a first load of FEED into a fresh DB, VACUUM ANALYZE, the three increments and
# the reports over it; sets c_load c_rss c_kept c_staged c_vac c_incr c_ikept c_vol c_volall c_forms c_ext.
big_case() {
  fresh_db "$1"
  read -r c_load c_rss c_kept < <(load "$2" "$1"); echo "  load: $c_load s, peak RSS $c_rss MB, kept copy $c_kept s" >&2
  # Lines the first load sent through staging (later versions, and the Bloom filter's false positives).
  c_staged=$(python3 -c "import json; j = json.load(open('$dir/summary.json')); print(j['accepted'] - j['direct_lines'])")
  c_vac=$(vacuum "$1")
  measure_case "$1"
}

# reuse_case DB: big_case on the warehouse an earlier run loaded, migrated to this build: no load
# (its figures "-"), three increments new to it, the reports. The bench's own increments are in it
# already (sent again they would change nothing), so these are written for it: January 2026 again,
# their jobcentre ids numbered from 820,001 + 1,000 x (the batch they will be, modulo 80): beyond
# the bench's and any increment by hand numbered below 820,000 (a kommune has about 200 of the
# 20,000 lines), new to the warehouse for 80 batches.
reuse_case() {
  $B migrate --database "dbname=$1" >&2
  c_load=- c_rss=- c_kept=- c_staged=- c_vac=-
  local b i files=()
  b=$(psql_ -d "$1" -At -c "SELECT coalesce(max(batch_key), 0) FROM samtaler.dim_batch")
  for i in 1 2 3; do
    files+=("$dir/incr-reuse-$((b + i)).jsonl")
    $B generate --rows 20000 --seed $((5000 + b + i)) --invalid-share 0 --from 2026-01-01 --to 2026-01-31 \
      --jobcenter-id-offset $((820000 + 1000 * ((b + i) % 80))) --out "${files[-1]}" >&2
  done
  measure_case "$1" "${files[@]}"
  rm -f "${files[@]}"
}

# measure_case DB [INCREMENT…]: the increments and the reports of big_case.
measure_case() {
  c_incr=$(increments "$@"); c_ikept=$(cat "$dir/kept.out"); echo "  increments: $c_incr; their kept copies: $c_ikept" >&2
  c_vol=$(rep "$1" $RUNS $B report volumes --period 2025 --per month --by samtaletype,indberetter)
  c_volall=$(rep "$1" $RUNS $B report volumes --per month --by samtaletype,indberetter)
  c_forms=$(rep "$1" $RUNS $B report forms --period 2025 --per quarter)
  c_ext=$(rep "$1" $RUNS $B extract --period 2025Q1 --out "$dir/extract")
  echo "  volumes 2025: $c_vol; every period: $c_volall; forms: $c_forms; extract: $c_ext" >&2
}

if [ "$LARGE" -gt 0 ]; then
  echo "== 5. $LARGE lines: load, increment, reports" >&2
  [ -f "$dir/feed-$LARGE.jsonl" ] || $B generate --rows "$LARGE" --seed 43 --invalid-share 0 --from 2016-01-01 --to 2025-12-31 --out "$dir/feed-$LARGE.jsonl" >&2
  big_case bench_large "$dir/feed-$LARGE.jsonl"
  t_large=$c_load rss_large=$c_rss t_vac10=$c_vac t_incr10=$c_incr t_vol10=$c_vol t_vol10all=$c_volall t_forms10=$c_forms t_ext10=$c_ext
  k_large=$c_kept k_incr10=$c_ikept st_large=$c_staged
fi

# ---- web: the web view's latency under a bounded concurrent load (scripts/bench-web.sh) ----
# A section of its own: samtaler serve on the largest warehouse, 50 connections for 20 s against
# one year's volumes page, every answer checked (200 and the right page). Before the national
# volume: that warehouse's 26 GB would push the 10M warehouse out of the page cache, and the single
# page would measure this machine's disk, not the web view (docs/performance.md).
WEB_DB=bench_load; WEB_ROWS=$ROWS
if [ "$LARGE" -gt 0 ]; then WEB_DB=bench_large; WEB_ROWS=$LARGE; fi
echo "== 6. web view: 50 connections for 20 s on /rapport/volumes?period=2025 ($WEB_ROWS)" >&2
web=$(scripts/bench-web.sh "$WEB_DB" 2025 50 20 || echo "- - - - - -")
read -r web_p50 web_p99 web_n web_bad web_rps web_single <<< "$web"
echo "== 6b. the same without the result cache (--cache 0): every request runs the report" >&2
web0=$(scripts/bench-web.sh "$WEB_DB" 2025 50 20 0 || echo "- - - - - -")
read -r web0_p50 web0_p99 web0_n web0_bad web0_rps _ <<< "$web0"
# ---- end of web ----

# National volume (BENCH_HUGE, not the default): twenty years, 2006-2025, in one first load. The
# feed is written through gzip -1 (about a sixth of its 385 bytes a line) and read compressed.
HUGE=${BENCH_HUGE:-0}
if [ "$HUGE" -gt 0 ]; then
  REUSE=${BENCH_HUGE_REUSE:-0}
  if [ "$REUSE" = 1 ] && [ -z "$(psql_ -d postgres -At -c "SELECT 1 FROM pg_database WHERE datname = 'bench_huge'")" ]; then
    echo "== 7. BENCH_HUGE_REUSE=1, but there is no warehouse bench_huge from an earlier run: loading it" >&2
    REUSE=0
  fi
  echo "== 7. $HUGE lines, 2006-2025: feed, load, increment, reports, disk ($(df -h --output=avail "$dir" | tail -1) free)" >&2
  huge_start=$(now)
  hfeed="$dir/feed-$HUGE.jsonl.gz"
  if [ "$REUSE" = 1 ]; then
    echo "  reusing the warehouse bench_huge of an earlier run (BENCH_HUGE_REUSE=1): no feed, no load" >&2
  elif [ ! -f "$hfeed" ]; then
    fifo="$dir/feed-huge.fifo"; rm -f "$fifo"; mkfifo "$fifo"
    gzip -1 < "$fifo" > "$hfeed.part" & gz=$!
    $B generate --rows "$HUGE" --seed 44 --invalid-share 0 --from 2006-01-01 --to 2025-12-31 --out "$fifo" >&2
    wait $gz; rm -f "$fifo"; mv "$hfeed.part" "$hfeed"
  fi
  t_hgen=$(secs "$huge_start" "$(now)")
  if [ "$REUSE" = 1 ]; then
    reuse_case bench_huge
  else
    echo "  feed: $t_hgen s, $(du -h "$hfeed" | cut -f1)" >&2
    big_case bench_huge "$hfeed"
  fi
  t_huge=$c_load rss_huge=$c_rss t_vach=$c_vac t_incrh=$c_incr t_volh=$c_vol t_volhall=$c_volall t_formsh=$c_forms t_exth=$c_ext
  k_huge=$c_kept k_incrh=$c_ikept st_huge=$c_staged
  read -r h_conv h_db < <(psql_ -d bench_huge -At -F ' ' -c "SELECT (SELECT count(*) FROM samtaler.fact_samtale), pg_database_size(current_database())")
  h_feed=$(stat -c %s "$hfeed" 2>/dev/null || echo 0)
  t_hall=$(secs "$huge_start" "$(now)")
fi

echo
echo "samtaler bench on $(nproc) cores, $(date -u +%F), feed of $ROWS lines (no invalid lines), PostgreSQL $(psql_ -d postgres -At -c 'SHOW server_version')"
echo
echo "First load of $ROWS lines per feed shape: wall times, the median of $PAIRS runs alternating load, bulk floor and DuckDB route,"
echo "the fastest and slowest in parentheses. Bulk floor: psql \\copy of the rows the load wrote into the same tables without"
echo "indexes, then the same indexes built, in one transaction (sql/bench/floor.sql). DuckDB route: scripts/duckdb_route.py."
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { printf "%.2f", a / b }'; }
atleast() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "yes" : "NO" }'; }
printf '| %-11s | %-20s | %-20s | %-10s | %-6s | %-20s | %-11s | %-6s | %-7s | %-18s | %-9s | %-18s |\n' "shape" "samtaler load" "bulk floor" "load/floor" "<=1.5x" \
  "DuckDB route" "DuckDB/load" ">=1.5x" "equal" "merge (of the load)" "staged" "then the kept copy"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "-------------" "----------------------" "----------------------" "------------" "--------" \
  "----------------------" "-------------" "--------" "---------" "--------------------" "-----------" "--------------------"
for s in $SHAPES; do
  lf=$(ratio "${r_load[$s]}" "${r_floor[$s]}")
  if [ -n "$duck" ]; then
    dl=$(ratio "${r_duck[$s]}" "${r_load[$s]}"); dshown=$(shown "${r_duck[$s]}"); dmet=$(atleast "$dl" 1.5); dl="${dl}x"; eq=${r_equal[$s]}
  else
    dl="-"; dshown="skipped"; dmet="-"; eq="-"
  fi
  printf '| %-11s | %-20s | %-20s | %-10s | %-6s | %-20s | %-11s | %-6s | %-7s | %-18s | %-9s | %-18s |\n' "$s" "$(shown "${r_load[$s]}")" "$(shown "${r_floor[$s]}")" \
    "${lf}x" "$(met "$lf" 1.5)" "$dshown" "$dl" "$dmet" "$eq" "$(shown "${r_merge[$s]}")" "${r_staged[$s]}" "$(shown "${r_kept[$s]}")"
done
[ -n "$duck" ] && echo "peak RSS of the DuckDB route (the Python process): $(for s in $SHAPES; do printf '%s %s MB  ' "$s" "${r_duckrss[$s]}"; done)"
echo "equal: every fact table, the visitation history and the inferred a-kasser, without surrogate keys (sql/bench/content.sql)"
echo "the DuckDB route validates nothing; staged: lines that went through staging and the merge (the rest went straight into the facts)"
echo "samtaler load: until the batch is published; then the kept copy sorted by person is written (the last column), which"
echo "the floor and the route do not write: the command's wall time is the sum"
echo
echo "reports and extracts: the median of $RUNS runs, increments: the median of three, the fastest and slowest in parentheses;"
echo "a load or increment: the command's wall time until its batch is published (COMMIT), the kept copy after it apart"
printf '| %-58s | %-22s | %-16s | %-4s |\n' "figure" "measured" "target" "met"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..60})" "$(printf -- '-%.0s' {1..24})" "$(printf -- '-%.0s' {1..18})" "------"
row() { printf '| %-58s | %-22s | %-16s | %-4s |\n' "$1" "$2" "$3" "$4"; }
# timed FIGURE "median min max" TARGET LIMIT: a row judged on the median
timed() { row "$1" "$(shown "$2")" "$3" "$(met "$(median "$2")" "$4")"; }
row "1. full load, $ROWS lines, bench shape (wall, median)" "${t_load} s, $(awk -v n="$ROWS" -v s="$t_load" 'BEGIN { printf "%.0f", n / s }') lines/s" "-" "-"
row "2. jsonb staging + INSERT ... SELECT (sql_alternative.sql)" "${t_alt} s, ${alt_equal}" "-" "-"
row "2. samtaler load speed-up over it" "${speedup}x" ">= 5x (aim 10x)" "$(awk -v s="$speedup" 'BEGIN { print (s >= 5) ? "yes" : "NO" }')"
row "   VACUUM ANALYZE after the full load ($ROWS)" "${t_vac1} s" "-" "-"
i1=$(median "$t_incr1")
timed "3. increment 20,000 lines into $ROWS" "$t_incr1" "< 2 s" 2
row "   then the kept copy ($ROWS)" "$(shown "$k_incr1")" "-" "-"
timed "4. report volumes month x samtaletype x indberetter ($ROWS)" "$t_vol1" "< 1 s" 1
timed "4. report forms by quarter ($ROWS)" "$t_forms1" "< 1 s" 1
timed "4. extract of a quarter ($ROWS)" "$t_ext1" "< 2 s" 2
row "5. peak RSS of the load, $ROWS lines" "${rss_load} MB" "<= 150 MB" "$(met "$rss_load" 150)"
if [ "$LARGE" -gt 0 ]; then
  row "1. full load, $LARGE lines (wall)" "${t_large} s" "-" "-"
  row "   VACUUM ANALYZE after the full load ($LARGE)" "${t_vac10} s" "-" "-"
  i10=$(median "$t_incr10")
  row "   the kept copy after the full load ($LARGE)" "${k_large} s" "-" "-"
  row "   lines through staging in that load ($LARGE)" "${st_large}" "-" "-"
  row "3. increment 20,000 lines into $LARGE" "$(shown "$t_incr10")" "< 2 s, <= 1.2x of $ROWS case" "$(met "$i10" 2)/$(met "$i10" "$(awk -v a="$i1" 'BEGIN{print a*1.2}')")"
  row "   then the kept copy ($LARGE)" "$(shown "$k_incr10")" "-" "-"
  timed "4. report volumes, year 2025 ($LARGE)" "$t_vol10" "< 1 s" 1
  timed "4. report volumes, every period: 2016-2028 ($LARGE)" "$t_vol10all" "< 1 s" 1
  timed "4. report forms by quarter, 2025 ($LARGE)" "$t_forms10" "< 1 s" 1
  timed "4. extract of 2025Q1 ($LARGE)" "$t_ext10" "< 2 s" 2
  row "5. peak RSS of the load, $LARGE lines" "${rss_large} MB" "<= 150 MB, flat" "$(met "$rss_large" 150)"
fi
if [ "$HUGE" -gt 0 ]; then
  ih=$(median "$t_incrh")
  if [ "$REUSE" = 1 ]; then
    row "7. full load, $HUGE lines, 2006-2025 (wall)" "not in this run: reused" "-" "-"
  else
    row "7. full load, $HUGE lines, 2006-2025 (wall)" "${t_huge} s, $(awk -v n="$HUGE" -v s="$t_huge" 'BEGIN { printf "%.0f", n / s }') lines/s" "-" "-"
    row "   the kept copy after the full load ($HUGE)" "${k_huge} s" "-" "-"
    row "   lines through staging in that load ($HUGE)" "${st_huge}" "-" "-"
    row "   VACUUM ANALYZE after it" "${t_vach} s" "-" "-"
  fi
  timed "7. increment 20,000 lines into $HUGE" "$t_incrh" "< 2 s" 2
  row "   then the kept copy ($HUGE)" "$(shown "$k_incrh")" "-" "-"
  timed "7. report volumes, year 2025 ($HUGE)" "$t_volh" "< 1 s" 1
  timed "7. report forms by quarter, 2025 ($HUGE)" "$t_formsh" "< 1 s" 1
  timed "7. extract of 2025Q1 ($HUGE)" "$t_exth" "< 2 s" 2
  row "7. report volumes, every period ($HUGE)" "$(shown "$t_volhall")" "-" "-"
  [ "$REUSE" = 1 ] || row "7. peak RSS of the load, $HUGE lines" "${rss_huge} MB" "<= 150 MB" "$(met "$rss_huge" 150)"
  row "7. disk: database, conversations, per million" "$(awk -v b="$h_db" -v c="$h_conv" 'BEGIN { printf "%.1f GB, %d, %.0f MB", b / 1e9, c, b / 1e6 / (c / 1e6) }')" "-" "-"
  if [ "$REUSE" = 1 ]; then
    row "7. the whole section (BENCH_HUGE_REUSE=1: no feed, no load)" "${t_hall} s" "-" "-"
  else
    row "7. the feed (gzip -1); the whole section" "$(awk -v b="$h_feed" 'BEGIN { printf "%.1f GB", b / 1e9 }'); ${t_hall} s (feed ${t_hgen} s)" "-" "-"
  fi
fi
# web (scripts/bench-web.sh)
row "6. web: one page, volumes 2025 ($WEB_ROWS), alone" "${web_single} ms" "< 1 s" "$(met "${web_single:-99999}" 1000)"
row "6. web: p50 / p99, 50 connections, 20 s ($WEB_ROWS)" "${web_p50} / ${web_p99} ms" "p99 < 1 s" "$(met "${web_p99:-99999}" 1000)"
row "6b. web without the cache: p50 / p99" "${web0_p50} / ${web0_p99} ms, ${web0_n} (${web0_rps}/s), ${web0_bad} wrong" "-" "-"
row "6. web: answers, not 200 or not the page" "${web_n} (${web_rps}/s), ${web_bad} wrong" "0 wrong" "$([ "${web_bad}" = 0 ] && echo yes || echo NO)"
