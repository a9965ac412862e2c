"""Airflow DAG: the mimicit-spark pipeline as scheduled spark-submit runs.

One SparkSubmitOperator per stage, each behind a switch (a boolean DAG param, run_<stage>), in order:

    convert_images -> convert_sources -> convert_instructions -> generate_instructions
        -> join_incontext -> expand_multilingual -> export_shards -> verify_export

A switch is a ShortCircuitOperator (gate_<stage>) in front of its stage: off, it skips that stage
only (ignore_downstream_trigger_rules=False), and the next gate still runs (trigger rule
none_failed), so switching a stage off never stops the chain; a failed stage does.

Every path of a run is scoped by Airflow's templated run id ({{ run_id }}), so a re-run of the same
DAG run writes to the same place and replaces exactly what it wrote (each job replaces only its
own partitions, and the API stages' cache under the warehouse makes a retried stage send nothing
already accepted). The two API stages have their own retries and a longer retry delay.

Deployment settings are read from the Airflow worker's environment when the file is parsed,
because the operator does not template them (SparkSubmitOperator's template_fields do not include
conn_id, and a DAG's schedule is fixed at parse time):

    MIMICIT_SPARK_CONN_ID            the Spark connection (default spark_default)
    MIMICIT_SCHEDULE                 a cron expression or preset (default @weekly; "none" for
                                     manual runs only)
    MIMICIT_API_KEY_FILE             where the API key file is mounted on the driver and executors
                                     (default /etc/mimicit/secrets/openai-api-key, e.g. a Kubernetes
                                     secret); passed as --api-key-file
    MIMICIT_API_KEY_ALIAS            instead of a file: the key's alias in a Hadoop credential
    MIMICIT_CREDENTIAL_PROVIDER_PATH provider (a JCEKS store such as jceks://hdfs@nn:8020/keys.jceks);
                                     passed as --api-key-alias and the provider path

The key itself never appears in the DAG, its params, env_vars or conf: env_vars become
--conf spark.yarn.appMasterEnv.* / spark.kubernetes.driverEnv.* on the spark-submit command line
(visible in ps, the task log and the Spark UI), so only the location of the key travels.

Checked against apache-airflow-providers-apache-spark on Airflow's main branch after release
5.4.0 (operators/spark_submit.py at 015d5de, hooks/spark_submit.py at 02a0d09); see
test_mimicit_dag.py and airflow_facts.py.
"""
import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

try:  # Airflow 3: the standard provider and the task SDK
    from airflow.providers.standard.operators.python import ShortCircuitOperator
    from airflow.sdk import Param
except ImportError:  # Airflow 2
    from airflow.models.param import Param
    from airflow.operators.python import ShortCircuitOperator

DAG_ID = "mimicit_pipeline"
MAIN_CLASS = "org.mimicit.jobs.Main"

CONN_ID = os.environ.get("MIMICIT_SPARK_CONN_ID", "spark_default")
_schedule = os.environ.get("MIMICIT_SCHEDULE", "@weekly").strip()
SCHEDULE = None if _schedule.lower() in ("", "none") else _schedule
API_KEY_FILE = os.environ.get("MIMICIT_API_KEY_FILE", "/etc/mimicit/secrets/openai-api-key")
API_KEY_ALIAS = os.environ.get("MIMICIT_API_KEY_ALIAS")
CREDENTIAL_PROVIDER_PATH = os.environ.get("MIMICIT_CREDENTIAL_PROVIDER_PATH")
CREDENTIAL_PROVIDER_KEY = "spark.hadoop.hadoop.security.credential.provider.path"

# Paths of one run: {{ params.root }}/runs/{{ run_id }}/...
RUN_ROOT = "{{ params.root }}/runs/{{ run_id }}"
WAREHOUSE = RUN_ROOT + "/warehouse"
EXPORT = RUN_ROOT + "/export"

DEFAULT_ARGS = {
    "owner": "ml-data",
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
}

# (task id, command, on by default); the order of the chain
STAGES = [
    ("convert_images", "convert-images", True),
    ("convert_sources", "convert-sources", False),
    ("convert_instructions", "convert-instructions", True),
    ("generate_instructions", "generate-instructions", False),
    ("join_incontext", "join-incontext", True),
    ("expand_multilingual", "expand-multilingual", True),
    ("export_shards", "export-shards", True),
    ("verify_export", "verify", True),
]

