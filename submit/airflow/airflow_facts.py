"""A stand-in for the parts of Airflow the DAG uses, holding the real code's facts.

Airflow cannot be installed here (no PyPI), so test_mimicit_dag.py loads the DAG against these
modules. They are not a mock that accepts anything: each holds what the real code does, looked up
in its source, so that a DAG the real Airflow would get wrong fails here too.

Sources read (apache/airflow, main branch):
  - providers/apache/spark/src/airflow/providers/apache/spark/operators/spark_submit.py at 015d5de
    (after provider release 5.4.0, the newest in provider.yaml at 1234fd0): SparkSubmitOperator's
    template_fields, its __init__ arguments and the attributes it keeps them in, _get_hook.
  - providers/apache/spark/src/airflow/providers/apache/spark/hooks/spark_submit.py at 02a0d09:
    _resolve_connection (a conn_id is looked up as given; a failed lookup falls back to master
    "yarn"), _build_spark_common_args and _build_spark_submit_command (how conf and env_vars
    become the command line).
  - Airflow core: BaseOperator.render_template_fields / render_template (only the attributes named
    in template_fields are rendered; str rendered by Jinja, list and tuple item by item, dict
    values only, other values unchanged), unknown operator keyword arguments are an error
    ("Invalid arguments were passed to ..."), PythonOperator passes the context entries whose
    names the callable's parameters have, plus op_kwargs; ShortCircuitOperator skips only its
    direct downstream tasks when ignore_downstream_trigger_rules=False, all downstream otherwise;
    trigger rules all_success (default) and none_failed.

Templates: a tiny renderer for the `{{ ... }}` expressions the DAG uses (dotted names and
var.value.get('k', 'default')); anything else is an error rather than a guess.
"""
import inspect
import re
import sys
import types

PROVIDER = "apache-airflow-providers-apache-spark, main after 5.4.0 (operator 015d5de, hook 02a0d09)"

# SparkSubmitOperator.template_fields, verbatim
SPARK_SUBMIT_TEMPLATE_FIELDS = (
    "application", "conf", "files", "py_files", "jars", "driver_class_path", "packages",
    "exclude_packages", "keytab", "principal", "proxy_user", "name", "application_args", "env_vars",
    "post_submit_commands", "properties_file",
)

# SparkSubmitOperator.__init__: argument -> (attribute it is kept in, default)
SPARK_SUBMIT_ARGS = {
    "application": ("application", ""), "conf": ("conf", None), "conn_id": ("_conn_id", "spark_default"),
    "files": ("files", None), "py_files": ("py_files", None), "archives": ("_archives", None),
    "driver_class_path": ("driver_class_path", None), "jars": ("jars", None),
    "java_class": ("_java_class", None), "packages": ("packages", None),
    "exclude_packages": ("exclude_packages", None), "repositories": ("_repositories", None),
    "total_executor_cores": ("_total_executor_cores", None), "executor_cores": ("_executor_cores", None),
    "executor_memory": ("_executor_memory", None), "driver_memory": ("_driver_memory", None),
    "keytab": ("keytab", None), "principal": ("principal", None), "proxy_user": ("proxy_user", None),
    "name": ("name", "arrow-spark"), "num_executors": ("_num_executors", None),
    "status_poll_interval": ("_status_poll_interval", 1), "application_args": ("application_args", None),
    "env_vars": ("env_vars", None), "verbose": ("_verbose", False), "spark_binary": ("_spark_binary", None),
    "properties_file": ("properties_file", None), "yarn_queue": ("_yarn_queue", None),
    "deploy_mode": ("_deploy_mode", None), "use_krb5ccache": ("_use_krb5ccache", False),
    "post_submit_commands": ("post_submit_commands", None),
    "track_driver_via_k8s_api": ("_track_driver_via_k8s_api", False),
    "yarn_track_via_rm_api": ("_yarn_track_via_rm_api", False), "yarn_rm_auth": ("_yarn_rm_auth", None),
    "reconnect_on_retry": ("_reconnect_on_retry", None), "durable": ("durable", None),
}

# BaseOperator keyword arguments the DAG may pass (a subset of the real list; others are refused)
BASE_OPERATOR_ARGS = {
    "task_id", "owner", "retries", "retry_delay", "retry_exponential_backoff", "max_retry_delay",
    "trigger_rule", "execution_timeout", "pool", "queue", "priority_weight", "depends_on_past",
    "email", "email_on_failure", "email_on_retry", "doc_md", "sla",
}

# PythonOperator.template_fields; ShortCircuitOperator inherits them
PYTHON_TEMPLATE_FIELDS = ("templates_dict", "op_args", "op_kwargs")

TRIGGER_RULES = {"all_success", "none_failed", "all_done", "none_failed_min_one_success", "one_success"}

