package org.mimicit.jobs.multilingual;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.jobs.apistage.ApiLimits;

/** Warehouses and configs for the expansion tests. */
final class Fixtures {
  private Fixtures() {}

  /** Writes {@code instructions/task=<task>/} with rows of ins_id, instruction, answer. */
  static void writeInstructions(
      SparkSession spark, String warehouse, String task, String[][] rows) {
    StructType schema = InstructionSchema.SCHEMA.add(Partitions.TASK, "string");
    List<Row> list = new ArrayList<>();
    for (String[] r : rows) {
      list.add(
          RowFactory.create(
              r[0], r[1], r[2], new String[] {task + "_IMG_1"}, new String[0], null, "test", task));
    }
    spark
        .createDataFrame(list, schema)
        .write()
        .mode("append")
        .partitionBy(Partitions.TASK)
        .parquet(warehouse + "/" + InstructionSchema.TABLE);
  }

  /** Settings for the loopback server: short timeout and backoff so that tests run fast. */
  static ApiSettings api(String base, int maxAttempts, Duration timeout) {
    return new ApiSettings(
        ApiSettings.OPENAI,
        base,
        "sk-test-secret",
        null,
        null,
        "test-model",
        0,
        true,
        2048,
        timeout,
        maxAttempts,
        Duration.ofMillis(20),
        Duration.ofMillis(200));
  }

  static ExpandMultilingualConfig config(
      String warehouse,
      List<String> languages,
      ApiSettings api,
      int batchItems,
      int concurrency,
      boolean dryRun,
      List<String> cacheFrom) {
    return new ExpandMultilingualConfig(
        warehouse,
        Set.of(),
        languages,
        api,
        new ApiLimits(0, 0, concurrency),
        batchItems,
        null,
        cacheFrom,
        dryRun,
        0.5,
        0.5,
        30);
  }
}
