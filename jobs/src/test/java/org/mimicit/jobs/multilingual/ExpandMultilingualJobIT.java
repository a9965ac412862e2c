package org.mimicit.jobs.multilingual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.testing.FakeChatServer;
import org.mimicit.common.testing.FakeChatServer.Call;
import org.mimicit.common.testing.FakeChatServer.Fault;
import org.mimicit.common.testing.FakeChatServer.Item;
import org.mimicit.common.testing.SparkTestBase;

/** expand-multilingual against a loopback server that misbehaves in every way SPEC §5 names. */
class ExpandMultilingualJobIT extends SparkTestBase {
  private static final List<String> LANGS = List.of("zh", "de", "ar");
  private static final String[][] ROWS = {
    {"LA_INS_00001", "What is in the picture?", "A red bus parked next to 2 bicycles."},
    {
      "LA_INS_00002",
      "<image> Describe the scene.",
      "Three people walk along a beach at 6.30 in the evening."
    },
    {"LA_INS_00003", "What colour is the cat?", "The cat is grey with white paws."},
    {
      "LA_INS_00004", "What is in the picture?", "A red bus parked next to 2 bicycles."
    }, // same text as 00001
    {
      "LA_INS_00005",
      "How many windows are there?",
      "There are 12 windows on the front of the house."
    },
    {"LA_INS_00006", "Is it raining?", "No, the sky is clear and the street is dry."},
    {
      "LA_INS_00007",
      "Where was this photo taken?",
      "In a small kitchen with a window over the sink."
    },
    {"LA_INS_00008", "What is the dog doing?", "It is lying on a blue rug and chewing a stick."},
    {"LA_INS_BAD01", "What time does the clock show?", "The clock shows a quarter past three."},
  };

  @TempDir Path tmp;

