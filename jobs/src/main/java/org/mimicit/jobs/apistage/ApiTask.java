package org.mimicit.jobs.apistage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.mimicit.common.api.ApiCacheReader;
import org.mimicit.common.api.ApiCacheWriter;
import org.mimicit.common.api.ApiRunner;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.api.ChatClient;
import org.mimicit.common.api.RateLimiter;
import org.mimicit.common.warehouse.SerializableConf;

/**
 * One Spark task of an API stage, on an executor: feeds its rows as batches to an {@link ApiRunner}
 * within its share of the job's limits, with a cache file of its own, and returns the units it gave
 * up on. A retried task first reads what its failed attempts got accepted and does not ask for it
 * again.
 *
 * @param <B> a batch of the stage
 * @param <F> a unit given up on
 */
public abstract class ApiTask<B, F> implements MapPartitionsFunction<Row, Row> {
  /** On object stores (no flush), how often a cache file is closed and a new one started. */
  public static final int DEFAULT_CACHE_ROLL_SECONDS = 30;

  /** Where a stage's batches go. */
  public interface Sink<B> {
    void submit(B batch) throws InterruptedException;
  }

  private final ApiSettings settings;
  private final String cacheDir;
  private final SerializableConf conf;
  private final ApiAccumulators metrics;
  private final ApiShare share;
  private final int rollSeconds;

  protected ApiTask(
      ApiSettings settings,
      String cacheDir,
      SerializableConf conf,
      ApiAccumulators metrics,
      ApiShare share,
      int rollSeconds) {
    this.settings = settings;
    this.cacheDir = cacheDir;
    this.conf = conf;
    this.metrics = metrics;
    this.share = share;
    this.rollSeconds = rollSeconds;
  }

  /** This task's share of the job's limits. */
  public record ApiShare(double requestsPerMinute, double tokensPerMinute, int concurrency)
      implements java.io.Serializable {}

  protected ApiSettings settings() {
    return settings;
  }

  protected ApiAccumulators metrics() {
    return metrics;
  }

  protected abstract ApiRunner.Work<B> work(ApiCacheWriter cache, Consumer<F> failures);

  /** Turns rows into batches, leaving out units whose keys are in {@code done}. */
  protected abstract void feed(Iterator<Row> rows, Set<String> done, Sink<B> sink)
      throws InterruptedException;

  protected abstract Row toRow(F failure);

  @Override
  public Iterator<Row> call(Iterator<Row> rows) throws Exception {
    TaskContext ctx = TaskContext.get();
    String partition = ctx == null ? "part" : "part-" + ctx.stageId() + "-" + ctx.partitionId();
    String prefix = ctx == null ? partition : partition + "-" + ctx.attemptNumber();
    Set<String> done = ApiCacheReader.keysOf(conf.get(), cacheDir, partition + "-");
    ConcurrentLinkedQueue<F> failures = new ConcurrentLinkedQueue<>();
    RateLimiter limiter =
        new RateLimiter(
            share.requestsPerMinute(), share.tokensPerMinute(), RateLimiter.Clock.SYSTEM);
    try (ApiCacheWriter cache = new ApiCacheWriter(conf.get(), cacheDir, prefix, rollSeconds);
        ApiRunner<B> runner =
            new ApiRunner<>(
                ChatClient.of(settings),
                settings,
                limiter,
                share.concurrency(),
                metrics,
                work(cache, failures::add))) {
      feed(rows, done, runner::submit);
      runner.finish();
    }
    List<Row> out = new ArrayList<>(failures.size());
    for (F f : failures) {
      out.add(toRow(f));
    }
    return out.iterator();
  }
}