_EXPR = re.compile(r"{{\s*(.*?)\s*}}")
_VAR_GET = re.compile(r"""var\.value\.get\(\s*'([^']*)'\s*(?:,\s*'([^']*)'\s*)?\)""")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def render_string(text, context):
    """Jinja's {{ expression }} for the expressions the DAG uses."""

    def value(match):
        expr = match.group(1)
        var = _VAR_GET.fullmatch(expr)
        if var:
            return str(context["var"]["value"].get(var.group(1), var.group(2) or ""))
        if not _DOTTED.fullmatch(expr):
            raise ValueError("the stand-in cannot render {{ %s }}: add it to airflow_facts.py" % expr)
        current = context
        for part in expr.split("."):
            current = current[part]
        return str(current)

    return _EXPR.sub(value, text)


def render(value, context):
    """BaseOperator.render_template: str rendered, list/tuple item by item, dict values only."""
    if isinstance(value, str):
        return render_string(value, context)
    if isinstance(value, (list, tuple)):
        return type(value)(render(v, context) for v in value)
    if isinstance(value, dict):
        return {k: render(v, context) for k, v in value.items()}
    return value


def has_template(value):
    if isinstance(value, str):
        return "{{" in value
    if isinstance(value, (list, tuple, set)):
        return any(has_template(v) for v in value)
    if isinstance(value, dict):
        return any(has_template(k) or has_template(v) for k, v in value.items())
    return False


class DAG:
    current = None

    def __init__(self, dag_id, schedule=None, params=None, default_args=None, **kwargs):
        self.dag_id = dag_id
        self.schedule = schedule
        self.params = params or {}
        self.default_args = default_args or {}
        self.kwargs = kwargs
        self.task_dict = {}

    def __enter__(self):
        DAG.current = self
        return self

    def __exit__(self, *exc):
        DAG.current = None

    @property
    def task_ids(self):
        return list(self.task_dict)

    def get_task(self, task_id):
        return self.task_dict[task_id]


class Param:
    def __init__(self, default=None, type=None, description=None, **kwargs):
        self.value = default
        self.schema_type = type
        self.description = description


class BaseOperator:
    template_fields = ()

    def __init__(self, task_id, trigger_rule="all_success", **kwargs):
        unknown = set(kwargs) - BASE_OPERATOR_ARGS
        if unknown:
            raise TypeError("Invalid arguments were passed to %s (task_id: %s). Invalid arguments were:"
                            " **kwargs: %s" % (type(self).__name__, task_id, sorted(unknown)))
        if trigger_rule not in TRIGGER_RULES:
            raise ValueError("%s: unknown trigger rule %s" % (task_id, trigger_rule))
        self.task_id = task_id
        self.trigger_rule = trigger_rule
        defaults = dict(DAG.current.default_args)
        defaults.update(kwargs)
        self.retries = defaults.get("retries", 0)
        self.retry_delay = defaults.get("retry_delay")
        self.retry_exponential_backoff = defaults.get("retry_exponential_backoff", False)
        self.upstream_task_ids = set()
        self.downstream_task_ids = set()
        self.dag = DAG.current
        if task_id in DAG.current.task_dict:
            raise ValueError("duplicate task_id %s" % task_id)
        DAG.current.task_dict[task_id] = self

    def __rshift__(self, other):
        self.downstream_task_ids.add(other.task_id)
        other.upstream_task_ids.add(self.task_id)
        return other

    def rendered(self, context):
        """A copy of the templated attributes after rendering, as render_template_fields sets them."""
        return {f: render(getattr(self, f), context) for f in self.template_fields}

    def untemplated_templates(self):
        """Attributes holding a {{ }} template that Airflow will not render (not in template_fields)."""
        return sorted(name for name, v in vars(self).items()
                      if name not in self.template_fields and has_template(v))


class SparkSubmitOperator(BaseOperator):
    template_fields = SPARK_SUBMIT_TEMPLATE_FIELDS

    def __init__(self, *, task_id, **kwargs):
        own = {k: kwargs.pop(k) for k in list(kwargs) if k in SPARK_SUBMIT_ARGS}
        super().__init__(task_id=task_id, **kwargs)
        for argument, (attribute, default) in SPARK_SUBMIT_ARGS.items():
            setattr(self, attribute, own.get(argument, default))

    def spark_submit_command(self, context, connection):
        """(argv, process env) of spark-submit after rendering, as SparkSubmitHook builds them."""
        values = self.rendered(context)
        master = connection["master"]
        deploy_mode = self._deploy_mode or connection.get("deploy_mode")
        is_yarn, is_k8s = "yarn" in master, "k8s" in master
        argv = [self._spark_binary or connection.get("spark_binary", "spark-submit"), "--master", master]
        for key, value in (values["conf"] or {}).items():
            argv += ["--conf", "%s=%s" % (key, value)]
        env = {}
        env_vars = values["env_vars"]
        if env_vars and (is_k8s or is_yarn):
            tmpl = "spark.yarn.appMasterEnv.{}={}" if is_yarn else "spark.kubernetes.driverEnv.{}={}"
            for key in env_vars:
                argv += ["--conf", tmpl.format(key, str(env_vars[key]))]
            if is_yarn:
                env = dict(env_vars)
        elif env_vars and deploy_mode != "cluster":
            env = dict(env_vars)
        elif env_vars:
            raise RuntimeError("SparkSubmitHook env_vars is not supported in standalone-cluster mode.")
        if values["properties_file"]:
            argv += ["--properties-file", values["properties_file"]]
        for flag, field in (("--files", "files"), ("--py-files", "py_files"), ("--jars", "jars"),
                            ("--packages", "packages"), ("--exclude-packages", "exclude_packages")):
            if values[field]:
                argv += [flag, values[field]]
        if values["name"]:
            argv += ["--name", values["name"]]
        if self._java_class:
            argv += ["--class", self._java_class]
        if deploy_mode:
            argv += ["--deploy-mode", deploy_mode]
        argv += [values["application"]]
        argv += list(values["application_args"] or [])
        return argv, env


