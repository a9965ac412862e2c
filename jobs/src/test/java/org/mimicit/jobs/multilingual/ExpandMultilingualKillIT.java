package org.mimicit.jobs.multilingual;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
import org.mimicit.common.testing.FakeChatServer.Item;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.jobs.ChildJvm;

/**
 * The expansion killed with SIGKILL part-way (a JVM of its own), then run again: the server's
 * request log shows that no request whose answer was accepted is sent again.
 */
class ExpandMultilingualKillIT extends SparkTestBase {
  private static final int ITEMS = 40;

  @TempDir Path tmp;

  @Test
  void resumesWithoutResendingAcceptedRequests() throws Exception {
    String wh = tmp.resolve("wh").toString();
    String[][] rows = new String[ITEMS][];
    for (int i = 0; i < ITEMS; i++) {
      rows[i] =
          new String[] {
            String.format("LA_INS_%05d", i),
            "What is object number " + i + "?",
            "It is a small wooden box with " + i + " coins in it."
          };
    }
    Fixtures.writeInstructions(spark, wh, "LA", rows);
    try (FakeChatServer server = new FakeChatServer()) {
      server.latencyMillis(150);
      Process child = startJob(wh, server.base());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (cacheLines(wh).size() < 8 && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(child.isAlive()).as("the job must still run when it is killed").isTrue();
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean-up
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

      Set<String> acceptedBeforeKill = new HashSet<>(cacheLines(wh));
      List<Call> firstRun = server.calls();
      assertThat(acceptedBeforeKill).hasSizeGreaterThanOrEqualTo(8).hasSizeLessThan(ITEMS * 2);
      assertThat(tmp.resolve("wh/translations")).doesNotExist();
      server.clearCalls();

      ExpandMultilingualJob.Result result =
          ExpandMultilingualJob.run(
              spark,
              Fixtures.config(
                  wh,
                  List.of("zh", "de"),
                  Fixtures.api(server.base(), 4, Duration.ofSeconds(10)),
                  1,
                  2,
                  false,
                  List.of()));

      String promptSha = Prompt.defaultTranslation().sha256();
      List<String> resent = new ArrayList<>();
      for (Call call : server.calls()) {
        for (Item item : call.items()) {
          for (String lang : call.languages()) {
            String key =
                RequestKey.translation(
                    "test-model", promptSha, lang, item.instruction(), item.answer());
            if (acceptedBeforeKill.contains(key)) {
              resent.add(item.id() + "/" + lang);
            }
          }
        }
      }
      assertThat(resent).as("accepted before the kill, asked again").isEmpty();
      assertThat(firstRun.size() + server.calls().size())
          .as("requests over both runs: one per item, plus at most the ones in flight at the kill")
          .isLessThanOrEqualTo(ITEMS + 2);
      assertThat(result.translated()).isEqualTo(ITEMS * 2L);
      assertThat(cacheLines(wh)).doesNotHaveDuplicates().hasSize(ITEMS * 2);
      assertThat(ExpandMultilingualJobIT.translations(wh))
          .hasSize(ITEMS * 2)
          .containsEntry(
              "LA_INS_00007/de",
              "[de] What is object number 7? | [de] It is a small wooden box with 7 coins in it.");
    }
  }

  private static List<String> cacheLines(String wh) throws IOException {
    return ChildJvm.cacheKeys(Path.of(wh, "_cache/api/translate"));
  }

  private static Process startJob(String warehouse, String base) throws IOException {
    return ChildJvm.start(
        "local[2]",
        "expand-multilingual",
        "--warehouse",
        warehouse,
        "--languages",
        "zh,de",
        "--api-base",
        base,
        "--model",
        "test-model",
        "--batch-items",
        "1",
        "--max-concurrency",
        "2",
        "--conf",
        "spark.sql.shuffle.partitions=2");
  }
}
