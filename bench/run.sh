#!/usr/bin/env bash
# Times our conversion against the original tooling's Python approach on the same file, in one run.
#
#   bench/run.sh [images|instructions|all]          (default: all; run from anywhere)
#
# For each kind: generates the input under bench/data/ if absent (or made with other settings),
# reads the file once into the page cache (cat > /dev/null) so both sides start warm, then runs
#   (a) bench/python_baseline.py (json.load + base64-decode / touch every record; writes nothing)
#   (b) our command (defaults below)
# each under /usr/bin/time -v, prints a table (seconds, peak RSS, ours/python time ratio, target
# met) and appends one JSON line per kind to bench/results/results.jsonl.
#
# Environment (all optional):
#   IMAGES_SIZE=3G           size of bench/data/images/E4D/E4D.json (K/M/G suffixes)
#   PAIRS=2800000            pairs in bench/data/instructions/LA/LA_instructions.json
#   SEED=42                  generator seed
#   ENSURE_ASCII=yes         gen_instructions.py --ensure-ascii (yes: pure ASCII like json.dump; mixed; no)
#   SOURCE_IMAGES="P ..."    real image files/dirs for gen_images.py (default: the bundled sample)
#   REGENERATE=1             regenerate the data even if present
#   BENCH_JAVA_OPTS=-Xmx1g   JAVA_OPTS given to our commands
#   TARGET=0.5               ours/python wall-time ratio to meet
#   OURS_CMD_IMAGES, OURS_CMD_INSTRUCTIONS   replace our commands (a shell command line)
#   SKIP_OURS=1              run only the Python baseline
#   BENCH_POLL_SECONDS=0.2   /proc sampling interval of measure.py (0: off)
# Smoke run:  IMAGES_SIZE=50M PAIRS=20000 bench/run.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF=$ROOT/bench/run.sh
cd "$ROOT"

WHAT=${1:-all}
case "$WHAT" in
  images|instructions|all) ;;
  -h|--help) sed -n '2,25p' "$SELF" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: bench/run.sh [images|instructions|all]" >&2; exit 2 ;;
esac

IMAGES_SIZE=${IMAGES_SIZE:-3G}
PAIRS=${PAIRS:-2800000}
SEED=${SEED:-42}
ENSURE_ASCII=${ENSURE_ASCII:-yes}
SOURCE_IMAGES=${SOURCE_IMAGES:-}
REGENERATE=${REGENERATE:-0}
TARGET=${TARGET:-0.5}
SKIP_OURS=${SKIP_OURS:-0}
export BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx1g}

DATA=bench/data
WAREHOUSE=$DATA/warehouse
IMAGES_TASK=E4D
INSTR_TASK=LA
OURS_CMD_IMAGES=${OURS_CMD_IMAGES:-"JAVA_OPTS=$BENCH_JAVA_OPTS submit/mimicit convert-images --input $DATA/images --warehouse $WAREHOUSE --tasks $IMAGES_TASK"}
OURS_CMD_INSTRUCTIONS=${OURS_CMD_INSTRUCTIONS:-"JAVA_OPTS=$BENCH_JAVA_OPTS submit/mimicit convert-instructions --input $DATA/instructions --warehouse $WAREHOUSE --tasks $INSTR_TASK"}

RESULTS=bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN_DIR=$RESULTS/runs/$STAMP
mkdir -p "$RUN_DIR" "$DATA"

[ -x /usr/bin/time ] || { echo "bench/run.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }
if [ "$SKIP_OURS" != 1 ]; then
  for cmd in "$OURS_CMD_IMAGES" "$OURS_CMD_INSTRUCTIONS"; do
    case "$cmd" in
      *submit/mimicit*)
        [ -x submit/mimicit ] || { echo "bench/run.sh: submit/mimicit is not there yet; build the launcher," \
          "set OURS_CMD_IMAGES / OURS_CMD_INSTRUCTIONS, or SKIP_OURS=1 for the baseline only" >&2; exit 1; } ;;
    esac
  done
fi

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ensure_data KIND PARAMS FILE GENERATOR-COMMAND...
# Regenerates when FILE is missing or was made with other PARAMS.
ensure_data() {
  local kind=$1 params=$2 file=$3; shift 3
  local pfile=$DATA/$kind.params
  if [ "$REGENERATE" != 1 ] && [ -f "$file" ] && [ -f "$pfile" ] && [ "$(cat "$pfile")" = "$params" ]; then
    log "$kind: reusing $file ($params)"
    return
  fi
  log "$kind: generating $file ($params)"
  rm -f "$pfile" "$DATA/$kind.gen.json"
  "$@" > "$DATA/$kind.gen.json"
  cat "$DATA/$kind.gen.json" >&2
  printf '%s' "$params" > "$pfile"
}

