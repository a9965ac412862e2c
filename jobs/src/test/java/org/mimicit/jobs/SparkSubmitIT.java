package org.mimicit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mimicit.common.testing.SparkTestBase;

/**
 * The cluster jar as spark-submit runs it: {@code submit/spark-submit.sh} calls {@code
 * $SPARK_HOME/bin/spark-submit}, here a script that starts Spark's own entry point ({@code
 * org.apache.spark.deploy.SparkSubmit}) in a JVM of its own whose class path is only Spark's jars
 * from Maven (what a Spark distribution provides), with the cluster jar as the application. The
 * whole pipeline on the bundled sample proves the jar carries everything Spark does not (picocli,
 * our code, the prompts, FFmpeg's natives, service files, Spark's hadoop-cloud commit protocol,
 * which every job's Spark writes go through by default) and nothing that clashes with it. The run
 * is {@link SampleRun}'s, which YarnClusterIT compares its YARN runs against.
 */
class SparkSubmitIT extends SparkTestBase {
  @Test
  void runsThePipelineFromTheClusterJarThroughSparkSubmit() throws Exception {
    SampleRun.Result run = SampleRun.get(); // submit/spark-submit.sh --master local[2] pipeline ...
    String wh = run.warehouse().toString();
    assertThat(Files.readString(run.log()))
        .doesNotContain("ClassNotFoundException", "NoSuchMethodError");

    // convert-sources decodes the sample's H.264 and VP9 videos with FFmpeg's natives from the jar
    assertThat(spark.read().parquet(wh + "/images").count()).isEqualTo(41 + 5 + 4 + 7);
    assertThat(spark.read().parquet(wh + "/images").where("task = 'CS_DC'").count()).isEqualTo(7);
    assertThat(spark.read().parquet(wh + "/instructions").count()).isEqualTo(97 + 8);
    assertThat(spark.read().parquet(wh + "/incontext").count()).isEqualTo(97 + 8);
    assertThat(spark.read().parquet(wh + "/translations").count()).isEqualTo(24 * 7);
    assertThat(run.export().resolve("manifest.json")).exists();
    assertThat(run.export().resolve("parquet/LA/train-00000-of-00001.parquet")).exists();
    // the report, with the chart library the cluster jar carries inlined
    assertThat(Files.readString(Path.of(wh, "_report/index.html")))
        .contains("<section id=\"duplicates\">", "echarts.init(", "Apache ECharts 5.3.1");
  }
}
