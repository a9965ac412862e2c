package org.mimicit.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The overlays in conf/ are valid: every key a Spark setting or an option of a command. */
class ConfOverlaysTest {
  @Test
  void clusterPropertiesNameOnlyRealOptions() {
    String file =
        Path.of(System.getProperty("user.dir"))
            .getParent()
            .resolve("conf/cluster.properties")
            .toString();
    ConfFile conf = ConfFile.fromArgs("--conf-file", file);
    assertThat(conf.unknownKeys(Launcher.commandLine().getCommandSpec())).isEmpty();
    assertThat(ConfFile.sparkSettings(file))
        .containsEntry("spark.sql.sources.partitionOverwriteMode", "dynamic")
        .containsEntry("spark.hadoop.fs.s3a.committer.name", "magic");
  }
}
