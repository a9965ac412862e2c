#!/usr/bin/env bash
# Export throughput: parquet and webdataset shards of a ~3 GB generated task (E4D), in MB/s
# (10^6 bytes of shards written per second), against two ceilings measured in the same run:
# `copy`, a plain `cp -r` of the task's images table (the same image bytes), and `copy+hash`, that
# copy followed by a SHA-256 and an MD5 of every copied file (what manifest.json and MD5SUMS need
# of every output byte), two files at a time on the machine's two cores (`openssl dgst`, which
# uses the CPU's SHA instructions as Java does; sha256sum/md5sum if there is no openssl). Each
# timing ends with `sync`, so the bytes are on disk; the warehouse is read from the page cache
# (warmed first). Prints a table with the ratios export/copy and export/(copy+hash) per run, and
# appends JSON lines (with the load average and commit) to bench/export-shards-results.jsonl, which
# is committed.
# Each export also reports the CPU seconds of its process (user + system), which other work on a
# shared machine changes much less than the seconds, and the time of the shard writing alone (the
# job's _stats phase_ms.write_shards: what grows with the bytes, without Spark's start and the
# planning, which are fixed costs), as a ratio to copy+hash too.
#
#   bench/export_shards.sh                  # RUNS=2 runs of copy, parquet, webdataset
#   RUNS=3 SHARD_SIZE=256MB bench/export_shards.sh
#   RUNS=1 E4D_SIZE=40M SHARED_SIZE=20M SHARD_SIZE=8MB bench/export_shards.sh   # a smoke run
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
SHARED_SIZE=${SHARED_SIZE:-512M}
SHARD_SIZE=${SHARD_SIZE:-256MB}
TASK=E4D
E4D_SIZE=${E4D_SIZE:-3G}
DATA=bench/data/export-$E4D_SIZE
WH=$DATA/wh
# --unique: every image's bytes distinct, so the images-once export stores every one of them
IMAGES_JSON=${IMAGES_JSON:-bench/data/images-unique-$E4D_SIZE/$TASK/$TASK.json}
IMAGES_WAREHOUSE=${IMAGES_WAREHOUSE:-bench/data/warehouse-unique}
# raw results, committed (the README's figures are checkable from the repo)
RESULTS=bench/export-shards-results.jsonl
mkdir -p bench/results "$DATA"

if [ ! -d "$WH/images/task=$TASK" ]; then
  mkdir -p "$WH/images"
  if [ -d "$IMAGES_WAREHOUSE/images/task=$TASK" ]; then
    cp -al "$IMAGES_WAREHOUSE/images/task=$TASK" "$WH/images/"
  else
    [ -f "$IMAGES_JSON" ] || python3 bench/gen_images.py --out "$(dirname "$(dirname "$IMAGES_JSON")")" \
      --task "$TASK" --size "$E4D_SIZE" --unique >&2
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
      # the shard writing alone (the part that grows with the bytes; planning and Spark's start
      # are fixed costs), from the job's _stats
      write_ms=$(python3 -c "import json; print(json.load(open('$WH/_stats/export-shards.json')).get('phase_ms', {}).get('write_shards', 0))")
      write_ratio=$(python3 -c "print(f'{($bytes / 1e6 / max($write_ms, 1) * 1000) / $ceiling_mbps:.3f}')")
      cpu_s=$(python3 -c "print(round(sum(map(float, open('$DATA/cpu').read().split()[-2:])), 1))")
      printf '%-4s %-18s %10s %9.2f %9s %7s %7s   (job alone %.1f s, JVM start excluded; CPU %s s; writing the shards %.1f s = %s of copy+hash)\n' \
        "$run" "$what" "$bytes" "$s" "$rate" "$ratio" "$ratio_hash" \
        "$(python3 -c "print($job_ms / 1000)")" "$cpu_s" "$(python3 -c "print($write_ms / 1000)")" "$write_ratio"
      printf '{"timestamp": "%s", "run": %s, "format": "%s", "bytes": %s, "seconds": %s, "mb_per_s": %s, "copy_mb_per_s": %s, "ratio": %s, "copy_hash_mb_per_s": %s, "hash_seconds": %s, "ratio_copy_hash": %s, "job_ms": %s, "write_shards_ms": %s, "write_ratio_copy_hash": %s, "cpu_seconds": %s, "load": "%s", "commit": "%s"}\n' \
        "$(date -u +%FT%TZ)" "$run" "$format" "$bytes" "$s" "$rate" "$copy_mbps" "$ratio" \
        "$ceiling_mbps" "$hash_s" "$ratio_hash" "$job_ms" "$write_ms" "$write_ratio" "$cpu_s" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" "$commit" >> "$RESULTS"
      rm -rf "$out"
    done
  done
done

