#!/usr/bin/env bash
# convert-sources against the original Convert-It processing (Pillow), images/s, in one run.
#
#   bench/convert_sources.sh [RUNS]          (default: 3 runs; run from anywhere)
#
# Makes COUNT full-size photographs (bench/gen_photos.py: real photos of Debian's mate-backgrounds,
# cropped, resized to 3000x2000, 2000x3000 or 4032x3024, with sensor noise; JPEG q92) under
# bench/data/photos once, warms the page cache, then RUNS times, alternating:
#   (a) the original approach: /usr/bin/python3 bench/pil_baseline.py (Debian's python3-pil with
#       libjpeg-turbo; open, convert RGB, resize 224x224 LANCZOS, PNG, ThreadPoolExecutor with a
#       worker per core; keeps the PNGs in memory, writes nothing)
#   (b) JAVA_OPTS=$BENCH_JAVA_OPTS submit/mimicit convert-sources --source folder (default
#       processing: 224x224 Lanczos PNG; writes the images table and commits it)
# each a whole process under bench/measure.py, on the same files and cores. Prints per run the
# images/s of both on wall time, start-up included (ours: JVM and Spark start, listing, Parquet
# writing, commit; Python: the interpreter), the ratio ours/Python, and the in-process rates
# (Python's timed pool; our job's duration_ms in _stats), and appends a JSON line per run to
# bench/results/convert_sources.jsonl.
#
# Environment: COUNT=960, SEED=42, BENCH_JAVA_OPTS=-Xmx2g, TARGET=2 (ours/Python images/s).
# Installs python3-pil with apt-get when Debian's python3 cannot import PIL.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${1:-3}
COUNT=${COUNT:-960}
SEED=${SEED:-42}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx2g}
TARGET=${TARGET:-2}
PY=/usr/bin/python3 # Debian's, for Debian's python3-pil (python3 on PATH may be another one)
DATA=bench/data
PHOTOS=$DATA/photos
WAREHOUSE=$DATA/sources-warehouse
RESULTS=bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN_DIR=$RESULTS/runs/sources-$STAMP
mkdir -p "$RUN_DIR" "$DATA"
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

