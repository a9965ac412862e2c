package org.mimicit.jobs.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter;
import org.apache.spark.internal.io.cloud.PathOutputCommitProtocol;
import org.junit.jupiter.api.Test;
import org.mimicit.common.testing.SparkTestBase;

class JobSessionTest extends SparkTestBase {
  private static final String PROTOCOL = "spark.sql.sources.commitProtocolClass";
  private static final String CLASSIC =
      "org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol";

  @Test
  void writesCommitThroughHadoopCloudUnlessTheUserSaysOtherwise() {
    spark.conf().unset(PROTOCOL);
    assertThat(JobSession.start("test", Map.of()).conf().get(PROTOCOL))
        .isEqualTo(PathOutputCommitProtocol.class.getName());
    assertThat(spark.conf().get("spark.sql.parquet.output.committer.class"))
        .isEqualTo(BindingParquetOutputCommitter.class.getName());
    assertThat(JobSession.start("test", Map.of(PROTOCOL, CLASSIC)).conf().get(PROTOCOL))
        .isEqualTo(CLASSIC);
    // a setting the session has already is not overwritten by a default
    assertThat(JobSession.start("test", Map.of()).conf().get(PROTOCOL)).isEqualTo(CLASSIC);
    spark.conf().unset(PROTOCOL);
  }

  @Test
  void aWriteWithTheDefaultsLandsThroughTheClassicCommitterOnLocalDisk(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    spark.conf().unset(PROTOCOL);
    JobSession.start("test", Map.of()).range(10).write().parquet(tmp.resolve("t").toString());
    assertThat(spark.read().parquet(tmp.resolve("t").toString()).count()).isEqualTo(10);
    assertThat(tmp.resolve("t/_SUCCESS")).exists();
  }
}
