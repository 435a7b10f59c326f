#!/usr/bin/env bash
# Compares two builds of samtaler (a refactor must change no output): loads one 1M-line feed with
# each, alternating, into its own database, then three nightly increments, and compares every
# report and the extract byte for byte.
#   scripts/compare.sh OLD_BIN OLD_SQL_DIR NEW_BIN NEW_SQL_DIR [WORK_DIR]
set -euo pipefail
# The PG* variables point at the server (make test and make demo use the project-local one: eval "$(make -s env)").
OLD=${1:?usage: compare.sh OLD_BIN OLD_SQL NEW_BIN NEW_SQL [DIR]}; NEW=${3:?}
OLDSQL=${2:?}; NEWSQL=${4:?}
d=${5:-var/compare}; mkdir -p $d; feed=$d/feed-1m.jsonl
[ -f $d/key ] || $NEW keygen $d/key >/dev/null
[ -f $feed ] || SAMTALER_SQL_DIR=$NEWSQL $NEW generate --rows 1000000 --seed 42 --invalid-share 0 --out $feed
load() { # bin sql db
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $3 WITH (FORCE)" -c "CREATE DATABASE $3" >/dev/null
  SAMTALER_SQL_DIR=$2 $1 migrate --database dbname=$3 >/dev/null 2>&1
  SAMTALER_SQL_DIR=$2 SAMTALER_PSEUDONYM_KEY_FILE=$d/key $1 load $feed --database dbname=$3 --rejects $d/rej-$3.jsonl --json \
    | python3 -c "import json,sys; s=json.load(sys.stdin); print('$3', s['seconds'], s['stream_seconds'], s['merge_seconds'], s['accepted'])"
}
for round in 1 2; do load $OLD $OLDSQL cmp_old; load $NEW $NEWSQL cmp_new; done
# The nightly increments: three of 20,000 lines (January 2026, as make bench makes them) into
# each warehouse, alternating; the reports below then read what the merge made.
increment() { # bin sql db file
  SAMTALER_SQL_DIR=$2 SAMTALER_PSEUDONYM_KEY_FILE=$d/key $1 load $4 --database dbname=$3 --rejects $d/rej-$3.jsonl --json \
    | python3 -c "import json,sys; s=json.load(sys.stdin); print('$3 increment', s['seconds'], s['merge_seconds'], s['new'], s['changed'], s['withdrawn'])"
}
for i in 0 1 2; do
  f=$d/incr-$i.jsonl
  [ -f $f ] || SAMTALER_SQL_DIR=$NEWSQL $NEW generate --rows 20000 --seed $((4242 + i)) --invalid-share 0 --from 2026-01-01 --to 2026-01-31 --out $f >/dev/null
  increment $OLD $OLDSQL cmp_old $f; increment $NEW $NEWSQL cmp_new $f
done
psql -q -d cmp_old -c "VACUUM ANALYZE" ; psql -q -d cmp_new -c "VACUUM ANALYZE"
n=0; bad=0
run() { # args...
  for f in table csv json html; do
    SAMTALER_SQL_DIR=$OLDSQL $OLD "$@" --format $f --database dbname=cmp_old > $d/o.out 2>&1 || true
    SAMTALER_SQL_DIR=$NEWSQL $NEW "$@" --format $f --database dbname=cmp_new > $d/n.out 2>&1 || true
    n=$((n+1)); if ! cmp -s $d/o.out $d/n.out; then bad=$((bad+1)); echo "DIFFERS: $* --format $f"; fi
  done
}
run report volumes --period 2025 --per month --by samtaletype,indberetter
run report volumes
run report volumes --period 2024 --per quarter --by region,kontaktgruppe
run report forms --period 2025 --per quarter
run report forms --period 2024
run report participants --period 2025 --per year
run report marks --period 2025 --per year --mark akasse_deltagelse,cv_godkendelse,raadighedsvurdering
run report visitation --period 2025 --per quarter
run report transitions --period 2025
run report minplan --period 2025 --per year
run report jobsoegningskrav --period 2025 --per quarter
run report coverage --period 2025-12
for b in OLD NEW; do
  bin=${!b}; sql=$OLDSQL; db=cmp_old; [ $b = NEW ] && { sql=$NEWSQL; db=cmp_new; }
  rm -rf $d/ext-$b; mkdir -p $d/ext-$b
  SAMTALER_SQL_DIR=$sql $bin extract --period 2025Q1 --out $d/ext-$b --database dbname=$db >/dev/null
done
n=$((n+1)); if cmp -s $d/ext-OLD/*.csv $d/ext-NEW/*.csv; then echo "extract CSV identical"; else bad=$((bad+1)); echo "DIFFERS: extract"; fi
echo "compared $n outputs, $bad differ"
