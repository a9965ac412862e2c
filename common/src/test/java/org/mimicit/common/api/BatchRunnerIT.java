package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.FakeBatchServer;
import org.mimicit.common.testing.FakeChatServer;

/**
 * The Batch API flow against a misbehaving loopback Batch API: every unit answered once, what a
 * batch left unanswered asked again under a new custom id, a run interrupted while polling resumed
 * without submitting anything twice.
 */
class BatchRunnerIT {
  private static final Configuration CONF = new Configuration();
  private static final List<String> LANGS = List.of("zh", "de");

  @TempDir Path tmp;

  private final ConcurrentLinkedQueue<TranslationWork.Failure> failures =
      new ConcurrentLinkedQueue<>();
  private final ApiRunnerTest.Counts counts = new ApiRunnerTest.Counts();

  @Test
  void answersEveryUnitThroughMisbehavingBatches() throws Exception {
    List<List<TranslationItem>> batches = batches(24, 2);
    try (FakeBatchServer server = new FakeBatchServer()) {
      server
          .failUploads(1)
          .pollsInProgress(3)
          .expireBatches(1)
          .errorLines(id -> id.hashCode() % 5 == 0 && !id.contains("."))
          .malformedLines(id -> id.hashCode() % 7 == 1 && !id.contains("."));
      BatchRunner<List<TranslationItem>> runner = runner(server.base(), 4, null);
      runner.run(sink -> batches.forEach(sink));

      assertThat(failures).isEmpty();
      assertThat(cacheKeys()).doesNotHaveDuplicates().hasSize(24 * 2);
      assertThat(server.submitted()).doesNotHaveDuplicates();
      assertThat(server.log()).contains("POST /v1/files", "GET /v1/batches/batch_2");
      List<String> firstTries =
          server.submitted().stream().filter(id -> !id.contains(".")).toList();
      assertThat(firstTries).hasSize(12);
      assertThat(server.batches().stream().map(FakeBatchServer.Batch::status))
          .contains("expired", "completed");
      assertThat(server.batches().size()).isGreaterThan(3); // 3 first tries, then the retries
      assertThat(counts.retries.get()).isGreaterThan(0);
    }
  }

  @Test
  void givesUpWhatNeverPassesAfterMaxAttempts() throws Exception {
    List<List<TranslationItem>> batches = batches(6, 1);
    try (FakeBatchServer server = new FakeBatchServer()) {
      server.untranslated(item -> item.id().equals("LA_INS_00003"));
      runner(server.base(), 50, null).run(sink -> batches.forEach(sink));

      assertThat(failures)
          .extracting(f -> f.id() + "/" + f.lang())
          .containsExactlyInAnyOrder("LA_INS_00003/zh", "LA_INS_00003/de");
      assertThat(failures)
          .allSatisfy(f -> assertThat(f.reason()).endsWith("(after 3 batch attempt(s))"));
      assertThat(cacheKeys()).hasSize(6 * 2 - 2);
      assertThat(server.submitted()).doesNotHaveDuplicates();
      assertThat(server.batches()).hasSize(3);
    }
  }

