package org.mimicit.jobs.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.ingest.IngestResult;
import org.mimicit.common.ingest.TableSpec;
import org.mimicit.common.ingest.WarehouseIngest;
import org.mimicit.common.io.InputLayout;
import org.mimicit.common.warehouse.JobStats;
import org.mimicit.jobs.session.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The steps every ingest job shares: list tasks, read, write with rejects, commit, stats. */
public final class IngestRunner {
  private static final Logger LOG = LoggerFactory.getLogger(IngestRunner.class);

  private IngestRunner() {}

  public static IngestResult run(
      SparkSession spark,
      String job,
      String format,
      InputLayout.Kind kind,
      TableSpec table,
      IngestConfig config) {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    LOG.info(
        "{}: reading {} into {} (tasks: {})",
        job,
        config.input(),
        config.warehouse(),
        config.tasks().isEmpty() ? "all" : config.tasks());
    Set<String> tasks = new LinkedHashSet<>();
    InputLayout.list(spark.sessionState().newHadoopConf(), config.input(), kind, config.tasks())
        .forEach(f -> tasks.add(f.task()));
    if (tasks.isEmpty()) {
      throw new org.mimicit.common.error.MimicitException(
          "Cannot %s: no %s file found under %s (expected <input>/<TASK>/%s).",
          job,
          kind.name().toLowerCase(java.util.Locale.ROOT),
          config.input(),
          kind == InputLayout.Kind.IMAGES ? "<TASK>.json" : "<TASK>_instructions.json");
    }
    Dataset<Row> raw =
        spark.read().format(format).option("tasks", String.join(",", tasks)).load(config.input());
    return write(
        spark,
        job,
        table,
        config,
        new ProgressReporter(spark.sparkContext(), job, 10),
        () ->
            WarehouseIngest.run(
                spark, raw, table, config.warehouse(), tasks, config.maxRejectRatio()),
        stats -> {},
        started,
        startedAt);
  }

  /**
   * Runs {@code ingest} (a {@link WarehouseIngest#run} into {@code table}) with {@code progress}
   * logged until it ends, then writes {@code _stats/<job>.json} with what {@code moreStats} adds.
   */
  public static IngestResult write(
      SparkSession spark,
      String job,
      TableSpec table,
      IngestConfig config,
      ProgressReporter progress,
      Supplier<IngestResult> ingest,
      Consumer<ObjectNode> moreStats,
      long started,
      Instant startedAt) {
    IngestResult result;
    try (progress) {
      result = ingest.get();
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    ObjectNode stats =
        JobStats.header(
            job,
            startedAt,
            ms,
            JobStats.paths("input", config.input(), "warehouse", config.warehouse()));
    result.addTo(stats);
    moreStats.accept(stats);
    JobStats.write(spark.sessionState().newHadoopConf(), config.warehouse(), job, stats);
    LOG.info(
        "{}: {} records in, {} written to {}, {} rejected {} in {} ms",
        job,
        result.rowsIn(),
        result.rowsOut(),
        table.table(),
        result.rejected(),
        result.rejectedByReason(),
        ms);
    return result;
  }
}
