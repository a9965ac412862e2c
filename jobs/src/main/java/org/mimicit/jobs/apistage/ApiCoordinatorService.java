package org.mimicit.jobs.apistage;

import java.time.Duration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.mimicit.common.api.ApiCoordinator;
import org.mimicit.common.api.CoordinatorClient;
import org.mimicit.common.api.CoordinatorServer;
import org.mimicit.common.api.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's API budget and unit claims on the driver, for the tasks of one API call: an {@link
 * ApiCoordinator} served over HTTP on the driver host ({@code spark.driver.host}, port {@code
 * spark.mimicit.api.coordinator.port}, default any free one), whose address and secret travel to
 * the executors in the task closure. Spark's word that a task attempt ended (finished, failed,
 * killed, or its executor lost) ends the attempt at once: its slots return and its claims pass on;
 * an attempt that goes silent for {@link #LEASE} ends by itself.
 */
final class ApiCoordinatorService extends SparkListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiCoordinatorService.class);

  /** How long a task attempt may stay silent (no heartbeat, no call) before it counts as ended. */
  static final Duration LEASE = Duration.ofSeconds(20);

  static final String PORT = "spark.mimicit.api.coordinator.port";

  private final SparkContext sc;
  private final ApiCoordinator coordinator;
  private final CoordinatorServer server;

  ApiCoordinatorService(SparkContext sc, ApiLimits limits, Duration requestTimeout) {
    this.sc = sc;
    SparkConf conf = sc.conf();
    String host = conf.get("spark.driver.host", "localhost");
    String bind = conf.get("spark.driver.bindAddress", host);
    int port = conf.getInt(PORT, 0);
    this.coordinator =
        new ApiCoordinator(
            limits.requestsPerMinute(),
            limits.tokensPerMinute(),
            limits.maxConcurrency(),
            LEASE.toNanos(),
            requestTimeout.toNanos(),
            RateLimiter.Clock.SYSTEM);
    this.server = new CoordinatorServer(coordinator, bind, port, host, LEASE.toMillis());
    sc.addSparkListener(this);
    LOG.info(
        "API coordinator at {}: {} requests/min, {} tokens/min (0: no limit), {} in flight, for"
            + " the whole job",
        server.address().uri(),
        Math.round(limits.requestsPerMinute()),
        Math.round(limits.tokensPerMinute()),
        limits.maxConcurrency());
  }

  CoordinatorClient.Address address() {
    return server.address();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    coordinator.ended(event.taskInfo().taskId());
  }

  @Override
  public void close() {
    LOG.info("API coordinator: {}", coordinator.claimSummary());
    sc.removeSparkListener(this);
    server.close();
  }
}
