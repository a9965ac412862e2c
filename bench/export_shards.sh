#!/usr/bin/env bash
# Export throughput: parquet and webdataset shards of a ~3 GB generated task (E4D), in MB/s
# (10^6 bytes of shards written per second), against two ceilings measured in the same run:
# `copy`, a plain `cp -r` of the task's images table (the same image bytes), and `copy+hash`, that
# copy followed by a SHA-256 and an MD5 of every copied file (what manifest.json and MD5SUMS need
# of every output byte), two files at a time on the machine's two cores (`openssl dgst`, which
# uses the CPU's SHA instructions as Java does; sha256sum/md5sum if there is no openssl). Each
# timing ends with `sync`, so the bytes are on disk; the warehouse is read from the page cache
# (warmed first). Prints a table with the ratios export/copy and export/(copy+hash) per run, and
# appends JSON lines (with the load average and commit) to bench/results/export-shards.jsonl.
# Each export also reports the CPU seconds of its process (user + system), which other work on a
# shared machine changes much less than the seconds.
#
#   bench/export_shards.sh                  # RUNS=2 runs of copy, parquet, webdataset
#   RUNS=3 SHARD_SIZE=256MB bench/export_shards.sh
#   IMAGES_WAREHOUSE=/path/wh bench/export_shards.sh   # hard-links its images/task=E4D
#   COMPARE=/path/other-checkout bench/export_shards.sh # also exports with that (built) checkout,
#                                     # beside this one under the same load, first on even runs
#
# Data: bench/data/images-unique/E4D/E4D.json (gen_images.py --unique, 3G) -> convert-images (or hard links of
# IMAGES_WAREHOUSE/images/task=E4D, default bench/data/warehouse) -> instructions for those images
# (gen_export_instructions.py: 8 frames each) -> convert-instructions -> join-incontext, all into
# bench/data/export/wh. Disk: the warehouse (~2.4 GB unless linked) plus ~2.4 GB per output, which
# is deleted after each run.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-2}
SHARD_SIZE=${SHARD_SIZE:-256MB}
TASK=E4D
DATA=bench/data/export
WH=$DATA/wh
# --unique: every image's bytes distinct, so the images-once export stores every one of them
IMAGES_JSON=${IMAGES_JSON:-bench/data/images-unique/$TASK/$TASK.json}
IMAGES_WAREHOUSE=${IMAGES_WAREHOUSE:-bench/data/warehouse-unique}
mkdir -p bench/results "$DATA"

if [ ! -d "$WH/images/task=$TASK" ]; then
  mkdir -p "$WH/images"
  if [ -d "$IMAGES_WAREHOUSE/images/task=$TASK" ]; then
    cp -al "$IMAGES_WAREHOUSE/images/task=$TASK" "$WH/images/"
  else
    [ -f "$IMAGES_JSON" ] || python3 bench/gen_images.py --out "$(dirname "$(dirname "$IMAGES_JSON")")" \
      --task "$TASK" --size 3G --unique >&2
    submit/mimicit convert-images --input "$(dirname "$(dirname "$IMAGES_JSON")")" \
      --warehouse "$WH" --tasks "$TASK" >&2
  fi
fi
if [ ! -d "$WH/incontext/task=$TASK" ]; then
  python3 bench/gen_export_instructions.py --images "$IMAGES_JSON" --out "$DATA/in" --task "$TASK" >&2
  submit/mimicit convert-instructions --input "$DATA/in" --warehouse "$WH" --tasks "$TASK" >&2
  submit/mimicit join-incontext --warehouse "$WH" --tasks "$TASK" >&2
fi

now() { date +%s.%N; }
if command -v openssl > /dev/null; then
  hash_file() { openssl dgst -sha256 "$1" > /dev/null && openssl dgst -md5 "$1" > /dev/null; }
else
  hash_file() { sha256sum "$1" > /dev/null && md5sum "$1" > /dev/null; }
