"""Checks the DAG against the facts of the real Airflow and Spark provider (airflow_facts.py).

Airflow cannot be installed here (no PyPI), so the DAG is loaded against the stand-in modules of
airflow_facts.py, which keep the real SparkSubmitOperator's template_fields, argument names and
attributes, and build the spark-submit command line the way SparkSubmitHook does. The tests:

  - render every task of a run and build its spark-submit command line for YARN (client and
    cluster), Kubernetes and standalone masters, and look for the API key everywhere in it;
  - refuse any {{ template }} in an attribute Airflow does not render (conn_id is not templated);
  - check the schedule comes from the deployment, and every stage has a switch that skips it and
    only it.

Runs with the Python 3 standard library: python3 -m unittest -v test_mimicit_dag.py
"""
import importlib.util
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import airflow_facts  # noqa: E402

SECRET = "sk-test-0123456789abcdef-must-never-show"
STAGES = ["convert_images", "convert_sources", "convert_instructions", "generate_instructions",
          "join_incontext", "expand_multilingual", "export_shards", "verify_export"]
API_STAGES = ["generate_instructions", "expand_multilingual"]
MASTERS = {
    "yarn-client": {"master": "yarn", "deploy_mode": "client"},
    "yarn-cluster": {"master": "yarn", "deploy_mode": "cluster"},
    "k8s-cluster": {"master": "k8s://https://kube:6443", "deploy_mode": "cluster"},
    "standalone-client": {"master": "spark://master:7077", "deploy_mode": "client"},
}


