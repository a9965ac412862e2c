package org.mimicit.jobs.multilingual;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.api.BatchSettings;
import org.mimicit.common.testing.FakeBatchServer;
import org.mimicit.common.testing.FakeChatServer;
import org.mimicit.common.testing.FakeChatServer.Fault;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.jobs.ChildJvm;
import org.mimicit.jobs.apistage.ApiLimits;

/**
 * expand-multilingual --mode batch against a misbehaving loopback Batch API: the same translations
 * and api_failed counts as an online run; killed with SIGKILL while polling and run again, every
 * custom id is submitted once.
 */
class ExpandMultilingualBatchIT extends SparkTestBase {
  private static final int ITEMS = 12;
  private static final String NEVER = "LA_INS_00005";

  @TempDir Path tmp;

  @Test
  void translatesAsOnlineThroughMisbehavingBatchesAndPricesTheBatchInADryRun() throws Exception {
    String online = tmp.resolve("online").toString();
    String batch = tmp.resolve("batch").toString();
    writeInstructions(online);
    writeInstructions(batch);
    ExpandMultilingualJob.Result onlineResult;
    try (FakeChatServer chat = new FakeChatServer()) {
      chat.faultRule(
          (n, items) ->
              items.stream().anyMatch(i -> i.id().equals(NEVER)) ? Fault.UNTRANSLATED : Fault.NONE);
      onlineResult = ExpandMultilingualJob.run(spark, config(online, chat.base(), null, false));
    }
    assertThat(
            ExpandMultilingualJob.run(spark, config(batch, "http://127.0.0.1:9/v1", null, true))
                .dryRun())
        .contains("at $0.5 per 1k tokens online, $")
        .contains(" with --mode batch (at $0.25 per 1k tokens, answered within 24 h)");
    try (FakeBatchServer server = new FakeBatchServer()) {
      server
          .failUploads(1)
          .pollsInProgress(2)
          .expireBatches(1)
          .errorLines(id -> id.hashCode() % 4 == 0 && !id.contains("."))
          .malformedLines(id -> id.hashCode() % 5 == 1 && !id.contains("."))
          .untranslated(i -> i.id().equals(NEVER));
      ExpandMultilingualJob.Result result =
          ExpandMultilingualJob.run(spark, config(batch, server.base(), batchMode(2), false));

      assertThat(ExpandMultilingualJobIT.translations(batch))
          .hasSize(ITEMS * 2 - 2)
          .isEqualTo(ExpandMultilingualJobIT.translations(online));
      assertThat(result.translated()).isEqualTo(onlineResult.translated()).isEqualTo(ITEMS * 2 - 2);
      assertThat(result.rejected()).isEqualTo(onlineResult.rejected()).isEqualTo(2);
      assertThat(
              spark
                  .read()
                  .parquet(batch + "/rejected/translations")
                  .where("reason = 'api_failed'")
                  .count())
          .isEqualTo(2);
      assertThat(server.submitted()).doesNotHaveDuplicates();
      assertThat(server.batches().size()).isGreaterThan(3);
    }
  }

  @Test
  void resumesTheBatchesOfAKilledRunAndSubmitsEveryCustomIdOnce() throws Exception {
    String wh = tmp.resolve("kill").toString();
    writeInstructions(wh);
    try (FakeBatchServer server = new FakeBatchServer()) {
      server.pollsInProgress(1_000_000);
      Process child =
          ChildJvm.start(
              "local[2]",
              "expand-multilingual",
              "--warehouse",
              wh,
              "--languages",
              "zh,de",
              "--api-base",
              server.base(),
              "--model",
              "test-model",
              "--batch-items",
              "2",
              "--mode",
              "batch",
              "--batch-max-requests",
              "2",
              "--batch-poll-interval",
              "0.05",
              "--conf",
              "spark.sql.shuffle.partitions=2");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (polls(server) < 6 && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(child.isAlive()).as("the job must still poll when it is killed").isTrue();
      child.destroyForcibly(); // SIGKILL while polling
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      List<String> beforeKill = server.submitted();
      assertThat(beforeKill).hasSize(ITEMS / 2);
      assertThat(recorded(wh, "batch.json")).hasSize(3);

      server.pollsInProgress(2);
      ExpandMultilingualJob.Result result =
          ExpandMultilingualJob.run(spark, config(wh, server.base(), batchMode(2), false));

      assertThat(server.submitted()).as("no custom id submitted twice").isEqualTo(beforeKill);
      assertThat(server.batches()).hasSize(3);
      assertThat(result.translated()).isEqualTo(ITEMS * 2);
      assertThat(ExpandMultilingualJobIT.translations(wh))
          .hasSize(ITEMS * 2)
          .containsEntry(
              "LA_INS_00007/de",
              "[de] What is object number 7? | [de] It is a small wooden box with 7 coins in it.");
      assertThat(ChildJvm.cacheKeys(Path.of(wh, "_cache/api/translate")))
          .doesNotHaveDuplicates()
          .hasSize(ITEMS * 2);
    }
  }

  private static long polls(FakeBatchServer server) {
    return server.log().stream().filter(l -> l.startsWith("GET /v1/batches/")).count();
  }

  private static List<Path> recorded(String wh, String name) throws IOException {
    try (Stream<Path> files = Files.walk(Path.of(wh, "_cache/api/translate/_batch"))) {
      return files.filter(p -> p.getFileName().toString().equals(name)).toList();
    }
  }

  static BatchSettings batchMode(int maxRequests) {
    return new BatchSettings(
        "batch",
        maxRequests,
        BatchSettings.API_MAX_BYTES,
        "24h",
        "batch",
        Duration.ofMillis(30),
        Duration.ofMillis(60),
        -1);
  }

  private static ExpandMultilingualConfig config(
      String wh, String base, BatchSettings batch, boolean dryRun) {
    ApiSettings api = Fixtures.api(base, 3, Duration.ofSeconds(10));
    return new ExpandMultilingualConfig(
        wh,
        Set.of(),
        List.of("zh", "de"),
        api,
        new ApiLimits(0, 0, 2),
        2,
        null,
        List.of(),
        dryRun,
        0.5,
        0.5,
        30,
        batch);
  }

  private void writeInstructions(String wh) {
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
  }
}
