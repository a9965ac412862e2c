package org.mimicit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole pipeline on the bundled sample, run once per test JVM through {@code
 * submit/spark-submit.sh} with the cluster jar in {@code local[2]} (a "Spark distribution" made of
 * Spark's jars from Maven): {@code SparkSubmitIT} checks it, and {@code YarnClusterIT} compares its
 * YARN runs against it, so the sample's pipeline runs locally once, not once per test class. Its
 * folders are read-only for the tests: copy before changing them.
 */
public final class SampleRun {
  /** The run's warehouse, export and spark-submit log. */
  public record Result(Path warehouse, Path export, Path log) {}

  private static Result result;

  private SampleRun() {}

  /** The run, made at the first call in this JVM. */
  public static synchronized Result get() throws IOException, InterruptedException {
    if (result == null) {
      result = run();
    }
    return result;
  }

  /**
   * The pipeline's arguments on the sample's inputs under {@code sample} (a folder or URI holding
   * mimicit, sources, api-cache and annotations) and the prompts file given.
   */
  public static List<String> pipeline(
      String sample, String prompts, String warehouse, String export) {
    return List.of(
        "pipeline",
        "--input",
        sample + "/mimicit",
        "--warehouse",
        warehouse,
        "--output",
        export,
        "--sources",
        sample + "/sources",
        "--cache-from",
        sample + "/api-cache",
        "--annotations",
        sample + "/annotations/DC_dense_captions.jsonl",
        "--prompts",
        prompts);
  }

  private static Result run() throws IOException, InterruptedException {
    Path jobs = Path.of(System.getProperty("user.dir"));
    Path jar = ClusterJar.in(jobs.resolve("target"));
    Path launcher = jobs.resolve("target/launcher");
    Path tmp = Files.createTempDirectory("mimicit-sample-run");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(tmp)));
    Path wh = tmp.resolve("wh");
    Path export = tmp.resolve("export");
    // A Spark "distribution" made of Spark's jars from Maven: bin/spark-submit runs SparkSubmit.
    Path sparkHome = tmp.resolve("spark");
    Path bin = Files.createDirectories(sparkHome.resolve("bin"));
    Files.writeString(
        bin.resolve("spark-submit"),
        "#!/bin/sh\nexec '"
            + ProcessHandle.current().info().command().orElse("java")
            + "' "
            + Files.readString(launcher.resolve("jvm-options.txt")).trim()
            + " -Xmx1g -cp '"
            + Files.readString(launcher.resolve("classpath-provided.txt")).trim()
            + "' org.apache.spark.deploy.SparkSubmit \"$@\"\n");
    bin.resolve("spark-submit").toFile().setExecutable(true);
    List<String> command =
        new ArrayList<>(
            List.of(
                jobs.getParent().resolve("submit/spark-submit.sh").toString(),
                "--master",
                "local[2]",
                "--deploy-mode",
                "client",
                "--driver-memory",
                "1g",
                "--jar",
                jar.toString(),
                "--spark-conf",
                "spark.ui.enabled=false",
                "--spark-conf",
                "spark.sql.shuffle.partitions=4"));
    command.addAll(
        pipeline(
            jobs.getParent().resolve("sample").toString(),
            jobs.getParent().resolve("conf/prompts/dense_captions.json").toString(),
            wh.toString(),
            export.toString()));
    Path log = tmp.resolve("spark-submit.log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    Process p = builder.start();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the sample's pipeline in 10 minutes").isTrue();
    assertThat(p.exitValue())
        .as("spark-submit of the sample's pipeline; log:%n%s", ClusterJar.tail(log))
        .isZero();
    return new Result(wh, export, log);
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind
    }
  }
}