fi
export -f hash_file
mbps() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 1e6 / float(sys.argv[2]):.1f}')" "$1" "$2"; }
cat "$WH"/images/task=$TASK/*.parquet > /dev/null
copy_bytes=$(du -sb "$WH/images/task=$TASK" | cut -f1)
checkouts=(.)
[ -n "${COMPARE:-}" ] && checkouts+=("$COMPARE")
printf '%-4s %-18s %10s %9s %9s %7s %7s\n' run what bytes seconds MB/s ratio 'vs c+h'
for run in $(seq 1 "$RUNS"); do
  rm -rf "$DATA/copy"; sync
  t0=$(now); cp -r "$WH/images/task=$TASK" "$DATA/copy"; sync; t1=$(now)
  copy_s=$(python3 -c "print($t1 - $t0)")
  copy_mbps=$(mbps "$copy_bytes" "$copy_s")
  t0=$(now); find "$DATA/copy" -type f -print0 | xargs -0 -n 1 -P 2 bash -c 'hash_file "$0"'; t1=$(now)
  hash_s=$(python3 -c "print($t1 - $t0)")
  ceiling_s=$(python3 -c "print($copy_s + $hash_s)")
  ceiling_mbps=$(mbps "$copy_bytes" "$ceiling_s")
  rm -rf "$DATA/copy"
  printf '%-4s %-18s %10s %9.2f %9s %7s\n' "$run" copy "$copy_bytes" "$copy_s" "$copy_mbps" 1.00
  printf '%-4s %-18s %10s %9.2f %9s %7s %7s   (hashing alone %.2f s)\n' "$run" copy+hash \
    "$copy_bytes" "$ceiling_s" "$ceiling_mbps" \
    "$(python3 -c "print(f'{$ceiling_mbps / $copy_mbps:.3f}')")" 1.00 "$hash_s"
  order=("${checkouts[@]}")
  if [ $((run % 2)) = 0 ] && [ ${#checkouts[@]} = 2 ]; then
    order=("${checkouts[1]}" "${checkouts[0]}") # the first export after the ceilings runs slower
  fi
  for format in parquet webdataset; do
    for checkout in "${order[@]}"; do
      commit=$(git -C "$checkout" rev-parse --short HEAD)
      what=$format
      [ "$checkout" = . ] || what="$format@$commit"
      out="$DATA/out-$format"
      rm -rf "$out"; sync
      t0=$(now)
      /usr/bin/time -f '%U %S' -o "$DATA/cpu" "$checkout/submit/mimicit" export-shards \
        --warehouse "$WH" --output "$out" --format "$format" --tasks "$TASK" \
        --shard-size "$SHARD_SIZE" > "$DATA/$format.log" 2>&1
      sync; t1=$(now)
      s=$(python3 -c "print($t1 - $t0)")
      bytes=$(du -sb "$out/$format" | cut -f1)
      rate=$(mbps "$bytes" "$s")
      ratio=$(python3 -c "print(f'{$rate / $copy_mbps:.3f}')")
      ratio_hash=$(python3 -c "print(f'{$rate / $ceiling_mbps:.3f}')")
      job_ms=$(python3 -c "import json; print(json.load(open('$WH/_stats/export-shards.json'))['duration_ms'])")
      cpu_s=$(python3 -c "print(round(sum(map(float, open('$DATA/cpu').read().split()[-2:])), 1))")
      printf '%-4s %-18s %10s %9.2f %9s %7s %7s   (job alone %.1f s, JVM start excluded; CPU %s s)\n' \
        "$run" "$what" "$bytes" "$s" "$rate" "$ratio" "$ratio_hash" \
        "$(python3 -c "print($job_ms / 1000)")" "$cpu_s"
      printf '{"timestamp": "%s", "run": %s, "format": "%s", "bytes": %s, "seconds": %s, "mb_per_s": %s, "copy_mb_per_s": %s, "ratio": %s, "copy_hash_mb_per_s": %s, "hash_seconds": %s, "ratio_copy_hash": %s, "job_ms": %s, "cpu_seconds": %s, "load": "%s", "commit": "%s"}\n' \
        "$(date -u +%FT%TZ)" "$run" "$format" "$bytes" "$s" "$rate" "$copy_mbps" "$ratio" \
        "$ceiling_mbps" "$hash_s" "$ratio_hash" "$job_ms" "$cpu_s" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" "$commit" >> bench/results/export-shards.jsonl
      rm -rf "$out"
    done
  done
done
