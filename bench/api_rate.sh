#!/usr/bin/env bash
# The API stage against a rate-limited server: expand-multilingual on ITEMS generated instructions
# (default 1500, one language, one item per request) against the project's loopback chat server
# (common's FakeChatServer: answers 429 with Retry-After beyond RPM requests per minute, LATENCY_MS
# per reply). The job is given the same limit, --max-requests-per-minute RPM. From the server's
# own log it prints the sustained request rate against the limit, the share of 429s and the
# duplicates (an item answered in full twice), and appends a JSON line to bench/results/api-rate.jsonl.
# Targets: rate >= 95% of the limit, < 2% 429s, 0 duplicates. Smoke run: ITEMS=200 bench/api_rate.sh
# SKEW=0.5 gives the first of TASKS (default 8) Spark tasks half of the items and spreads the rest
# over the others (spark.mimicit.api.skew), so that the budget must move to the task that is left.
# SLOW_SHARE=0.1 SLOW_MS=3200 makes every tenth reply 3.2 s slower. CLUSTER=1 runs the job on a
# standalone cluster started here (a Master and two Workers from Spark's jars on 127.0.0.2 and .3,
# TASKS/2 cores each, executors in their own JVMs, the cluster jar as spark.jars) and, with KILL=1
# (default), SIGKILLs the first Worker's executor when half of the items were asked.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${ITEMS:-1500}
RPM=${RPM:-600}
LATENCY_MS=${LATENCY_MS:-800}
CONCURRENCY=${CONCURRENCY:-32}
PORT=${PORT:-18431}
SKEW=${SKEW:-0}
TASKS=${TASKS:-8}
SLOW_SHARE=${SLOW_SHARE:-0}
SLOW_MS=${SLOW_MS:-0}
CLUSTER=${CLUSTER:-0}
KILL=${KILL:-1}
DATA=bench/data/api-rate-$ITEMS
mkdir -p bench/results "$DATA"
if [ ! -f common/target/test-classes/org/mimicit/common/testing/FakeChatServer.class ] \
    || [ ! -f jobs/target/launcher/classpath-provided.txt ]; then
  mvn -B -q package -DskipTests >&2
fi
if [ ! -f "$DATA/in/LA/LA_instructions.json" ]; then
  python3 bench/gen_instructions.py --out "$DATA/in" --task LA --pairs "$ITEMS" --seed 7 >&2
fi
if [ ! -d "$DATA/wh/instructions/task=LA" ]; then
  submit/mimicit convert-instructions --input "$DATA/in" --warehouse "$DATA/wh" >&2
fi
rm -rf "$DATA/wh/translations" "$DATA/wh/_cache" "$DATA/wh/rejected/translations"

java -cp "common/target/test-classes:$(cat jobs/target/launcher/classpath-provided.txt)" \
  org.mimicit.common.testing.FakeChatServer "$PORT" "$RPM" "$LATENCY_MS" "$SLOW_SHARE" "$SLOW_MS" \
  > "$DATA/server.log" 2>&1 &
server=$!
daemons=("$server")
trap 'kill "${daemons[@]}" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q listening "$DATA/server.log" 2>/dev/null && break
  sleep 0.1
done

skew=()
if [ "$SKEW" != "0" ]; then
  export MIMICIT_MASTER="local[$TASKS]"
  skew=(--conf "spark.mimicit.api.skew=$SKEW")