[ -x /usr/bin/time ] || { echo "convert_sources.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }
if ! "$PY" -c 'import PIL' 2>/dev/null; then
  log "installing Debian's python3-pil"
  apt-get install -y python3-pil >&2 || { apt-get update >&2 && apt-get install -y python3-pil >&2; }
fi

if [ "$(ls "$PHOTOS"/*.jpg 2>/dev/null | wc -l)" -lt "$COUNT" ]; then
  src=$DATA/mate-backgrounds
  if [ ! -d "$src/usr/share/backgrounds/mate/nature" ]; then
    log "fetching the photos of mate-backgrounds (apt-get download)"
    work=$(mktemp -d)
    (cd "$work" && apt-get download mate-backgrounds >&2)
    dpkg-deb -x "$work"/mate-backgrounds_*.deb "$src"
    rm -rf "$work"
  fi
  log "generating $COUNT photographs into $PHOTOS (a few minutes)"
  "$PY" bench/gen_photos.py --source "$src/usr/share/backgrounds/mate/nature" --out "$PHOTOS" \
    --count "$COUNT" --seed "$SEED" >&2
fi
# Exactly COUNT files, in a folder of their own (a larger set stays where it is).
INPUT=$DATA/photos-$COUNT
if [ "$(ls "$INPUT" 2>/dev/null | wc -l)" -ne "$COUNT" ]; then
  rm -rf "$INPUT" && mkdir -p "$INPUT"
  ls "$PHOTOS"/*.jpg | sort | head -n "$COUNT" | while read -r f; do ln "$f" "$INPUT/"; done
fi
log "$COUNT photographs, $(du -sh "$INPUT" | cut -f1); warming the page cache"
cat "$INPUT"/*.jpg > /dev/null

# The first run after a build writes the launcher's class archive: do it before timing.
submit/mimicit convert-sources --source folder --input "$INPUT" --task PRIME --warehouse "$DATA/prime-warehouse" \
  > "$RUN_DIR/prime.log" 2>&1
rm -rf "$DATA/prime-warehouse"

for run in $(seq 1 "$RUNS"); do
  log "run $run: Python (Pillow) baseline"
  "$PY" bench/measure.py --name python --log "$RUN_DIR/python-$run.log" -- \
    "$PY" bench/pil_baseline.py "$INPUT" > "$RUN_DIR/python-$run.json"
  rm -rf "$WAREHOUSE"
  log "run $run: convert-sources"
  "$PY" bench/measure.py --name ours --log "$RUN_DIR/ours-$run.log" -- \
    env JAVA_OPTS="$BENCH_JAVA_OPTS" submit/mimicit convert-sources --source folder --input "$INPUT" \
      --task BENCH --warehouse "$WAREHOUSE" > "$RUN_DIR/ours-$run.json"
  cp "$WAREHOUSE/_stats/convert-sources.json" "$RUN_DIR/stats-$run.json"
  "$PY" - "$RUN_DIR" "$run" "$COUNT" "$TARGET" "$(git rev-parse --short HEAD)" "$(nproc)" \
      >> "$RESULTS/convert_sources.jsonl" <<'PYEOF'
import json, sys
d, run, count, target, commit, cores = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
py = json.load(open(f"{d}/python-{run}.json"))
ours = json.load(open(f"{d}/ours-{run}.json"))
inner = json.loads(py["last_stdout_line"]) if py.get("last_stdout_line") else {}
stats = json.load(open(f"{d}/stats-{run}.json"))
assert ours["exit_code"] == 0 and py["exit_code"] == 0, "a command failed: see the logs in " + d
assert stats["rows_out"] == count and inner.get("images") == count
rec = {"run": run, "images": count, "cores": cores, "commit": commit,
       "python_wall_s": py["wall_seconds"], "ours_wall_s": ours["wall_seconds"],
       "python_images_per_s": round(count / py["wall_seconds"], 2),
       "ours_images_per_s": round(count / ours["wall_seconds"], 2),
       "python_cpu_s": round(py["user_seconds"] + py["sys_seconds"], 1),
       "ours_cpu_s": round(ours["user_seconds"] + ours["sys_seconds"], 1),
       "python_inner_images_per_s": inner.get("images_per_second"),
       "ours_job_images_per_s": round(count / (stats["duration_ms"] / 1000), 2),
       "other_cpu_share": [py.get("other_cpu_share"), ours.get("other_cpu_share")]}
rec["ratio"] = round(rec["ours_images_per_s"] / rec["python_images_per_s"], 2)
rec["target_met"] = rec["ratio"] >= target
print(json.dumps(rec))
PYEOF
  tail -n 1 "$RESULTS/convert_sources.jsonl" >&2
done

echo
echo "convert-sources vs Pillow, $COUNT photographs, $(nproc) cores, JAVA_OPTS=$BENCH_JAVA_OPTS (logs in $RUN_DIR)"
"$PY" - "$RESULTS/convert_sources.jsonl" "$RUNS" "$TARGET" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-int(sys.argv[2]):]
print(f"{'run':>3} {'python img/s':>12} {'ours img/s':>10} {'ours/python':>11} {'py CPU s':>8} {'ours CPU s':>10} {'py in-pool img/s':>16} {'ours in-job img/s':>17}")
for r in rows:
    print(f"{r['run']:>3} {r['python_images_per_s']:>12} {r['ours_images_per_s']:>10} {r['ratio']:>11} "
          f"{r['python_cpu_s']:>8} {r['ours_cpu_s']:>10} {r['python_inner_images_per_s']:>16} {r['ours_job_images_per_s']:>17}")
ratios = sorted(r["ratio"] for r in rows)
print(f"ours/python images/s: min {ratios[0]}, median {ratios[len(ratios) // 2]}, max {ratios[-1]} (target >= {sys.argv[3]})")
PYEOF