class PythonOperator(BaseOperator):
    template_fields = PYTHON_TEMPLATE_FIELDS

    def __init__(self, *, task_id, python_callable, op_args=None, op_kwargs=None, templates_dict=None,
                 **kwargs):
        super().__init__(task_id=task_id, **kwargs)
        if not callable(python_callable):
            raise TypeError("`python_callable` param must be callable")
        self.python_callable = python_callable
        self.op_args = op_args or []
        self.op_kwargs = op_kwargs or {}
        self.templates_dict = templates_dict

    def call(self, context):
        """Calls python_callable with op_args, op_kwargs and the context entries it names."""
        values = self.rendered(context)
        names = inspect.signature(self.python_callable).parameters
        kwargs = {k: v for k, v in context.items() if k in names}
        kwargs.update(values["op_kwargs"])
        return self.python_callable(*values["op_args"], **kwargs)


class ShortCircuitOperator(PythonOperator):
    def __init__(self, *, ignore_downstream_trigger_rules=True, **kwargs):
        super().__init__(**kwargs)
        self.ignore_downstream_trigger_rules = ignore_downstream_trigger_rules


def run(dag, params=None, run_id="scheduled__2026-12-07T00:00:00+00:00", variables=None, fail=()):
    """One DAG run: each task's state (success, skipped, failed, upstream_failed), in task order.

    Params are the DAG's defaults updated by `params`; tasks in `fail` fail when they would run.
    """
    values = {k: (p.value if isinstance(p, Param) else p) for k, p in dag.params.items()}
    values.update(params or {})
    context = {"params": values, "run_id": run_id, "var": {"value": dict(variables or {})}}
    state = {}
    pending = list(dag.task_ids)
    while pending:
        for task_id in pending:
            task = dag.get_task(task_id)
            if all(u in state for u in task.upstream_task_ids):
                break
        else:
            raise ValueError("cycle among %s" % pending)
        pending.remove(task_id)
        if task_id in state:  # skipped by a short circuit
            continue
        upstream = [state[u] for u in task.upstream_task_ids]
        if task.trigger_rule == "all_success" and any(s != "success" for s in upstream):
            state[task_id] = "upstream_failed" if any("failed" in s for s in upstream) else "skipped"
            continue
        if task.trigger_rule == "none_failed" and any("failed" in s for s in upstream):
            state[task_id] = "upstream_failed"
            continue
        if task_id in fail:
            state[task_id] = "failed"
            continue
        state[task_id] = "success"
        if isinstance(task, ShortCircuitOperator) and not task.call(context):
            _skip(dag, task, state, task.ignore_downstream_trigger_rules)
    return {t: state[t] for t in dag.task_ids}, context


def _skip(dag, task, state, everything):
    for d in task.downstream_task_ids:
        state[d] = "skipped"
        if everything:
            _skip(dag, dag.get_task(d), state, True)


def install():
    """Puts the stand-in modules where the DAG imports from (Airflow 2 and 3 paths)."""
    names = {
        "airflow": {"DAG": DAG},
        "airflow.models": {},
        "airflow.models.param": {"Param": Param},
        "airflow.operators": {},
        "airflow.operators.python": {"PythonOperator": PythonOperator,
                                     "ShortCircuitOperator": ShortCircuitOperator},
        "airflow.providers": {},
        "airflow.providers.apache": {},
        "airflow.providers.apache.spark": {},
        "airflow.providers.apache.spark.operators": {},
        "airflow.providers.apache.spark.operators.spark_submit": {"SparkSubmitOperator": SparkSubmitOperator},
    }
    for name, members in names.items():
        module = types.ModuleType(name)
        module.__dict__.update(members)
        sys.modules[name] = module
    # Airflow 3 paths are absent, as in Airflow 2: the DAG's fallback imports are exercised
    for name in ("airflow.sdk", "airflow.providers.standard", "airflow.providers.standard.operators",
                 "airflow.providers.standard.operators.python"):
        sys.modules.pop(name, None)