# --- shared frames (SHARED=1, the default): a task generated like MIMIC-IT's DC, 16 instructions
# per 8-frame video, every pair translated into the 7 languages (by the project's loopback chat
# server, common's FakeChatServer), exported in the images-once layout. Targets: shard bytes at
# most 1.1 x (distinct image bytes + text bytes), where the text bytes are those of the release
# layout's instruction files (every pair once per language, JSON as the shards write it), and the
# export's time per distinct image byte at most 1.5 x the E4D task's above (the last run of each).
[ "${SHARED:-1}" = 1 ] || exit 0
STASK=SDC
SDATA=bench/data/export-shared-$SHARED_SIZE
SWH=$SDATA/wh
PORT=${PORT:-18432}
mkdir -p "$SDATA"
if [ ! -f "$SDATA/images.json" ]; then
  python3 bench/gen_images.py --out "$SDATA/in" --task "$STASK" --size "$SHARED_SIZE" --unique \
    > "$SDATA/images.json"
fi
if [ ! -d "$SWH/translations/task=$STASK" ]; then
  rm -rf "$SWH"
  python3 bench/gen_export_instructions.py --images "$SDATA/in/$STASK/$STASK.json" --out "$SDATA/in" \
    --task "$STASK" --frames 8 --per-set 16 >&2
  submit/mimicit convert-images --input "$SDATA/in" --warehouse "$SWH" --tasks "$STASK" >&2
  submit/mimicit convert-instructions --input "$SDATA/in" --warehouse "$SWH" --tasks "$STASK" >&2
  submit/mimicit join-incontext --warehouse "$SWH" --tasks "$STASK" >&2
  java -cp "common/target/test-classes:$(cat jobs/target/launcher/classpath-provided.txt)" \
    org.mimicit.common.testing.FakeChatServer "$PORT" 0 0 > "$SDATA/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do grep -q listening "$SDATA/server.log" 2>/dev/null && break; sleep 0.1; done
  submit/mimicit expand-multilingual --warehouse "$SWH" --languages zh,ja,ko,de,fr,es,ar \
    --api-base "http://127.0.0.1:$PORT/v1" --model bench-model --batch-items 8 \
    --max-concurrency 32 --max-requests-per-minute 0 --max-tokens-per-minute 0 >&2
  kill $server
fi
image_bytes=$(python3 -c "import json; print(json.load(open('$SDATA/images.json'))['decoded_image_bytes'])")
text_out="$SDATA/out-text"
rm -rf "$text_out"
submit/mimicit export-shards --warehouse "$SWH" --output "$text_out" --format mimicit \
  --tasks "$STASK" > "$SDATA/text.log" 2>&1
text_bytes=$(cat "$text_out/$STASK"/"$STASK"_instructions*.json | wc -c)
rm -rf "$text_out"
e4d_image_bytes=$copy_bytes
for format in parquet webdataset; do
  e4d_s=$(python3 -c "
import json
rows = [json.loads(l) for l in open('$RESULTS') if '\"format\": \"$format\"' in l and 'shared' not in l]
print(rows[-1]['seconds'])")
  out="$SDATA/out-$format"
  rm -rf "$out"; sync
  t0=$(now)
  submit/mimicit export-shards --warehouse "$SWH" --output "$out" --format "$format" \
    --tasks "$STASK" --shard-size "$SHARD_SIZE" > "$SDATA/$format.log" 2>&1
  sync; t1=$(now)
  s=$(python3 -c "print($t1 - $t0)")
  bytes=$(du -sb "$out/$format" | cut -f1)
  python3 - "$format" "$bytes" "$image_bytes" "$text_bytes" "$s" "$e4d_s" "$e4d_image_bytes" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$(git rev-parse --short HEAD)" <<'PY' | tee -a "$RESULTS"
import json, sys, datetime
fmt, shard, img, text, s, e4d_s, e4d_img, load, commit = sys.argv[1:]
shard, img, text, s, e4d_s, e4d_img = int(shard), int(img), int(text), float(s), float(e4d_s), int(e4d_img)
bytes_ratio = shard / (img + text)
time_ratio = (s / img) / (e4d_s / e4d_img)
print(f"shared frames, {fmt}: shards {shard} B = {bytes_ratio:.3f} x (images {img} + text {text}); "
      f"{s:.1f} s = {time_ratio:.2f} x the E4D task's time per distinct image byte", file=sys.stderr)
print(json.dumps({"timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "task": "shared", "format": fmt, "shard_bytes": shard, "image_bytes": img,
                  "text_bytes": text, "bytes_ratio": round(bytes_ratio, 4), "seconds": round(s, 2),
                  "e4d_seconds": e4d_s, "e4d_image_bytes": e4d_img,
                  "time_per_byte_ratio": round(time_ratio, 3), "load": load, "commit": commit}))
PY
  rm -rf "$out"
done
