package org.mimicit.jobs.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.api.RequestKey;
import org.mimicit.common.testing.FakeChatServer;
import org.mimicit.common.testing.FakeChatServer.Call;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.jobs.ChildJvm;

/** Generation killed with SIGKILL part-way, then run again: nothing accepted is asked twice. */
class GenerateInstructionsKillIT extends SparkTestBase {
  private static final int ANNOTATIONS = 30;

  @TempDir Path tmp;

  @Test
  void resumesWithoutResendingAcceptedRequests() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < ANNOTATIONS; i++) {
      lines.add(
          "{\"id\": \"v_"
              + i
              + "\", \"sentences\": \"A boat number "
              + i
              + " crosses the lake. It stops.\"}");
    }
    Files.write(tmp.resolve("annotations.jsonl"), lines);
    GenerateInstructionsConfig config =
        GenerateInstructionsJobIT.config(tmp, "http://unused", List.of());
    Path cache = tmp.resolve("wh/_cache/api/generate");
    try (FakeChatServer server = new FakeChatServer()) {
      server.latencyMillis(150);
      Process child =
          ChildJvm.start(
              "local[2]",
              "generate-instructions",
              "--annotations",
              config.annotations(),
              "--prompts",
              config.prompts(),
              "--task",
              "DC",
              "--warehouse",
              config.warehouse(),
              "--api-base",
              server.base(),
              "--model",
              "test-model",
              "--max-concurrency",
              "2",
              "--conf",
              "spark.sql.shuffle.partitions=2");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (ChildJvm.cacheKeys(cache).size() < 6
          && child.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(child.isAlive()).as("the job must still run when it is killed").isTrue();
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Set<String> accepted = new HashSet<>(ChildJvm.cacheKeys(cache));
      assertThat(accepted).hasSizeGreaterThanOrEqualTo(6).hasSizeLessThan(ANNOTATIONS);
      assertThat(tmp.resolve("wh/instructions")).doesNotExist();
      server.clearCalls();

      GenerateInstructionsJob.Result result =
          GenerateInstructionsJob.run(
              spark, GenerateInstructionsJobIT.config(tmp, server.base(), List.of()));

      String promptSha =
          Prompt.read(config.prompts(), spark.sessionState().newHadoopConf()).sha256();
      assertThat(server.calls())
          .extracting(Call::query)
          .noneMatch(
              q ->
                  accepted.contains(
                      RequestKey.of("mimicit-generate-v1", "test-model", promptSha, q)));
      assertThat(server.calls()).hasSize(ANNOTATIONS - accepted.size());
      assertThat(result.pairs()).isEqualTo(ANNOTATIONS * 2L);
      assertThat(ChildJvm.cacheKeys(cache)).doesNotHaveDuplicates().hasSize(ANNOTATIONS);
    }
  }
}
