package org.mimicit.jobs.multilingual;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.FakeChatServer;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.jobs.ChildJvm;
import org.mimicit.jobs.ClusterJar;
import org.mimicit.jobs.StandaloneCluster;

/**
 * The expansion on a standalone cluster (a Master and two Workers on 127.0.0.2 and 127.0.0.3,
 * executors in JVMs of their own, the cluster jar as the application) with {@code
 * spark.speculation} on, against a slow server: the first task holds most of the work, so Spark
 * starts a second attempt of it on the other Worker while the first still runs. The driver's log
 * shows both attempts running and the second one refused the units the first one had in flight; the
 * server's log shows no item answered twice, and the table is exact.
 */
class ExpandMultilingualSpeculationIT extends SparkTestBase {
  private static final int ITEMS = 48;

  @TempDir Path tmp;

  @Test
  void aSpeculativeAttemptNeverAsksForWhatTheFirstAttemptHolds() throws Exception {
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
    long started = System.nanoTime();
    Fixtures.writeInstructions(spark, wh, "LA", rows);
    Path log4j = tmp.resolve("log4j2.properties");
    Files.writeString(
        log4j,
        String.join(
            "\n",
            "rootLogger.level = warn",
            "rootLogger.appenderRef.stdout.ref = console",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1}: %m%n",
            "logger.mimicit.name = org.mimicit",
            "logger.mimicit.level = info",
            "logger.tsm.name = org.apache.spark.scheduler.TaskSetManager",
            "logger.tsm.level = info",
            ""));
    Path jar = ClusterJar.in(Path.of(System.getProperty("user.dir"), "target"));
    Path driverLog = tmp.resolve("driver.log");
    try (StandaloneCluster cluster =
            new StandaloneCluster(tmp.resolve("cluster"), "127.0.0.2", "127.0.0.3");
        FakeChatServer server = new FakeChatServer()) {
      server.latencyMillis(400);
      System.err.printf("cluster up after %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
      Process driver =
          ChildJvm.start(
              driverLog,
              List.of("-Dlog4j2.configurationFile=" + log4j.toUri()),
              cluster.masterUrl(),
              "expand-multilingual",
              "--warehouse",
              wh,
              "--languages",
              "zh",
              "--api-base",
              server.base(),
              "--model",
              "test-model",
              "--batch-items",
              "1",
              "--max-concurrency",
              "4",
              "--conf",
              "spark.jars=" + jar,
              "--conf",
              "spark.driver.host=127.0.0.1",
              "--conf",
              "spark.executor.memory=512m",
              "--conf",
              "spark.executor.cores=1",
              "--conf",
              "spark.cores.max=2",
              "--conf",
              "spark.scheduler.minRegisteredResourcesRatio=1.0",
              "--conf",
              "spark.sql.shuffle.partitions=2",
              "--conf",
              "spark.default.parallelism=2",
              "--conf",
              "spark.mimicit.api.skew=0.9",
              "--conf",
              "spark.speculation=true",
              "--conf",
              "spark.speculation.interval=100ms",
              "--conf",
              "spark.speculation.quantile=0.5",
              "--conf",
              "spark.speculation.multiplier=1.2",
              "--conf",
              "spark.speculation.minTaskRuntime=500ms",
              "--conf",
              "spark.speculation.efficiency.enabled=false");
      boolean ended = driver.waitFor(150, TimeUnit.SECONDS);
      System.err.printf("driver done after %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
      if (!ended) {
        driver.destroyForcibly();
      }
      String log = Files.readString(driverLog);
      // what happened, for whoever reads the test's output
      log.lines()
          .filter(
              l ->
                  l.contains("speculat")
                      || l.matches(".*(Starting|Finished|Killed) task \\d+\\.\\d+ in stage.*")
                      || l.contains("API coordinator")
                      || l.contains("expand-multilingual"))
          .forEach(System.err::println);
      assertThat(ended && driver.exitValue() == 0)
          .as(
              "the driver ended with 0; its log:%n%s%nexecutors:%n%s",
              ClusterJar.tail(driverLog), cluster.executorLogs())
          .isTrue();

      // a second attempt of the API task ran while the first one still ran
      assertThat(log).containsPattern("Starting task \\d+\\.1 in stage");
      assertThat(log).containsPattern("attempt \\d+ of part-\\d+-\\d+ starts while attempt");
      // ... and was refused units the first attempt had in flight, which it would have sent again
      assertThat(log).containsPattern("API coordinator: [1-9]\\d* claim\\(s\\) of a unit another");

      ObjectNode stats = server.summary();
      assertThat(stats.path("duplicates").asInt()).as("items answered twice").isZero();
      assertThat(stats.path("units_answered").asInt()).isEqualTo(ITEMS);
      assertThat(ChildJvm.cacheKeys(Path.of(wh, "_cache/api/translate")))
          .doesNotHaveDuplicates()
          .hasSize(ITEMS);
      assertThat(ExpandMultilingualJobIT.translations(wh))
          .hasSize(ITEMS)
          .containsEntry(
              "LA_INS_00007/zh",
              FakeChatServer.translate("zh", "What is object number 7?")
                  + " | "
                  + FakeChatServer.translate("zh", "It is a small wooden box with 7 coins in it."));
    }
  }
}
