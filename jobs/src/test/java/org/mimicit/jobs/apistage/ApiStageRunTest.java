package org.mimicit.jobs.apistage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class ApiStageRunTest {
  @Test
  void resolvesARelativeCacheFolderOnTheDriverNotOnEachExecutor() {
    assertThat(ApiStageRun.qualified(new Configuration(), "wh/_cache/api/translate"))
        .isEqualTo("file:" + Path.of("").toAbsolutePath() + "/wh/_cache/api/translate");
    assertThat(ApiStageRun.qualified(new Configuration(), "file:/data/wh/_cache/api/translate"))
        .isEqualTo("file:/data/wh/_cache/api/translate");
  }
}
