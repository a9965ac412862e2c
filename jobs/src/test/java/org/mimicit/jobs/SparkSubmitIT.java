package org.mimicit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.SparkTestBase;

/**
 * The cluster jar as spark-submit runs it: {@code submit/spark-submit.sh} calls {@code
 * $SPARK_HOME/bin/spark-submit}, here a script that starts Spark's own entry point ({@code
 * org.apache.spark.deploy.SparkSubmit}) in a JVM of its own whose class path is only Spark's jars
 * from Maven (what a Spark distribution provides), with the cluster jar as the application. The
 * whole pipeline on the bundled sample proves the jar carries everything Spark does not (picocli,
 * our code, the prompts, FFmpeg's natives, service files, Spark's hadoop-cloud commit protocol,
 * which every job's Spark writes go through by default) and nothing that clashes with it.
 */
class SparkSubmitIT extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void runsThePipelineFromTheClusterJarThroughSparkSubmit() throws Exception {
    Path jobs = Path.of(System.getProperty("user.dir"));
    Path jar = ClusterJar.in(jobs.resolve("target"));
    Path launcher = jobs.resolve("target/launcher");
    Path sample = jobs.getParent().resolve("sample");
    String wh = tmp.resolve("wh").toString();
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
                "spark.sql.shuffle.partitions=4",
                "pipeline",
                "--input",
                sample.resolve("mimicit").toString(),
                "--warehouse",
                wh,
                "--output",
                tmp.resolve("export").toString(),
                "--sources",
                sample.resolve("sources").toString(),
                "--cache-from",
                sample.resolve("api-cache").toString(),
                "--annotations",
                sample.resolve("annotations/DC_dense_captions.jsonl").toString(),
                "--prompts",
                jobs.getParent().resolve("conf/prompts/dense_captions.json").toString()));
    Path log = tmp.resolve("spark-submit.log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    Process p = builder.start();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("spark-submit exit code; log:%n%s", ClusterJar.tail(log)).isZero();
    assertThat(Files.readString(log)).doesNotContain("ClassNotFoundException", "NoSuchMethodError");

    // convert-sources decodes the sample's H.264 and VP9 videos with FFmpeg's natives from the jar
    assertThat(spark.read().parquet(wh + "/images").count()).isEqualTo(41 + 5 + 4 + 7);
    assertThat(spark.read().parquet(wh + "/images").where("task = 'CS_DC'").count()).isEqualTo(7);
    assertThat(spark.read().parquet(wh + "/instructions").count()).isEqualTo(97 + 8);
    assertThat(spark.read().parquet(wh + "/incontext").count()).isEqualTo(97 + 8);
    assertThat(spark.read().parquet(wh + "/translations").count()).isEqualTo(24 * 7);
    assertThat(tmp.resolve("export/manifest.json")).exists();
    assertThat(tmp.resolve("export/parquet/LA/train-00000-of-00001.parquet")).exists();
    // the report, with the chart library the cluster jar carries inlined
    assertThat(Files.readString(Path.of(wh, "_report/index.html")))
        .contains("<section id=\"duplicates\">", "echarts.init(", "Apache ECharts 5.3.1");
  }
}
