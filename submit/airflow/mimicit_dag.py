"""Airflow DAG: the mimicit-spark pipeline as scheduled spark-submit runs.

One SparkSubmitOperator per stage, in order:

    ingest_images -> ingest_instructions -> join_incontext -> expand_multilingual -> export_shards

Every path of a run is scoped by Airflow's templated run id ({{ run_id }}), so a re-run of the same
DAG run writes to the same place and replaces exactly what it wrote (each job replaces only its
own partitions, and the API stage's cache under the warehouse makes a retried expansion send
nothing already accepted). The expansion is the only stage that talks to a paid API: it has its
own retries and a longer retry delay. Connection, image, jar, paths and API settings are DAG
params, so one file serves every environment.

Requires apache-airflow-providers-apache-spark. The API key reaches the driver as OPENAI_API_KEY
from an Airflow connection or the worker's environment; it is never put in the command line.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models.param import Param
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

DAG_ID = "mimicit_pipeline"
MAIN_CLASS = "org.mimicit.jobs.Main"

# Paths of one run: {{ params.root }}/runs/{{ run_id }}/...
RUN_ROOT = "{{ params.root }}/runs/{{ run_id }}"
WAREHOUSE = RUN_ROOT + "/warehouse"
EXPORT = RUN_ROOT + "/export"

DEFAULT_ARGS = {
    "owner": "ml-data",
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
}

PARAMS = {
    "conn_id": Param("spark_default", type="string", description="Airflow connection of the Spark cluster"),
    "image": Param("mimicit-spark:latest", type="string",
                   description="Container image of the driver and executors (Kubernetes)"),
    "application": Param("local:///opt/mimicit/mimicit-jobs-cluster.jar", type="string",
                         description="The cluster jar (mimicit-jobs-<version>-cluster.jar)"),
    "conf_file": Param("/opt/mimicit/conf/cluster.properties", type="string",
                       description="--conf-file overlay for every command"),
    "input": Param("s3a://datasets/mimicit_data", type="string", description="The MIMIC-IT release folder"),
    "root": Param("s3a://mimicit-runs", type="string", description="Where each run's warehouse and export go"),
    "languages": Param("zh,ja,ko,de,fr,es,ar", type="string", description="Languages of the expansion"),
    "api_base": Param("https://api.openai.com/v1", type="string", description="Chat-completions API base"),
    "model": Param("gpt-4o-mini", type="string", description="Model of the expansion"),
    "max_requests_per_minute": Param(500, type="integer", description="API limit for the whole job"),
    "formats": Param("mimicit,parquet,webdataset", type="string", description="Export formats"),
}


def spark_conf():
    """Settings every stage shares; the image is a DAG param (Kubernetes clusters use it)."""
    return {
        "spark.kubernetes.container.image": "{{ params.image }}",
        "spark.ui.showConsoleProgress": "false",
    }


def stage(task_id, command, args, **kwargs):
    """One spark-submit of `org.mimicit.jobs.Main <command> <args> --conf-file <file>`."""
    return SparkSubmitOperator(
        task_id=task_id,
        conn_id="{{ params.conn_id }}",
        application="{{ params.application }}",
        java_class=MAIN_CLASS,
        name="mimicit-" + command + "-{{ run_id }}",
        conf=spark_conf(),
        application_args=[command] + args + ["--conf-file", "{{ params.conf_file }}"],
        **kwargs,
    )


with DAG(
    dag_id=DAG_ID,
    description="MIMIC-IT release -> warehouse -> in-context -> translations -> training shards",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    default_args=DEFAULT_ARGS,
    params=PARAMS,
    render_template_as_native_obj=False,
    tags=["mimicit"],
) as dag:
    ingest_images = stage("ingest_images", "convert-images",
                          ["--input", "{{ params.input }}", "--warehouse", WAREHOUSE])
    ingest_instructions = stage("ingest_instructions", "convert-instructions",
                                ["--input", "{{ params.input }}", "--warehouse", WAREHOUSE])
    join_incontext = stage("join_incontext", "join-incontext", ["--warehouse", WAREHOUSE])
    expand_multilingual = stage(
        "expand_multilingual", "expand-multilingual",
        ["--warehouse", WAREHOUSE, "--languages", "{{ params.languages }}",
         "--api-base", "{{ params.api_base }}", "--model", "{{ params.model }}",
         "--max-requests-per-minute", "{{ params.max_requests_per_minute }}"],
        retries=5,
        retry_delay=timedelta(minutes=10),
        retry_exponential_backoff=True,
        env_vars={"OPENAI_API_KEY": "{{ var.value.get('mimicit_openai_api_key', '') }}"},
    )
    export_shards = stage("export_shards", "export-shards",
                          ["--warehouse", WAREHOUSE, "--output", EXPORT, "--format", "{{ params.formats }}"])

    ingest_images >> ingest_instructions >> join_incontext >> expand_multilingual >> export_shards