  @Test
  void everyTranslationEndsCorrectOrRejectedAndNothingIsAcceptedTwice() throws Exception {
    String wh = tmp.resolve("wh").toString();
    Fixtures.writeInstructions(spark, wh, "LA", ROWS);
    try (FakeChatServer server = new FakeChatServer()) {
      // each fault once, on the first requests without LA_INS_BAD01 (whichever they are: the
      // tasks send in parallel), and LA_INS_BAD01 never translated
      Fault[] faults = {
        Fault.RATE_LIMITED,
        Fault.SERVER_ERROR,
        Fault.SLOW,
        Fault.INVALID_JSON,
        Fault.CUT_REPLY,
        Fault.MISSING_LANGUAGE,
        Fault.UNTRANSLATED,
        Fault.NOT_JSON_CONTENT
      };
      java.util.concurrent.atomic.AtomicInteger good =
          new java.util.concurrent.atomic.AtomicInteger();
      server
          .retryAfterSeconds(1)
          .slowMillis(2500)
          .faultRule(
              (n, items) -> {
                if (items.stream().anyMatch(i -> i.id().equals("LA_INS_BAD01"))) {
                  return Fault.UNTRANSLATED;
                }
                int k = good.getAndIncrement();
                return k < faults.length ? faults[k] : Fault.NONE;
              });
      ExpandMultilingualJob.Result result =
          ExpandMultilingualJob.run(
              spark,
              Fixtures.config(
                  wh,
                  LANGS,
                  Fixtures.api(server.base(), 6, Duration.ofSeconds(1)),
                  2,
                  2,
                  false,
                  List.of()));

      assertThat(result.units()).isEqualTo(ROWS.length * 3L);
      assertThat(result.translated()).isEqualTo((ROWS.length - 1) * 3L);
      assertThat(result.rejected()).isEqualTo(3);
      Map<String, String> translations = translations(wh);
      for (String[] row : ROWS) {
        for (String lang : LANGS) {
          String key = row[0] + "/" + lang;
          if (row[0].equals("LA_INS_BAD01")) {
            assertThat(translations).doesNotContainKey(key);
          } else {
            assertThat(translations.get(key))
                .as(key)
                .isEqualTo(
                    FakeChatServer.translate(lang, row[1])
                        + " | "
                        + FakeChatServer.translate(lang, row[2]));
          }
        }
      }
      List<Row> rejected =
          spark.read().parquet(wh + "/rejected/translations").orderBy("detail").collectAsList();
      assertThat(rejected)
          .hasSize(3)
          .allSatisfy(
              r -> {
                assertThat(r.<String>getAs("id")).isEqualTo("LA_INS_BAD01");
                assertThat(r.<String>getAs("reason")).isEqualTo("api_failed");
                assertThat(r.<String>getAs("task")).isEqualTo("LA");
              });
      assertThat(rejected.get(0).<String>getAs("detail"))
          .startsWith("lang=ar: LA_INS_BAD01 ar: instruction not in ar script")
          .endsWith("(after 6 attempts)");
      assertThat(rejected.get(1).<String>getAs("detail")).contains("untranslated");

      List<Call> calls = server.calls();
      assertThat(calls)
          .extracting(Call::fault)
          .contains(
              Fault.RATE_LIMITED,
              Fault.SERVER_ERROR,
              Fault.SLOW,
              Fault.INVALID_JSON,
              Fault.CUT_REPLY,
              Fault.MISSING_LANGUAGE,
              Fault.UNTRANSLATED,
              Fault.NOT_JSON_CONTENT);
      assertThat(calls)
          .allSatisfy(
              c -> {
                assertThat(c.auth()).isEqualTo("Bearer sk-test-secret");
                assertThat(c.path()).isEqualTo("/v1/chat/completions");
                assertThat(c.maxTokens()).isPositive();
              });
      // a reply given in full (fault NONE) is accepted, so no item and language is answered twice
      Map<String, Integer> answered = new HashMap<>();
      for (Call c : calls) {
        if (c.fault() == Fault.NONE) {
          for (Item i : c.items()) {
            for (String lang : c.languages()) {
              answered.merge(i.instruction() + "|" + i.answer() + "|" + lang, 1, Integer::sum);
            }
          }
        }
      }
      assertThat(answered.values()).allMatch(n -> n == 1);
      // identical texts are asked once, under the smaller id
      assertThat(calls)
          .flatExtracting(Call::items)
          .extracting(Item::id)
          .doesNotContain("LA_INS_00004");
      assertThat(cacheKeys(wh)).doesNotHaveDuplicates().hasSize((ROWS.length - 2) * 3);

      JsonNode stats =
          new ObjectMapper().readTree(tmp.resolve("wh/_stats/expand-multilingual.json").toFile());
      assertThat(stats.path("rejected").path("api_failed").asLong()).isEqualTo(3);
      assertThat(stats.path("api_calls").path("http_429").asLong()).isGreaterThanOrEqualTo(1);
      assertThat(stats.path("api_calls").path("retries").asLong()).isGreaterThanOrEqualTo(8);
      assertThat(stats.path("tasks").path("LA").path("zh").path("rows_out").asLong())
          .isEqualTo(ROWS.length - 1);

      // a re-run sends only what is not accepted yet: the rejected item, and nothing else
      server.clearCalls();
      server.faultRule((n, items) -> Fault.NONE);
      ExpandMultilingualJob.Result again =
          ExpandMultilingualJob.run(
              spark,
              Fixtures.config(
                  wh,
                  LANGS,
                  Fixtures.api(server.base(), 4, Duration.ofSeconds(1)),
                  2,
                  2,
                  false,
                  List.of()));
      assertThat(server.calls())
          .flatExtracting(Call::items)
          .extracting(Item::id)
          .containsOnly("LA_INS_BAD01");
      assertThat(again.translated()).isEqualTo(ROWS.length * 3L);
      assertThat(tmp.resolve("wh/rejected/translations/task=LA"))
          .doesNotExist(); // replaced by nothing
      assertThat(cacheKeys(wh)).doesNotHaveDuplicates().hasSize((ROWS.length - 1) * 3);
    }
  }

