package org.mimicit.jobs.incontext;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.JobStats;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.WarehouseCommitter;
import org.mimicit.jobs.cli.JobCommand;
import org.mimicit.jobs.cli.Launcher;
import org.mimicit.jobs.cli.SparkOptions;
import org.mimicit.jobs.session.JobSession;
import org.mimicit.jobs.session.ProgressReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Resolves each instruction's related instructions ({@code rel_ins_ids}) into its in-context
 * examples. Input: the {@code instructions} and {@code images} tables. Output: {@code
 * incontext/task=<TASK>/} with the existing related ids in their given order (without the
 * instruction's own id, cut to {@code --max-context}), the dangling ones and the missing images:
 * ids only, so no instruction text goes through the join (export attaches the context examples'
 * text from {@code context_ins_ids}). All of it is Spark joins ({@link ContextJoin}); ids may point
 * across tasks. Re-running replaces only the tasks it joins.
 */
public final class JoinInContextJob {
  public static final String NAME = "join-incontext";

  private static final Logger LOG = LoggerFactory.getLogger(JoinInContextJob.class);

  private static final String PLANNED_WRITE = "spark.sql.optimizer.plannedWrite.enabled";
  private static final String CONCURRENT_WRITERS = "spark.sql.maxConcurrentOutputFileWriters";

  private static final String ADVISORY_PARTITION_SIZE =
      "spark.sql.adaptive.advisoryPartitionSizeInBytes";

  /** Files a write task keeps open at once (one per task) before Spark sorts the rest. */
  private static final int CONCURRENT_TASK_FILES = 16;

  /**
   * Shuffled relation entries per partition, compressed: about 50 MB to sort, which fits the
   * execution memory of a task with a 1 GB heap on 2 cores (64 MB, Spark's default, spills).
   */
  private static final String ENTRY_PARTITION_SIZE = "16m";

  private JoinInContextJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  public static void run(SparkSession spark, JoinInContextConfig config) {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    Configuration conf = spark.sessionState().newHadoopConf();
    Path staging = WarehouseCommitter.newStaging(config.warehouse(), InContextSchema.TABLE);
    ContextCounts counts = new ContextCounts();
    Map<String, Long> unknownTrainIds;
    try {
      Dataset<Row> instructions =
          spark.read().parquet(config.warehouse() + "/" + InstructionSchema.TABLE);
      Dataset<Row> images = InContextInputs.imageIds(spark, config.warehouse());
      Dataset<Row> train =
          config.policy() == Relations.REL
              ? InContextInputs.trainRelations(spark, instructions, config.trainConfig(), staging)
              : null;
      Dataset<Row> wanted = ContextJoin.wanted(instructions, config.tasks());
      Dataset<Row> declared =
          ContextJoin.declared(wanted, train, config.maxContext(), config.policy(), config.seed());
      unknownTrainIds = train == null ? Map.of() : unknownTrainIds(train, instructions);
      spark.sparkContext().register(counts, NAME + " counts");
      Dataset<Row> joined =
          ContextJoin.resolve(instructions, images, declared, config.maxContext(), counts);
      write(spark, joined, staging);
      InContextOutput.publish(conf, config, staging);
    } finally {
      WarehouseCommitter.deleteStaging(conf, staging);
    }
    if (config.writeTrainConfig() != null) {
      Dataset<Row> all = spark.read().parquet(config.warehouse() + "/" + InContextSchema.TABLE);
      TrainConfigWriter.write(
          spark,
          config.tasks().isEmpty()
              ? all
              : all.where(col(Partitions.TASK).isin(config.tasks().toArray())),
          config.writeTrainConfig());
    }
    List<Row> stats = counts.rows();
    Map<String, Long> selfReferences = counts.selfReferences();
    long ms = (System.nanoTime() - started) / 1_000_000;
    JobStats.write(
        spark.sessionState().newHadoopConf(),
        config.warehouse(),
        NAME,
        InContextOutput.statsDocument(
            startedAt, ms, config, stats, selfReferences, unknownTrainIds));
    InContextOutput.log(stats);
  }

  /** Per task: the ids of the train relations that name no instruction (left out, logged). */
  private static Map<String, Long> unknownTrainIds(Dataset<Row> train, Dataset<Row> instructions) {
    Map<String, Long> unknown =
        InContextOutput.countByTask(
            train
                .join(
                    instructions.select(Partitions.TASK, InstructionSchema.INS_ID),
                    ContextJoin.usingColumns(Partitions.TASK, InstructionSchema.INS_ID),
                    "left_anti")
                .select(col(Partitions.TASK), lit(1).as("n")));
    unknown.forEach(
        (task, n) ->
            LOG.warn(
                "{}: task {}: {} id(s) of the train config name no instruction and are left out",
                NAME,
                task,
                n));
    return unknown;
  }

  private static void write(SparkSession spark, Dataset<Row> joined, Path staging) {
    // The rows come out grouped by instruction, not by task: one open file per task and write
    // task instead of a sort of every row by task (Spark falls back to sorting past the limit).
    // Relation entries are sorted per instruction: partitions small enough to sort in memory.
    var sql = spark.conf();
    Map<String, String> before = new java.util.HashMap<>();
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put(PLANNED_WRITE, "false");
    settings.put(CONCURRENT_WRITERS, String.valueOf(CONCURRENT_TASK_FILES));
    if (!sql.contains(ADVISORY_PARTITION_SIZE)) {
      settings.put(ADVISORY_PARTITION_SIZE, ENTRY_PARTITION_SIZE);
    }
    try (ProgressReporter progress = new ProgressReporter(spark.sparkContext(), NAME, 10)) {
      spark.sparkContext().setJobDescription("join relations into contexts");
      settings.forEach(
          (key, value) -> {
            before.put(key, sql.contains(key) ? sql.get(key) : null);
            sql.set(key, value);
          });
      joined
          .write()
          // ids of one row each: a dictionary would only be built to be dropped
          .option("parquet.enable.dictionary", "false")
          .partitionBy(Partitions.TASK)
          .parquet(WarehouseCommitter.assembled(staging, InContextSchema.TABLE).toString());
    } finally {
      before.forEach(
          (key, value) -> {
            if (value == null) {
              sql.unset(key);
            } else {
              sql.set(key, value);
            }
          });
      spark.sparkContext().setJobDescription(null);
    }
  }

  /** {@code join-incontext}. */
  @Command(
      name = NAME,
      mixinStandardHelpOptions = true,
      description =
          "Related instructions (rel_ins_ids) -> incontext/task=<TASK>/ with ordered context"
              + " examples.")
  public static final class Cli implements JobCommand {
    @Option(
        names = "--warehouse",
        required = true,
        paramLabel = "DIR",
        description = "The warehouse with the instructions and images tables; local or s3a://.")
    String warehouse;

    @Option(
        names = "--tasks",
        split = ",",
        paramLabel = "TASK",
        description = "Only these tasks (default: all). Related ids may point into any task.")
    List<String> tasks = List.of();

    @Option(
        names = "--train-config",
        paramLabel = "PATH",
        description =
            "A <TASK>_train.json ({ins_id: [related ids]}) or a folder of them; replaces"
                + " rel_ins_ids for its tasks (default: the <TASK>_train.json files next to the"
                + " input, if any).")
    String trainConfig;

    @Option(
        names = "--max-context",
        paramLabel = "N",
        defaultValue = "2147483647",
        description = "At most this many context examples per instruction (default: all).")
    int maxContext;

    @Option(
        names = "--policy",
        paramLabel = "POLICY",
        defaultValue = "rel",
        description =
            "Where relations come from: rel (the train config, else rel_ins_ids), "
                + "same-images (instructions sharing an image), random (k others of the task, k = "
                + "--max-context or 7). Default: ${DEFAULT-VALUE}.")
    String policy;

    @Option(
        names = "--seed",
        paramLabel = "N",
        defaultValue = "0",
        description = "Seed of the random policy: the same seed gives the same relations.")
    long seed;

    @Option(
        names = "--write-train-config",
        paramLabel = "DIR",
        description =
            "Also write the relations in use as <DIR>/<TASK>_train.json, for the Otter trainer.")
    String writeTrainConfig;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() {
      JoinInContextConfig config =
          new JoinInContextConfig(
              warehouse,
              Set.copyOf(tasks),
              maxContext,
              trainConfig,
              Relations.parse(policy),
              seed,
              writeTrainConfig);
      run(JobSession.start(NAME, spark.conf()), config);
      return 0;
    }
  }
}
