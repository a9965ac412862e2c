package org.mimicit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the DAG's own test ({@code submit/airflow/test_mimicit_dag.py}): it imports {@code
 * mimicit_dag.py} against {@code airflow_facts.py} (a stand-in for Airflow, which cannot be
 * installed here, holding the real SparkSubmitOperator's template fields, argument names and
 * command-line building) and checks every task's rendered spark-submit command line for the API
 * key, untemplated templates, the schedule and the stage switches.
 */
class AirflowDagIT {
  @Test
  void theDagPassesItsOwnTestAgainstTheFactsOfAirflow() throws Exception {
    Path airflow = Path.of(System.getProperty("user.dir")).getParent().resolve("submit/airflow");
    Process p =
        new ProcessBuilder("python3", "-B", "-m", "unittest", "-v", "test_mimicit_dag.py")
            .directory(airflow.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("Ran 9 tests").contains("OK");
  }
}