# bench_one KIND TASK FILE OURS-CMD
bench_one() {
  local kind=$1 task=$2 file=$3 ours_cmd=$4
  log "$kind: warming the page cache with $file"
  cat "$file" > /dev/null

  log "$kind: python baseline"
  python3 bench/measure.py --name python --log "$RUN_DIR/$kind-python.log" -- \
    python3 bench/python_baseline.py "$file" --kind "$kind" > "$RUN_DIR/$kind-python.json"
  log "$kind: python: $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["wall_seconds"], "s,", m["max_rss_kb"]//1024, "MB, exit", m["exit_code"])' "$RUN_DIR/$kind-python.json")"

  local ours_args=()
  if [ "$SKIP_OURS" != 1 ]; then
    # Fresh output partitions, so every run writes the same amount.
    rm -rf "$WAREHOUSE/$kind/task=$task" "$WAREHOUSE/rejected/$kind/task=$task"
    log "$kind: ours: $ours_cmd"
    python3 bench/measure.py --name ours --log "$RUN_DIR/$kind-ours.log" -- \
      bash -c "$ours_cmd" > "$RUN_DIR/$kind-ours.json"
    log "$kind: ours: $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["wall_seconds"], "s,", m["max_rss_kb"]//1024, "MB, exit", m["exit_code"])' "$RUN_DIR/$kind-ours.json")"
    ours_args=(--ours "$RUN_DIR/$kind-ours.json")
  fi

  python3 bench/report.py record --kind "$kind" --task "$task" --file "$file" \
    --python "$RUN_DIR/$kind-python.json" "${ours_args[@]}" \
    --gen "$DATA/$kind.gen.json" --warehouse "$WAREHOUSE" --target "$TARGET" \
    --append "$RESULTS/results.jsonl" >> "$RUN_DIR/results.jsonl"
}

# The launcher keeps a class-data-sharing archive of Spark's classes beside the jars, made by the
# first run after a build (that run is ~15 s slower while it writes it). Measure the steady state a
# user sees from the second run on: make sure the archive exists before timing anything.
prime_launcher() {
  [ "$SKIP_OURS" = 1 ] && return 0
  local archive=jobs/target/launcher/mimicit-classes.jsa
  local jar
  jar=$(ls jobs/target/mimicit-jobs-*.jar 2>/dev/null | grep -v -- -cluster.jar | head -n 1)
  if [ -z "$jar" ] || [ ! -f "$archive" ] \
      || [ -n "$(find jobs/target common/target -maxdepth 1 -name '*.jar' -newer "$archive")" ]; then
    log "priming the launcher (first run after a build writes its class archive)"
    submit/mimicit pipeline --warehouse "$DATA/prime-warehouse" > "$DATA/prime.log" 2>&1
    rm -rf "$DATA/prime-warehouse"
  fi
}
prime_launcher

if [ "$WHAT" = images ] || [ "$WHAT" = all ]; then
  file=$DATA/images/$IMAGES_TASK/$IMAGES_TASK.json
  src_args=()
  # shellcheck disable=SC2206  # SOURCE_IMAGES is a space-separated list of paths
  [ -n "$SOURCE_IMAGES" ] && src_args=(--source-images $SOURCE_IMAGES)
  # The source images' fingerprint is part of the settings: a rebuilt sample means a new file.
  if [ -n "$SOURCE_IMAGES" ]; then
    # shellcheck disable=SC2086
    fp=$(find $SOURCE_IMAGES -type f -print0 | sort -z | xargs -0 cat | md5sum | cut -c1-12)
  else
    fp=$(cat sample/mimicit/*/*.json 2>/dev/null | md5sum | cut -c1-12)
  fi
  ensure_data images "task=$IMAGES_TASK size=$IMAGES_SIZE seed=$SEED sources=${SOURCE_IMAGES:-sample}@$fp" "$file" \
    python3 bench/gen_images.py --out "$DATA/images" --task "$IMAGES_TASK" --size "$IMAGES_SIZE" --seed "$SEED" "${src_args[@]}"
  bench_one images "$IMAGES_TASK" "$file" "$OURS_CMD_IMAGES"
fi

if [ "$WHAT" = instructions ] || [ "$WHAT" = all ]; then
  file=$DATA/instructions/$INSTR_TASK/${INSTR_TASK}_instructions.json
  ensure_data instructions "task=$INSTR_TASK pairs=$PAIRS seed=$SEED ensure-ascii=$ENSURE_ASCII" "$file" \
    python3 bench/gen_instructions.py --out "$DATA/instructions" --task "$INSTR_TASK" --pairs "$PAIRS" \
      --seed "$SEED" --ensure-ascii "$ENSURE_ASCII"
  bench_one instructions "$INSTR_TASK" "$file" "$OURS_CMD_INSTRUCTIONS"
fi

echo
echo "mimicit-spark benchmark $STAMP  ($(nproc) cores, JAVA_OPTS=$BENCH_JAVA_OPTS; logs in $RUN_DIR)"
python3 bench/report.py table "$RUN_DIR/results.jsonl"
echo "(appended to $RESULTS/results.jsonl)"
