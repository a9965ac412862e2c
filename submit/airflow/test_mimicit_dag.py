"""Checks the DAG's task graph and the arguments each task passes to spark-submit.

Airflow itself cannot be installed here (no PyPI), so the test puts a minimal stand-in for the
three Airflow names the DAG uses (DAG, Param, SparkSubmitOperator) into sys.modules: it records
what the DAG file builds, with Airflow's `>>` dependency semantics. With Airflow installed, the same
assertions hold against the real classes (run with MIMICIT_REAL_AIRFLOW=1).
"""
import importlib.util
import os
import sys
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def install_stand_in():
    class DAG:
        current = None

        def __init__(self, dag_id, **kwargs):
            self.dag_id = dag_id
            self.kwargs = kwargs
            self.params = kwargs.get("params", {})
            self.tasks = []

        def __enter__(self):
            DAG.current = self
            return self

        def __exit__(self, *exc):
            DAG.current = None

        @property
        def task_ids(self):
            return [t.task_id for t in self.tasks]

        def get_task(self, task_id):
            return next(t for t in self.tasks if t.task_id == task_id)

    class Param:
        def __init__(self, default=None, **kwargs):
            self.value = default
            self.kwargs = kwargs

    class SparkSubmitOperator:
        def __init__(self, task_id, **kwargs):
            self.task_id = task_id
            self.kwargs = kwargs
            self.upstream_task_ids = set()
            self.downstream_task_ids = set()
            DAG.current.tasks.append(self)

        def __rshift__(self, other):
            self.downstream_task_ids.add(other.task_id)
            other.upstream_task_ids.add(self.task_id)
            return other

    airflow = types.ModuleType("airflow")
    airflow.DAG = DAG
    models = types.ModuleType("airflow.models")
    param = types.ModuleType("airflow.models.param")
    param.Param = Param
    spark_submit = types.ModuleType("airflow.providers.apache.spark.operators.spark_submit")
    spark_submit.SparkSubmitOperator = SparkSubmitOperator
    modules = {
        "airflow": airflow, "airflow.models": models, "airflow.models.param": param,
        "airflow.providers": types.ModuleType("airflow.providers"),
        "airflow.providers.apache": types.ModuleType("airflow.providers.apache"),
        "airflow.providers.apache.spark": types.ModuleType("airflow.providers.apache.spark"),
        "airflow.providers.apache.spark.operators": types.ModuleType("airflow.providers.apache.spark.operators"),
        "airflow.providers.apache.spark.operators.spark_submit": spark_submit,
    }
    sys.modules.update(modules)


def load_dag():
    if os.environ.get("MIMICIT_REAL_AIRFLOW") != "1":
        install_stand_in()
    spec = importlib.util.spec_from_file_location("mimicit_dag", os.path.join(HERE, "mimicit_dag.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


def kwargs_of(task):
    return task.kwargs if hasattr(task, "kwargs") else {
        "application_args": task._application_args, "java_class": task._java_class,
        "application": task.application, "conn_id": task._conn_id}


class MimicitDagTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dag = load_dag()

    def test_one_spark_submit_per_stage_in_order(self):
        ids = ["ingest_images", "ingest_instructions", "join_incontext", "expand_multilingual", "export_shards"]
        self.assertEqual(sorted(self.dag.task_ids), sorted(ids))
        for upstream, downstream in zip(ids, ids[1:]):
            self.assertEqual(self.dag.get_task(downstream).upstream_task_ids, {upstream})
        self.assertEqual(self.dag.get_task("ingest_images").upstream_task_ids, set())
        self.assertEqual(self.dag.get_task("export_shards").downstream_task_ids, set())

    def test_each_task_runs_its_command_on_run_scoped_paths(self):
        warehouse = "{{ params.root }}/runs/{{ run_id }}/warehouse"
        expected = {
            "ingest_images": ["convert-images", "--input", "{{ params.input }}", "--warehouse", warehouse],
            "ingest_instructions": ["convert-instructions", "--input", "{{ params.input }}", "--warehouse", warehouse],
            "join_incontext": ["join-incontext", "--warehouse", warehouse],
            "expand_multilingual": ["expand-multilingual", "--warehouse", warehouse,
                                    "--languages", "{{ params.languages }}", "--api-base", "{{ params.api_base }}",
                                    "--model", "{{ params.model }}",
                                    "--max-requests-per-minute", "{{ params.max_requests_per_minute }}"],
            "export_shards": ["export-shards", "--warehouse", warehouse,
                              "--output", "{{ params.root }}/runs/{{ run_id }}/export",
                              "--format", "{{ params.formats }}"],
        }
        for task_id, args in expected.items():
            k = kwargs_of(self.dag.get_task(task_id))
            self.assertEqual(k["application_args"], args + ["--conf-file", "{{ params.conf_file }}"], task_id)
            self.assertEqual(k["java_class"], "org.mimicit.jobs.Main")
            self.assertEqual(k["application"], "{{ params.application }}")
            self.assertEqual(k["conn_id"], "{{ params.conn_id }}")

    def test_the_api_stage_retries_and_gets_the_key_from_a_variable_not_the_command_line(self):
        k = kwargs_of(self.dag.get_task("expand_multilingual"))
        self.assertEqual(k["retries"], 5)
        self.assertTrue(k["retry_exponential_backoff"])
        self.assertIn("OPENAI_API_KEY", k["env_vars"])
        self.assertFalse(any("key" in a.lower() for a in k["application_args"]))
        self.assertNotIn("retries", kwargs_of(self.dag.get_task("export_shards")))

    def test_connection_and_image_are_params(self):
        for name in ["conn_id", "image", "application", "conf_file", "input", "root"]:
            self.assertIn(name, self.dag.params)
        k = kwargs_of(self.dag.get_task("ingest_images"))
        self.assertEqual(k["conf"]["spark.kubernetes.container.image"], "{{ params.image }}")


if __name__ == "__main__":
    unittest.main()
