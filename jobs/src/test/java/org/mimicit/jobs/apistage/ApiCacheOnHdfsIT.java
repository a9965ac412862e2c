package org.mimicit.jobs.apistage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.api.ApiCacheReader;
import org.mimicit.common.api.ApiCacheWriter;
import org.mimicit.common.testing.SparkTestBase;

/**
 * The API cache on HDFS (Hadoop's MiniDFSCluster) with a file its writer left open, as a task
 * killed with SIGKILL leaves it: the NameNode reports the file without its last block, so a plain
 * Spark read misses the flushed answers; the stage's read closes the file first and gets them all.
 */
class ApiCacheOnHdfsIT extends SparkTestBase {
  private static final StructType SCHEMA =
      new StructType().add("key", DataTypes.StringType).add("lang", DataTypes.StringType);

  @TempDir static Path tmp;

  private static MiniDFSCluster dfs;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
    dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    dfs.waitActive();
  }

  @AfterAll
  static void stopHdfs() {
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  @Test
  void aFileLeftOpenByAKilledTaskIsReadInFull() throws Exception {
    Configuration conf = new Configuration(dfs.getConfiguration(0));
    String dir = dfs.getURI() + "/wh/_cache/api/translate";
    // the writer has a client of its own, as an executor has; it is never closed, as after a kill
    Configuration writerConf = new Configuration(conf);
    writerConf.setBoolean("fs.hdfs.impl.disable.cache", true);
    ApiCacheWriter writer = new ApiCacheWriter(writerConf, dir, "part-3-0-0", 30);
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < 5; i++) {
      ObjectNode entry = json.createObjectNode().put("key", "k" + i).put("lang", "de");
      writer.append(entry);
    }
    // a retried task opens the file: it sees every flushed line
    assertThat(ApiCacheReader.keysOf(conf, dir, "part-3-"))
        .containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k4");
    // Spark splits files by the length the NameNode lists, which leaves the open block out
    assertThat(spark.read().schema(SCHEMA).json(dir).count()).isLessThan(5);

    assertThat(
            ApiStage.readCache(spark, conf, List.of(dir), SCHEMA, "lang").collectAsList().stream()
                .map(r -> r.getString(0))
                .sorted())
        .containsExactly("k0", "k1", "k2", "k3", "k4");
    DistributedFileSystem fs = (DistributedFileSystem) FileSystem.get(dfs.getURI(), conf);
    org.apache.hadoop.fs.Path file = fs.listStatus(new org.apache.hadoop.fs.Path(dir))[0].getPath();
    assertThat(fs.isFileClosed(file)).isTrue();
    // closing is done once: a second read finds nothing open
    assertThat(ApiCacheReader.closeLeftOpen(conf, dir, ApiCacheReader.LEASE_RECOVERY_TIMEOUT))
        .isEmpty();
  }
}