PARAMS = {
    "image": Param("mimicit-spark:latest", type="string",
                   description="Container image of the driver and executors (Kubernetes)"),
    "application": Param("local:///opt/mimicit/mimicit-jobs-cluster.jar", type="string",
                         description="The cluster jar (mimicit-jobs-<version>-cluster.jar)"),
    "conf_file": Param("/opt/mimicit/conf/cluster.properties", type="string",
                       description="--conf-file overlay for every command"),
    "input": Param("s3a://datasets/mimicit_data", type="string", description="The MIMIC-IT release folder"),
    "root": Param("s3a://mimicit-runs", type="string", description="Where each run's warehouse and export go"),
    "sources_name": Param("coco", type="string",
                          description="convert-sources --source: coco, spot-the-diff, scannet, tvqa-frames, "
                                      "video, folder"),
    "sources_input": Param("s3a://datasets/coco/train2017", type="string",
                           description="convert-sources --input: the public dataset's folder"),
    "sources_task": Param("LA", type="string", description="convert-sources --task"),
    "annotations": Param("s3a://datasets/annotations", type="string",
                         description="generate-instructions --annotations"),
    "prompts": Param("/opt/mimicit/conf/prompts", type="string", description="generate-instructions --prompts"),
    "generation_task": Param("DC", type="string", description="generate-instructions --task"),
    "languages": Param("zh,ja,ko,de,fr,es,ar", type="string", description="Languages of the expansion"),
    "api_base": Param("https://api.openai.com/v1", type="string", description="Chat-completions API base"),
    "model": Param("gpt-4o-mini", type="string", description="Model of the API stages"),
    "max_requests_per_minute": Param(500, type="integer", description="API limit for the whole job"),
    "formats": Param("mimicit,parquet,webdataset", type="string", description="Export formats"),
}
for _task_id, _command, _on in STAGES:
    PARAMS["run_" + _task_id] = Param(_on, type="boolean", description="Run " + _command)


def spark_conf(api=False):
    """Settings of every stage; the API stages add where the credential store is (a path)."""
    conf = {
        "spark.kubernetes.container.image": "{{ params.image }}",
        "spark.ui.showConsoleProgress": "false",
    }
    if api and API_KEY_ALIAS:
        conf[CREDENTIAL_PROVIDER_KEY] = CREDENTIAL_PROVIDER_PATH
    return conf


def api_key_args():
    """Where the API stages read the key: a credential provider alias, else a mounted file."""
    if API_KEY_ALIAS:
        return ["--api-key-alias", API_KEY_ALIAS]
    return ["--api-key-file", API_KEY_FILE]


def api_args():
    return ["--api-base", "{{ params.api_base }}", "--model", "{{ params.model }}",
            "--max-requests-per-minute", "{{ params.max_requests_per_minute }}"] + api_key_args()


def stage_args(task_id):
    """The command's arguments after its name, by stage."""
    return {
        "convert_images": ["--input", "{{ params.input }}", "--warehouse", WAREHOUSE],
        "convert_sources": ["--source", "{{ params.sources_name }}", "--input", "{{ params.sources_input }}",
                            "--task", "{{ params.sources_task }}", "--warehouse", WAREHOUSE],
        "convert_instructions": ["--input", "{{ params.input }}", "--warehouse", WAREHOUSE],
        "generate_instructions": ["--annotations", "{{ params.annotations }}", "--prompts", "{{ params.prompts }}",
                                  "--task", "{{ params.generation_task }}", "--warehouse", WAREHOUSE] + api_args(),
        "join_incontext": ["--warehouse", WAREHOUSE],
        "expand_multilingual": ["--warehouse", WAREHOUSE, "--languages", "{{ params.languages }}"] + api_args(),
        "export_shards": ["--warehouse", WAREHOUSE, "--output", EXPORT, "--format", "{{ params.formats }}"],
        "verify_export": ["--output", EXPORT],
    }[task_id]


def stage(task_id, command):
    """One spark-submit of `org.mimicit.jobs.Main <command> <args> --conf-file <file>`."""
    api = command in ("expand-multilingual", "generate-instructions")
    extra = {"retries": 5, "retry_delay": timedelta(minutes=10), "retry_exponential_backoff": True} if api else {}
    return SparkSubmitOperator(
        task_id=task_id,
        conn_id=CONN_ID,
        application="{{ params.application }}",
        java_class=MAIN_CLASS,
        name="mimicit-" + command + "-{{ run_id }}",
        conf=spark_conf(api),
        application_args=[command] + stage_args(task_id) + ["--conf-file", "{{ params.conf_file }}"],
        **extra,
    )


def switch_is_on(params, task_id):
    """The gate's condition: the stage's switch."""
    return bool(params["run_" + task_id])


def gate(task_id):
    return ShortCircuitOperator(
        task_id="gate_" + task_id,
        python_callable=switch_is_on,
        op_kwargs={"task_id": task_id},
        ignore_downstream_trigger_rules=False,
        trigger_rule="none_failed",
    )


with DAG(
    dag_id=DAG_ID,
    description="MIMIC-IT release -> warehouse -> in-context -> translations -> training shards",
    start_date=datetime(2026, 1, 1),
    schedule=SCHEDULE,
    catchup=False,
    default_args=DEFAULT_ARGS,
    params=PARAMS,
    render_template_as_native_obj=False,
    tags=["mimicit"],
) as dag:
    previous = None
    for _task_id, _command, _on in STAGES:
        _gate = gate(_task_id)
        _stage = stage(_task_id, _command)
        if previous is not None:
            previous >> _gate
        _gate >> _stage
        previous = _stage