  @Test
  void resumesTheBatchesOfAnInterruptedRunAndSubmitsNothingTwice() throws Exception {
    List<List<TranslationItem>> batches = batches(10, 2);
    try (FakeBatchServer server = new FakeBatchServer()) {
      server.pollsInProgress(1_000_000).loseNextCreateReply();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread first =
          new Thread(
              () -> {
                try {
                  runner(server.base(), 2, null).run(sink -> batches.forEach(sink));
                } catch (InterruptedException expected) {
                  // the "kill"
                } catch (Throwable t) {
                  failed.set(t);
                }
              });
      first.start();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (server.log().stream().filter(l -> l.startsWith("GET /v1/batches/")).count() < 6
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      first.interrupt();
      first.join(10_000);
      assertThat(failed.get()).isNull();
      assertThat(server.batches()).hasSize(3); // the lost create reply did not create a 4th
      assertThat(cacheKeys()).isEmpty();

      server.pollsInProgress(2);
      BatchRunner<List<TranslationItem>> second = runner(server.base(), 2, null);
      second.run(sink -> {}); // the pending work: nothing, all of it is held by the batches
      assertThat(second.created()).isZero();
      assertThat(server.submitted()).doesNotHaveDuplicates().hasSize(5);
      assertThat(cacheKeys()).doesNotHaveDuplicates().hasSize(10 * 2);
      assertThat(Files.list(tmp.resolve("cache/_batch"))).hasSize(3);
      assertThat(BatchRunner.heldUnitFiles(CONF, tmp.resolve("cache").toString())).isEmpty();
    }
  }

  @Test
  void sendsWhatBatchesLeftUnansweredOnlineWhenAsked() throws Exception {
    List<List<TranslationItem>> batches = batches(8, 2);
    try (FakeBatchServer server = new FakeBatchServer();
        FakeChatServer chat = new FakeChatServer()) {
      server.errorLines(id -> true);
      ApiSettings online = settings(chat.base(), 3);
      BatchRunner.Online path =
          new BatchRunner.Online(
              ChatClient.of(online), new RateLimiter(0, 0, RateLimiter.Clock.SYSTEM), 2);
      runner(server.base(), 50, path).run(sink -> batches.forEach(sink));

      assertThat(failures).isEmpty();
      assertThat(cacheKeys()).doesNotHaveDuplicates().hasSize(8 * 2);
      assertThat(server.batches()).hasSize(1);
      assertThat(chat.calls()).hasSize(4);
    }
  }

  @Test
  void refusesAWindowTheApiDoesNotAccept() {
    assertThatThrownBy(
            () ->
                new BatchSettings(
                    "batch",
                    10,
                    1000,
                    "48h",
                    "batch",
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set --batch-window to '48h': the Batch API accepts only 24h.");
  }

  private BatchRunner<List<TranslationItem>> runner(
      String base, int maxRequests, BatchRunner.Online online) {
    ApiSettings api = settings(base, 3);
    BatchSettings batch =
        new BatchSettings(
            "batch",
            maxRequests,
            BatchSettings.API_MAX_BYTES,
            "24h",
            online == null ? "batch" : "online",
            Duration.ofMillis(20),
            Duration.ofMillis(40),
            -1);
    return new BatchRunner<>(
        BatchClient.of(api),
        api,
        batch,
        CONF,
        tmp.resolve("cache").toString(),
        30,
        counts,
        online,
        cache ->
            new TranslationWork(Prompt.defaultTranslation(), api, cache, counts, failures::add));
  }

  static ApiSettings settings(String base, int maxAttempts) {
    return new ApiSettings(
        ApiSettings.OPENAI,
        base,
        "sk-test",
        null,
        null,
        "test-model",
        0,
        true,
        2048,
        Duration.ofSeconds(10),
        maxAttempts,
        Duration.ofMillis(10),
        Duration.ofMillis(50));
  }

  /** {@code n} items in batches of {@code perBatch}, each to be translated into zh and de. */
  static List<List<TranslationItem>> batches(int n, int perBatch) {
    String sha = Prompt.defaultTranslation().sha256();
    List<List<TranslationItem>> batches = new ArrayList<>();
    List<TranslationItem> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = String.format("LA_INS_%05d", i);
      String instruction = "What is object number " + i + "?";
      String answer = "It is a small wooden box with " + i + " coins in it.";
      List<String> keys = new ArrayList<>();
      for (String lang : LANGS) {
        keys.add(RequestKey.translation("test-model", sha, lang, instruction, answer));
      }
      batch.add(new TranslationItem(id, instruction, answer, LANGS, keys));
      if (batch.size() == perBatch) {
        batches.add(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  private List<String> cacheKeys() throws Exception {
    List<String> keys = new ArrayList<>();
    Path dir = tmp.resolve("cache");
    if (!Files.isDirectory(dir)) {
      return keys;
    }
    Set<String> prefixes = new HashSet<>();
    try (var files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".jsonl"))
          .forEach(prefixes::add);
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String name : prefixes) {
      for (String line : Files.readAllLines(dir.resolve(name))) {
        keys.add(json.readTree(line).path("key").asText());
      }
    }
    return keys;
  }
}
