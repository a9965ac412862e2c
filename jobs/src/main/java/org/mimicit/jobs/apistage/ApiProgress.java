package org.mimicit.jobs.apistage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Logs the API stage's progress at a steady interval: units done of the total, requests and tokens
 * per minute, retries, 429s, ETA. Running tasks' counts arrive with the executors' heartbeats
 * ({@code spark.executor.heartbeatInterval}), finished tasks' with their results.
 */
public final class ApiProgress extends SparkListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiProgress.class);

  private final SparkContext sc;
  private final String job;
  private final ApiAccumulators counts;
  private final long total;
  private final long started = System.nanoTime();
  private final ScheduledExecutorService timer;

  /** (task id, accumulator id) -> the value the task reported last. */
  private final Map<Long, Map<Long, Long>> running = new ConcurrentHashMap<>();

  private long lastAt = started;
  private long lastRequests;
  private long lastTokens;

  public ApiProgress(
      SparkContext sc, String job, ApiAccumulators counts, long total, long intervalSeconds) {
    this.sc = sc;
    this.job = job;
    this.counts = counts;
    this.total = total;
    sc.addSparkListener(this);
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mimicit-api-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::report, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate event) {
    for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> update :
        CollectionConverters.asJava(event.accumUpdates())) {
      long taskId = (Long) update._1();
      Map<Long, Long> values = running.computeIfAbsent(taskId, t -> new ConcurrentHashMap<>());
      for (AccumulableInfo info : CollectionConverters.asJava(update._4())) {
        if (info.update().isDefined() && info.update().get() instanceof Long v) {
          values.put(info.id(), v);
        }
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    running.remove(event.taskInfo().taskId()); // its final counts are in the accumulators now
  }

  /** The job-wide value: finished tasks' plus running tasks' latest. */
  long current(LongAccumulator acc) {
    long sum = acc.value();
    for (Map<Long, Long> values : running.values()) {
      sum += values.getOrDefault(acc.id(), 0L);
    }
    return sum;
  }

  void report() {
    long now = System.nanoTime();
    long done = current(counts.accepted) + current(counts.rejected);
    long requests = current(counts.sent);
    long tokens = current(counts.promptTokens) + current(counts.completionTokens);
    double minutes = Math.max((now - lastAt) / 60e9, 1e-9);
    double elapsed = (now - started) / 1e9;
    String eta = done == 0 ? "unknown" : formatSeconds((long) (elapsed * (total - done) / done));
    LOG.info(
        "{}: {}/{} done ({}%), {} rejected; {} requests/min, {} tokens/min; {} retries, {} 429s; "
            + "{} elapsed, ETA {}",
        job,
        done,
        total,
        total == 0 ? 100 : done * 100 / total,
        current(counts.rejected),
        Math.round((requests - lastRequests) / minutes),
        Math.round((tokens - lastTokens) / minutes),
        current(counts.retries),
        current(counts.rateLimited),
        formatSeconds((long) elapsed),
        eta);
    lastAt = now;
    lastRequests = requests;
    lastTokens = tokens;
  }

  private static String formatSeconds(long s) {
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format("%dm%02ds", s / 60, s % 60);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    sc.removeSparkListener(this);
  }
}