def load_dag(env=None):
    """Imports mimicit_dag.py afresh with the given deployment environment."""
    airflow_facts.install()
    saved = dict(os.environ)
    try:
        for key in [k for k in os.environ if k.startswith("MIMICIT_")]:
            del os.environ[key]
        os.environ.update(env or {})
        spec = importlib.util.spec_from_file_location("mimicit_dag", os.path.join(HERE, "mimicit_dag.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        os.environ.clear()
        os.environ.update(saved)


def all_on(dag):
    return {"run_" + s: True for s in STAGES}


class MimicitDagTest(unittest.TestCase):
    def setUp(self):
        # a key where a careless DAG could pick it up: an Airflow Variable and the worker's env
        os.environ["OPENAI_API_KEY"] = SECRET
        self.variables = {"mimicit_openai_api_key": SECRET, "openai_api_key": SECRET}

    def tearDown(self):
        os.environ.pop("OPENAI_API_KEY", None)

    def command_lines(self, module, params=None):
        """Every stage's (argv, env) of one run, for every kind of master."""
        dag = module.dag
        states, context = airflow_facts.run(dag, params=params, variables=self.variables)
        lines = {}
        for task_id in STAGES:
            task = dag.get_task(task_id)
            for kind, connection in MASTERS.items():
                lines[(task_id, kind)] = task.spark_submit_command(context, connection)
        return lines, states

    def test_no_command_line_and_no_process_env_holds_the_key(self):
        for env in ({}, {"MIMICIT_API_KEY_ALIAS": "openai",
                         "MIMICIT_CREDENTIAL_PROVIDER_PATH": "jceks://hdfs@nn:8020/mimicit/keys.jceks"}):
            module = load_dag(env)
            lines, _ = self.command_lines(module, all_on(module.dag))
            for (task_id, kind), (argv, proc_env) in lines.items():
                text = " ".join(argv) + " " + " ".join("%s=%s" % kv for kv in proc_env.items())
                self.assertNotIn(SECRET, text, "%s on %s: %s" % (task_id, kind, text))
                self.assertFalse([a for a in argv if "appMasterEnv" in a or "driverEnv" in a],
                                 "%s on %s passes env_vars on the command line: %s" % (task_id, kind, argv))
                self.assertNotIn("--api-key", argv, task_id)
                self.assertNotIn("OPENAI_API_KEY", text, task_id)

    def test_the_api_stages_name_where_the_key_is_and_nothing_else(self):
        module = load_dag()
        lines, _ = self.command_lines(module, all_on(module.dag))
        for task_id in API_STAGES:
            argv, _ = lines[(task_id, "yarn-cluster")]
            i = argv.index("--api-key-file")
            self.assertEqual(argv[i + 1], "/etc/mimicit/secrets/openai-api-key")
        module = load_dag({"MIMICIT_API_KEY_ALIAS": "openai",
                           "MIMICIT_CREDENTIAL_PROVIDER_PATH": "jceks://hdfs@nn:8020/mimicit/keys.jceks"})
        lines, _ = self.command_lines(module, all_on(module.dag))
        for task_id in API_STAGES:
            argv, _ = lines[(task_id, "k8s-cluster")]
            self.assertEqual(argv[argv.index("--api-key-alias") + 1], "openai")
            self.assertIn("spark.hadoop.hadoop.security.credential.provider.path="
                          "jceks://hdfs@nn:8020/mimicit/keys.jceks", argv)
            self.assertNotIn("--api-key-file", argv)

    def test_every_template_is_in_a_field_airflow_renders(self):
        module = load_dag()
        for task_id in module.dag.task_ids:
            task = module.dag.get_task(task_id)
            self.assertEqual(task.untemplated_templates(), [],
                             "%s: these attributes hold {{ }} that %s does not render (template_fields: %s)"
                             % (task_id, type(task).__name__, task.template_fields))
        _, context = airflow_facts.run(module.dag, variables=self.variables)
        lines, _ = self.command_lines(module, all_on(module.dag))
        for (task_id, kind), (argv, _) in lines.items():
            self.assertFalse([a for a in argv if "{{" in a or "}}" in a], "%s: unrendered %s" % (task_id, argv))

    def test_the_connection_is_the_deployments_and_reaches_the_operator(self):
        self.assertEqual(load_dag().dag.get_task("join_incontext")._conn_id, "spark_default")
        module = load_dag({"MIMICIT_SPARK_CONN_ID": "spark_yarn_prod"})
        for task_id in STAGES:
            self.assertEqual(module.dag.get_task(task_id)._conn_id, "spark_yarn_prod")

    def test_each_stage_runs_its_command_on_run_scoped_paths(self):
        module = load_dag()
        run_id = "scheduled__2026-12-07T00:00:00+00:00"
        warehouse = "s3a://mimicit-runs/runs/%s/warehouse" % run_id
        export = "s3a://mimicit-runs/runs/%s/export" % run_id
        lines, _ = self.command_lines(module, all_on(module.dag))
        expected = {
            "convert_images": ["convert-images", "--input", "s3a://datasets/mimicit_data", "--warehouse", warehouse],
            "convert_sources": ["convert-sources", "--source", "coco", "--input", "s3a://datasets/coco/train2017",
                                "--task", "LA", "--warehouse", warehouse],
            "convert_instructions": ["convert-instructions", "--input", "s3a://datasets/mimicit_data",
                                     "--warehouse", warehouse],
            "join_incontext": ["join-incontext", "--warehouse", warehouse],
            "export_shards": ["export-shards", "--warehouse", warehouse, "--output", export,
                              "--format", "mimicit,parquet,webdataset"],
            "verify_export": ["verify", "--output", export],
        }
        for task_id, args in expected.items():
            argv, _ = lines[(task_id, "yarn-cluster")]
            jar = argv.index("local:///opt/mimicit/mimicit-jobs-cluster.jar")
            self.assertEqual(argv[jar + 1:], args + ["--conf-file", "/opt/mimicit/conf/cluster.properties"])
            self.assertEqual(argv[argv.index("--class") + 1], "org.mimicit.jobs.Main")
            self.assertIn("spark.kubernetes.container.image=mimicit-spark:latest", argv)
        argv, _ = lines[("expand_multilingual", "yarn-client")]
        self.assertEqual(argv[argv.index("--languages") + 1], "zh,ja,ko,de,fr,es,ar")
        argv, _ = lines[("generate_instructions", "yarn-client")]
        self.assertEqual(argv[argv.index("--task") + 1], "DC")

    def test_the_schedule_is_the_deployments(self):
        self.assertEqual(load_dag().dag.schedule, "@weekly")
        self.assertEqual(load_dag({"MIMICIT_SCHEDULE": "0 3 * * 1"}).dag.schedule, "0 3 * * 1")
        self.assertIsNone(load_dag({"MIMICIT_SCHEDULE": "none"}).dag.schedule)

    def test_a_switched_off_stage_is_skipped_and_the_chain_goes_on(self):
        module = load_dag()
        states, _ = airflow_facts.run(module.dag)
        ran = [t for t in STAGES if states[t] == "success"]
        self.assertEqual(ran, [t for t in STAGES if module.dag.params["run_" + t].value])
        self.assertEqual(states["convert_sources"], "skipped")
        self.assertEqual(states["generate_instructions"], "skipped")
        params = all_on(module.dag)
        params["run_join_incontext"] = False
        states, _ = airflow_facts.run(module.dag, params=params)
        self.assertEqual([t for t in STAGES if states[t] != "success"], ["join_incontext"])

    def test_a_failed_stage_stops_the_chain(self):
        module = load_dag()
        states, _ = airflow_facts.run(module.dag, params=all_on(module.dag), fail={"join_incontext"})
        self.assertEqual(states["join_incontext"], "failed")
        for later in STAGES[STAGES.index("join_incontext") + 1:]:
            self.assertEqual(states[later], "upstream_failed", later)

    def test_every_stage_has_a_switch_and_the_api_stages_retry_longer(self):
        module = load_dag()
        self.assertEqual([t for t in module.dag.task_ids if not t.startswith("gate_")], STAGES)
        for task_id in STAGES:
            self.assertIsInstance(module.dag.params["run_" + task_id].value, bool)
            self.assertEqual(module.dag.get_task(task_id).upstream_task_ids, {"gate_" + task_id})
        for task_id in API_STAGES:
            task = module.dag.get_task(task_id)
            self.assertEqual(task.retries, 5)
            self.assertTrue(task.retry_exponential_backoff)
        self.assertEqual(module.dag.get_task("export_shards").retries, 1)


if __name__ == "__main__":
    unittest.main()