fi
killed=none
if [ "$CLUSTER" = 1 ]; then
  cp=$(cat jobs/target/launcher/classpath-provided.txt)
  opts=$(cat jobs/target/launcher/jvm-options.txt)
  mkdir -p "$DATA/spark/jars"
  for jar in ${cp//:/ }; do ln -sf "$jar" "$DATA/spark/jars/"; done
  mport=$((PORT + 1))
  # shellcheck disable=SC2086
  java $opts -Xmx256m -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 \
    --port "$mport" --webui-port $((PORT + 2)) > "$DATA/master.log" 2>&1 &
  daemons+=("$!")
  workers=()
  for i in 0 1; do
    mkdir -p "$DATA/work-$i"
    # shellcheck disable=SC2086
    SPARK_HOME="$PWD/$DATA/spark" SPARK_SCALA_VERSION=2.13 java $opts -Xmx256m -cp "$cp" \
      org.apache.spark.deploy.worker.Worker --host "127.0.0.$((i + 2))" --cores $((TASKS / 2)) \
      --memory 2g --webui-port $((PORT + 3 + i)) --work-dir "$DATA/work-$i" \
      "spark://127.0.0.1:$mport" > "$DATA/worker-$i.log" 2>&1 &
    workers+=("$!")
    daemons+=("$!")
  done
  for _ in $(seq 1 600); do
    [ "$(grep -c 'Registering worker' "$DATA/master.log" 2>/dev/null)" -ge 2 ] && break
    sleep 0.1
  done
  export MIMICIT_MASTER="spark://127.0.0.1:$mport"
  skew+=(--conf "spark.jars=$(ls "$PWD"/jobs/target/*-cluster.jar)" --conf spark.driver.host=127.0.0.1
    --conf "spark.executor.cores=$((TASKS / 2))" --conf spark.executor.memory=1g
    --conf spark.scheduler.minRegisteredResourcesRatio=1.0)
  if [ "$KILL" = 1 ]; then
    (
      while [ "$(curl -s "http://127.0.0.1:$PORT/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')" -lt $((ITEMS / 2)) ]; do
        sleep 0.2
      done
      executor=$(pgrep -P "${workers[0]}" | head -1)
      echo "$(date +%T) SIGKILL executor pid $executor of worker 127.0.0.2" > "$DATA/killed.log"
      kill -9 "$executor"
    ) &
    daemons+=("$!")
  fi
fi
load=$(cut -d' ' -f1 /proc/loadavg)
start=$(date +%s)
submit/mimicit expand-multilingual --warehouse "$DATA/wh" --languages zh --batch-items 1 \
  --api-base "http://127.0.0.1:$PORT/v1" --model bench-model \
  --max-requests-per-minute "$RPM" --max-concurrency "$CONCURRENCY" --max-tokens-per-minute 0 \
  "${skew[@]}" > "$DATA/expand.log" 2>&1
end=$(date +%s)
load="$load $(cut -d' ' -f1 /proc/loadavg)"
if [ -f "$DATA/killed.log" ]; then killed=$(cat "$DATA/killed.log"); rm -f "$DATA/killed.log"; fi
stats=$(curl -s "http://127.0.0.1:$PORT/stats")
python3 - "$stats" "$RPM" "$ITEMS" "$((end - start))" "$(git rev-parse --short HEAD)" "$SKEW" "$TASKS" "$load" \
  "$CLUSTER" "$killed" "$SLOW_SHARE" "$SLOW_MS" <<'PY' | tee -a bench/results/api-rate.jsonl
import json, sys, datetime
s = json.loads(sys.argv[1]); rpm = float(sys.argv[2])
share429 = s["http_429"] / s["requests"]
ratio = s["requests_per_minute"] / rpm
print(f"expand-multilingual vs a {rpm:.0f} requests/min server: {s['requests']} requests in {s['seconds']:.1f} s = "
      f"{s['requests_per_minute']:.1f}/min = {ratio:.3f} of the limit; 429s {s['http_429']} ({100 * share429:.2f}%); "
      f"duplicates {s['duplicates']}; job wall {sys.argv[4]} s; skew {sys.argv[6]}; "
      f"{'standalone cluster, killed: ' + sys.argv[10] + '; ' if sys.argv[9] == '1' else ''}"
      f"load {sys.argv[8]} (1-min, before and after)", file=sys.stderr)
print(json.dumps({"timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "items": int(sys.argv[3]), "limit_rpm": rpm, "rate_ratio": round(ratio, 4),
                  "share_429": round(share429, 4), **s, "job_wall_seconds": int(sys.argv[4]),
                  "commit": sys.argv[5], "skew": float(sys.argv[6]),
                  "tasks": int(sys.argv[7]) if float(sys.argv[6]) > 0 or sys.argv[9] == "1" else None,
                  "cluster": sys.argv[9] == "1", "killed": sys.argv[10],
                  "slow_share": float(sys.argv[11]), "slow_ms": int(sys.argv[12]),
                  "load_1min_before_after": [float(x) for x in sys.argv[8].split()]}))
PY
