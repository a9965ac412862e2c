#!/usr/bin/env bash
# Times join-incontext at full scale: PAIRS instructions (default 2.8M) with 7 relations each, from
# bench/gen_instructions.py, converted into a warehouse of their own, then joined with the default
# heap (no JAVA_OPTS) under /usr/bin/time -v. Prints wall time, CPU and peak RSS, and appends a JSON
# line to bench/results/join-incontext.jsonl. Smoke run: PAIRS=20000 bench/join_incontext.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-2800000}
SEED=${SEED:-42}
DATA=bench/data/join-$PAIRS
mkdir -p bench/results "$DATA"
if [ ! -f "$DATA/in/LA/LA_instructions.json" ]; then
  python3 bench/gen_instructions.py --out "$DATA/in" --task LA --pairs "$PAIRS" --seed "$SEED" >&2
fi
if [ ! -d "$DATA/wh/instructions/task=LA" ]; then
  submit/mimicit convert-instructions --input "$DATA/in" --warehouse "$DATA/wh" >&2
fi
rm -rf "$DATA/wh/incontext"
/usr/bin/time -v -o "$DATA/time.txt" submit/mimicit join-incontext --warehouse "$DATA/wh" \
  > "$DATA/join.log" 2>&1
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$DATA/time.txt")
cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' "$DATA/time.txt")
rss=$(awk -F': ' '/Maximum resident/ {print int($2 / 1024)}' "$DATA/time.txt")
echo "join-incontext: $PAIRS instructions, 7 relations each: wall $wall, CPU ${cpu} s, peak RSS ${rss} MB"
printf '{"timestamp": "%s", "pairs": %s, "wall": "%s", "cpu_seconds": %s, "max_rss_mb": %s, "commit": "%s"}\n' \
  "$(date -u +%FT%TZ)" "$PAIRS" "$wall" "$cpu" "$rss" "$(git rev-parse --short HEAD)" \
  >> bench/results/join-incontext.jsonl
