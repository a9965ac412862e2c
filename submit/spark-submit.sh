#!/usr/bin/env bash
# Runs a mimicit command on a cluster through the Spark distribution's spark-submit:
#
#   submit/spark-submit.sh [wrapper options] <command> [command options]
#
# Wrapper options (each also from the environment variable in brackets):
#   --master URL            yarn, k8s://https://host:6443, spark://host:7077, local[*]  [MIMICIT_MASTER, default yarn]
#   --deploy-mode MODE      client or cluster                                          [MIMICIT_DEPLOY_MODE, default cluster]
#   --driver-memory SIZE                                                               [MIMICIT_DRIVER_MEMORY, default 4g]
#   --executor-memory SIZE                                                             [MIMICIT_EXECUTOR_MEMORY, default 8g]
#   --executor-cores N                                                                 [MIMICIT_EXECUTOR_CORES, default 4]
#   --num-executors N       (YARN / Kubernetes without dynamic allocation)             [MIMICIT_NUM_EXECUTORS]
#   --jar PATH              the cluster jar       [MIMICIT_JAR, default jobs/target/mimicit-jobs-*-cluster.jar]
#   --packages COORDS       extra Maven packages, e.g. org.apache.hadoop:hadoop-aws:3.5.0  [MIMICIT_PACKAGES]
#   --spark-conf KEY=VALUE  a spark-submit --conf (repeatable)
#   --dry-run               print the spark-submit command instead of running it
# SPARK_HOME must point at a Spark 4.x (Scala 2.13) distribution. Everything after the command
# name goes to the command, e.g. --conf-file conf/cluster.properties. See docs/operations.md for
# YARN, Kubernetes and standalone examples.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

master=${MIMICIT_MASTER:-yarn}
deploy_mode=${MIMICIT_DEPLOY_MODE:-cluster}
driver_memory=${MIMICIT_DRIVER_MEMORY:-4g}
executor_memory=${MIMICIT_EXECUTOR_MEMORY:-8g}
executor_cores=${MIMICIT_EXECUTOR_CORES:-4}
num_executors=${MIMICIT_NUM_EXECUTORS:-}
jar=${MIMICIT_JAR:-}
packages=${MIMICIT_PACKAGES:-}
dry_run=0
extra=()

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) master=$2; shift 2 ;;
    --deploy-mode) deploy_mode=$2; shift 2 ;;
    --driver-memory) driver_memory=$2; shift 2 ;;
    --executor-memory) executor_memory=$2; shift 2 ;;
    --executor-cores) executor_cores=$2; shift 2 ;;
    --num-executors) num_executors=$2; shift 2 ;;
    --jar) jar=$2; shift 2 ;;
    --packages) packages=$2; shift 2 ;;
    --spark-conf) extra+=(--conf "$2"); shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "spark-submit.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [[ $# -eq 0 ]]; then
  echo "spark-submit.sh: missing command, e.g. convert-images (see --help)" >&2
  exit 2
fi
if [[ -z "$jar" ]]; then
  jar=$(ls "$here"/jobs/target/mimicit-jobs-*-cluster.jar 2>/dev/null | head -1 || true)
  [[ -n "$jar" ]] || { echo "spark-submit.sh: no cluster jar; run 'mvn -B -q package -DskipTests' or pass --jar" >&2; exit 2; }
fi
if [[ $dry_run -eq 0 && ( -z "${SPARK_HOME:-}" || ! -x "$SPARK_HOME/bin/spark-submit" ) ]]; then
  echo "spark-submit.sh: SPARK_HOME must point at a Spark 4.x distribution (no \$SPARK_HOME/bin/spark-submit)" >&2
  exit 2
fi

cmd=("${SPARK_HOME:-\$SPARK_HOME}/bin/spark-submit" --master "$master" --deploy-mode "$deploy_mode"
  --class org.mimicit.jobs.Main --name "mimicit-$1"
  --driver-memory "$driver_memory" --executor-memory "$executor_memory" --executor-cores "$executor_cores")
[[ -n "$num_executors" ]] && cmd+=(--num-executors "$num_executors")
[[ -n "$packages" ]] && cmd+=(--packages "$packages")
cmd+=("${extra[@]}" "$jar" "$@")
if [[ $dry_run -eq 1 ]]; then
  printf '%q ' "${cmd[@]}"; echo
else
  exec "${cmd[@]}"
fi
