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
import org.mimicit.common.api.CoordinatorClient;
import org.mimicit.common.warehouse.SerializableConf;

/**
 * One Spark task attempt of an API stage, on an executor: feeds its rows as batches to an {@link
 * ApiRunner} whose requests take their start and slot from the job's budget on the driver ({@link
 * CoordinatorClient}, {@link ApiCoordinatorService}) and whose units are claimed there before they
 * are sent, with a cache file of its own, and returns the units it gave up on. An attempt first
 * registers with the coordinator, then reads what earlier attempts of its task got accepted and
 * does not ask for it again; units another attempt running at the same time (speculation) holds are
 * left to it.
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

  /**
   * What a task needs to take its part of the job's budget: where the driver's coordinator is, and
   * how many requests the task may have in flight at most (the job's limit: the coordinator keeps
   * the total under it, whatever the skew between tasks).
   */
  public record ApiShare(CoordinatorClient.Address coordinator, int concurrency)
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
    String partition = "part-" + ctx.stageId() + "-" + ctx.partitionId();
    String prefix = partition + "-" + ctx.attemptNumber();
    ConcurrentLinkedQueue<F> failures = new ConcurrentLinkedQueue<>();
    // registered before the cache is read: what another attempt persists from now on, the
    // coordinator tells; what it persisted before, the cache does
    try (CoordinatorClient coordinator =
            new CoordinatorClient(
                share.coordinator(),
                ctx.taskAttemptId(),
                partition,
                () -> ApiCacheReader.keysOf(conf.get(), cacheDir, partition + "-"));
        ApiCacheWriter cache = new ApiCacheWriter(conf.get(), cacheDir, prefix, rollSeconds);
        ApiRunner<B> runner =
            new ApiRunner<>(
                ChatClient.of(settings),
                settings,
                coordinator,
                coordinator,
                share.concurrency(),
                metrics,
                work(cache, failures::add))) {
      Set<String> done = ApiCacheReader.keysOf(conf.get(), cacheDir, partition + "-");
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
