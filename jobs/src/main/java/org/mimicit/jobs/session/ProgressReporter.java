package org.mimicit.jobs.session;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the progress of a job at a steady interval: tasks done of the current stage, elapsed time.
 * Spark's own UI is off locally, so this is what a long local run shows.
 */
public final class ProgressReporter extends SparkListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  private final SparkContext sc;
  private final String job;
  private final long started = System.nanoTime();
  private final ScheduledExecutorService timer;
  private final AtomicLong tasksTotal = new AtomicLong();
  private final AtomicLong tasksDone = new AtomicLong();
  private final AtomicLong running = new AtomicLong();
  private volatile String stage = "starting";
  private volatile int stageId = -1;
  private final Supplier<String> detail;

  public ProgressReporter(SparkContext sc, String job, long intervalSeconds) {
    this(sc, job, intervalSeconds, () -> "");
  }

  /** As above; {@code detail} is appended to each line (e.g. files done, rate, ETA). */
  public ProgressReporter(
      SparkContext sc, String job, long intervalSeconds, Supplier<String> detail) {
    this.sc = sc;
    this.job = job;
    this.detail = detail;
    sc.addSparkListener(this);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mimicit-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::report, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    stageId = event.stageInfo().stageId(); // the newest stage; earlier ones may still finish
    tasksTotal.set(event.stageInfo().numTasks());
    tasksDone.set(0);
    running.set(0);
    String description =
        event.properties() == null ? null : event.properties().getProperty("spark.job.description");
    stage = description != null ? description : event.stageInfo().name();
  }

  @Override
  public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted event) {
    var info = event.stageInfo();
    long ms =
        info.completionTime().isDefined() && info.submissionTime().isDefined()
            ? (Long) info.completionTime().get() - (Long) info.submissionTime().get()
            : -1;
    LOG.info("{}: {} finished: {} tasks in {} ms", job, stage, info.numTasks(), ms);
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart event) {
    if (event.stageId() == stageId) {
      running.incrementAndGet();
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    if (event.stageId() != stageId) {
      return;
    }
    running.decrementAndGet();
    tasksDone.incrementAndGet();
  }

  private void report() {
    long elapsed = (System.nanoTime() - started) / 1_000_000_000L;
    LOG.info(
        "{}: {}: {}/{} tasks done, {} running, {}m{}s elapsed{}",
        job,
        stage,
        tasksDone.get(),
        tasksTotal.get(),
        Math.max(0, running.get()),
        elapsed / 60,
        elapsed % 60,
        detail.get());
  }

  @Override
  public void close() {
    timer.shutdownNow();
    sc.removeSparkListener(this);
  }
}