  @Test
  void dryRunCountsRequestsAndSendsNothing() {
    String wh = tmp.resolve("dry").toString();
    Fixtures.writeInstructions(spark, wh, "LA", ROWS);
    try (FakeChatServer server = new FakeChatServer()) {
      ExpandMultilingualJob.Result result =
          ExpandMultilingualJob.run(
              spark,
              Fixtures.config(
                  wh,
                  LANGS,
                  Fixtures.api(server.base(), 4, Duration.ofSeconds(5)),
                  3,
                  2,
                  true,
                  List.of()));
      assertThat(server.calls()).isEmpty();
      assertThat(result.dryRun())
          .contains("24 text(s) x language(s) to translate (8 distinct texts)")
          .contains("Nothing was sent");
      // 8 texts in batches of 3, planned per partition (two here): 3 or 4 requests
      assertThat(result.dryRun()).containsPattern(" in [34] request\\(s\\) of up to 3 item\\(s\\)");
      assertThat(tmp.resolve("dry/translations")).doesNotExist();

      java.io.StringWriter out = new java.io.StringWriter();
      assertThat(
              org.mimicit.jobs.Main.execute(
                  new java.io.PrintWriter(out, true),
                  new java.io.PrintWriter(System.err, true),
                  "expand-multilingual",
                  "--warehouse",
                  wh,
                  "--languages",
                  "zh,de,ar",
                  "--api-base",
                  server.base(),
                  "--batch-items",
                  "3",
                  "--dry-run",
                  "--price-per-1k-tokens",
                  "0.5"))
          .isZero();
      assertThat(out.toString())
          .startsWith("expand-multilingual --dry-run: 24 text(s) x language(s) to translate")
          .contains("at $0.5 per 1k tokens");
      assertThat(server.calls()).isEmpty();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aRefusedKeyFailsTheJobWithTheFixAndCommitsNothing() throws Exception {
    String wh = tmp.resolve("auth").toString();
    Fixtures.writeInstructions(spark, wh, "LA", ROWS);
    try (FakeChatServer server = new FakeChatServer()) {
      server.faultRule((n, items) -> Fault.UNAUTHORIZED);
      assertThatThrownBy(
              () ->
                  ExpandMultilingualJob.run(
                      spark,
                      Fixtures.config(
                          wh,
                          LANGS,
                          Fixtures.api(server.base(), 4, Duration.ofSeconds(5)),
                          3,
                          2,
                          false,
                          List.of())))
          .hasStackTraceContaining(
              "HTTP 401: {\"error\":{\"message\":\"Incorrect API key provided\"}}")
          .hasStackTraceContaining("Check the API base, the key (OPENAI_API_KEY or --api-key)")
          .hasStackTraceContaining(MimicitException.class.getName());
      assertThat(tmp.resolve("auth/translations")).doesNotExist();
      assertThat(server.calls().size()).isLessThanOrEqualTo(2); // one per task: no retries of a 401
    }
  }

  @Test
  void offlineAnswersFromARecordedCacheAndReportsTheRestAsNotTranslated() throws Exception {
    String recording = tmp.resolve("recording").toString();
    Fixtures.writeInstructions(spark, recording, "LA", ROWS);
    try (FakeChatServer server = new FakeChatServer()) {
      ExpandMultilingualJob.run(
          spark,
          Fixtures.config(
              recording,
              List.of("zh", "de"),
              Fixtures.api(server.base(), 4, Duration.ofSeconds(5)),
              3,
              2,
              false,
              List.of()));
      server.clearCalls();

      String wh = tmp.resolve("offline").toString();
      Fixtures.writeInstructions(spark, wh, "LA", ROWS);
      ExpandMultilingualJob.Result result =
          ExpandMultilingualJob.run(
              spark,
              Fixtures.config(
                  wh,
                  List.of("zh", "de", "ja"),
                  Fixtures.api(null, 4, Duration.ofSeconds(5)),
                  3,
                  2,
                  false,
                  List.of(recording + "/_cache/api/translate")));
      assertThat(server.calls()).isEmpty();
      assertThat(result.translated()).isEqualTo(ROWS.length * 2L);
      assertThat(result.offline()).isEqualTo(ROWS.length);
      assertThat(result.rejected()).isZero();
      assertThat(translations(wh))
          .containsEntry(
              "LA_INS_00004/zh",
              FakeChatServer.translate("zh", ROWS[3][1])
                  + " | "
                  + FakeChatServer.translate("zh", ROWS[3][2]));
      assertThat(tmp.resolve("offline/translations/task=LA/lang=ja")).doesNotExist();
      assertThat(tmp.resolve("offline/_cache")).doesNotExist(); // nothing new was accepted

      // a language with nothing translated leaves no folder behind, not even an empty one
      ExpandMultilingualJob.run(
          spark,
          Fixtures.config(
              wh,
              List.of("ko"),
              Fixtures.api(null, 4, Duration.ofSeconds(5)),
              3,
              2,
              false,
              List.of()));
      assertThat(tmp.resolve("offline/translations/task=LA/lang=ko")).doesNotExist();
      assertThat(tmp.resolve("offline/translations/task=LA/lang=zh")).exists();
    }
  }

  static Map<String, String> translations(String wh) {
    return spark.read().parquet(wh + "/translations").collectAsList().stream()
        .collect(
            Collectors.toMap(
                r -> r.<String>getAs("ins_id") + "/" + r.getAs("lang"),
                r -> r.<String>getAs("instruction") + " | " + r.<String>getAs("answer")));
  }

  static List<String> cacheKeys(String wh) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(wh, "_cache/api/translate"))) {
      for (Path f : files.toList()) {
        for (String line : Files.readAllLines(f)) {
          keys.add(json.readTree(line).path("key").asText());
        }
      }
    }
    return keys;
  }
}
