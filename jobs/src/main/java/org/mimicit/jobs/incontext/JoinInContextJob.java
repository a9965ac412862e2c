package org.mimicit.jobs.incontext;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.error.Preconditions;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.schema.RejectedSchema;
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
 * instruction's own id, cut to {@code --max-context}), the dangling ones, the missing images, and
 * the context examples themselves, so export needs no second join. All of it is Spark joins:
 * relations are exploded with their position, joined, and gathered back in order; ids may point
 * across tasks. Re-running replaces only the tasks it joins.
 */
public final class JoinInContextJob {
  public static final String NAME = "join-incontext";

  /** Context examples the random policy draws when --max-context is not given. */
  static final int DEFAULT_RANDOM_K = 7;

  private static final Logger LOG = LoggerFactory.getLogger(JoinInContextJob.class);
  private static final String TRAIN = "train";
  private static final String TASK_PREFIX = Partitions.TASK + "=";

  private JoinInContextJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  /** What the job joins; validated on construction. */
  public record Config(
      String warehouse,
      Set<String> tasks,
      int maxContext,
      String trainConfig,
      Relations policy,
      long seed,
      String writeTrainConfig) {
    public Config {
      Preconditions.checkArgument(
          warehouse != null && !warehouse.isBlank(), "Cannot join: --warehouse is empty.");
      Preconditions.checkArgument(
          maxContext >= 0,
          "Cannot set --max-context to %s, the value must be 0 or more.",
          maxContext);
      Preconditions.checkArgument(policy != null, "Cannot join: no --policy.");
      tasks = Set.copyOf(tasks);
    }

    /** Every task, policy rel, train configs found next to the input, no cut. */
    public static Config defaults(String warehouse) {
      return new Config(warehouse, Set.of(), Integer.MAX_VALUE, null, Relations.REL, 0, null);
    }
  }

  public static void run(SparkSession spark, Config config) {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    Configuration conf = spark.sessionState().newHadoopConf();
    Path staging = WarehouseCommitter.newStaging(config.warehouse(), InContextSchema.TABLE);
    Map<String, Long> selfReferences;
    Map<String, Long> unknownTrainIds;
    try {
      Dataset<Row> instructions =
          spark.read().parquet(config.warehouse() + "/" + InstructionSchema.TABLE);
      Dataset<Row> images = imageIds(spark, config.warehouse());
      Dataset<Row> train =
          config.policy() == Relations.REL
              ? trainRelations(spark, instructions, config.trainConfig(), staging)
              : null;
      Dataset<Row> wanted = wanted(instructions, config.tasks());
      Dataset<Row> declared =
          declared(wanted, train, config.maxContext(), config.policy(), config.seed());
      selfReferences =
          countByTask(
              declared.select(
                  col(Partitions.TASK),
                  size(org.apache.spark.sql.functions.filter(
                          col(InstructionSchema.REL_INS_IDS),
                          x -> x.equalTo(col(InstructionSchema.INS_ID))))
                      .as("n")));
      unknownTrainIds =
          train == null
              ? Map.of()
              : countByTask(
                  train
                      .join(
                          instructions.select(Partitions.TASK, InstructionSchema.INS_ID),
                          usingColumns(Partitions.TASK, InstructionSchema.INS_ID),
                          "left_anti")
                      .select(col(Partitions.TASK), lit(1).as("n")));
      unknownTrainIds.forEach(
          (task, n) ->
              LOG.warn(
                  "{}: task {}: {} id(s) of the train config "
                      + "name no instruction and are left out",
                  NAME,
                  task,
                  n));
      Dataset<Row> joined = resolve(instructions, images, wanted, declared, config.maxContext());
      try (ProgressReporter progress = new ProgressReporter(spark.sparkContext(), NAME, 10)) {
        spark.sparkContext().setJobDescription("join relations into contexts");
        joined
            .write()
            .partitionBy(Partitions.TASK)
            .parquet(WarehouseCommitter.assembled(staging, InContextSchema.TABLE).toString());
      } finally {
        spark.sparkContext().setJobDescription(null);
      }
      publish(conf, config, staging);
    } finally {
      WarehouseCommitter.deleteStaging(conf, staging);
    }
    Dataset<Row> all = spark.read().parquet(config.warehouse() + "/" + InContextSchema.TABLE);
    Dataset<Row> written =
        config.tasks().isEmpty()
            ? all
            : all.where(col(Partitions.TASK).isin(config.tasks().toArray()));
    if (config.writeTrainConfig() != null) {
      TrainConfigWriter.write(spark, written, config.writeTrainConfig());
    }
    List<Row> stats = stats(written).collectAsList();
    JobStats.write(
        spark.sessionState().newHadoopConf(),
        config.warehouse(),
        NAME,
        statsDocument(
            startedAt,
            (System.nanoTime() - started) / 1_000_000,
            config,
            stats,
            selfReferences,
            unknownTrainIds));
    stats.forEach(
        r ->
            LOG.info(
                "{}: task {}: {} instructions, context length mean {} max {}, "
                    + "{} dangling relations, {} with missing images",
                NAME,
                r.getString(0),
                r.getLong(1),
                String.format(java.util.Locale.ROOT, "%.2f", r.isNullAt(2) ? 0.0 : r.getDouble(2)),
                r.isNullAt(3) ? 0 : r.getInt(3),
                r.getLong(4),
                r.getLong(5)));
  }

  /**
   * The in-context rows of {@code instructions} (all tasks are looked up, only {@code tasks} are
   * joined; all when empty). Pure: no actions.
   */
  static Dataset<Row> contexts(
      Dataset<Row> instructions,
      Dataset<Row> imageIds,
      Dataset<Row> train,
      Set<String> tasks,
      int maxContext,
      Relations policy,
      long seed) {
    Dataset<Row> wanted = wanted(instructions, tasks);
    return resolve(
        instructions,
        imageIds,
        wanted,
        declared(wanted, train, maxContext, policy, seed),
        maxContext);
  }

  private static Dataset<Row> wanted(Dataset<Row> instructions, Set<String> tasks) {
    return tasks.isEmpty()
        ? instructions
        : instructions.where(col(Partitions.TASK).isin(tasks.toArray()));
  }

  /** The relations the policy gives: rows {@code task, ins_id, rel_ins_ids}. */
  private static Dataset<Row> declared(
      Dataset<Row> wanted, Dataset<Row> train, int maxContext, Relations policy, long seed) {
    return switch (policy) {
      case REL -> declaredRelations(wanted, train);
      case SAME_IMAGES -> Relations.sameImages(wanted);
      case RANDOM ->
          Relations.random(
              wanted, maxContext == Integer.MAX_VALUE ? DEFAULT_RANDOM_K : maxContext, seed);
    };
  }

  /**
   * Policy {@code rel}: a task's train config replaces its {@code rel_ins_ids} (instructions it
   * leaves out get none; ids it names that are no instruction are left out).
   */
  private static Dataset<Row> declaredRelations(Dataset<Row> wanted, Dataset<Row> train) {
    Dataset<Row> declared =
        wanted.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            col(InstructionSchema.REL_INS_IDS));
    if (train != null) {
      Dataset<Row> trainTasks = train.select(Partitions.TASK).distinct();
      declared =
          declared
              .join(trainTasks, usingColumns(Partitions.TASK), "left_anti")
              .unionByName(
                  train
                      .join(
                          declared.select(Partitions.TASK, InstructionSchema.INS_ID),
                          usingColumns(Partitions.TASK, InstructionSchema.INS_ID),
                          "inner")
                      .select(
                          Partitions.TASK,
                          InstructionSchema.INS_ID,
                          InstructionSchema.REL_INS_IDS));
    }
    return declared;
  }

  /** Joins declared relations (task, ins_id, rel_ins_ids) into the in-context rows of wanted. */
  private static Dataset<Row> resolve(
      Dataset<Row> instructions,
      Dataset<Row> imageIds,
      Dataset<Row> wanted,
      Dataset<Row> declared,
      int maxContext) {
    // (task, ins_id, pos, rel_id), self-references and repeats dropped, first position kept
    Dataset<Row> relations =
        declared
            .select(
                col(Partitions.TASK),
                col(InstructionSchema.INS_ID),
                posexplode(col(InstructionSchema.REL_INS_IDS)).as(new String[] {"pos", "rel_id"}))
            .where(col("rel_id").notEqual(col(InstructionSchema.INS_ID)))
            .groupBy(Partitions.TASK, InstructionSchema.INS_ID, "rel_id")
            .agg(min("pos").as("pos"));
    Dataset<Row> examples =
        instructions.select(
            col(InstructionSchema.INS_ID).as("rel_id"),
            struct(
                    col(InstructionSchema.INS_ID),
                    col(InstructionSchema.INSTRUCTION),
                    col(InstructionSchema.ANSWER),
                    col(InstructionSchema.IMAGE_IDS))
                .as("example"));
    Dataset<Row> resolved =
        relations
            .join(examples, relations.col("rel_id").equalTo(examples.col("rel_id")), "left")
            .select(
                relations.col(Partitions.TASK),
                relations.col(InstructionSchema.INS_ID),
                relations.col("pos"),
                relations.col("rel_id"),
                col("example"));
    Column found = col("example").isNotNull();
    Dataset<Row> gathered =
        resolved
            .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
            .agg(
                sort_array(collect_list(when(found, struct(col("pos"), col("example")))))
                    .as("found"),
                sort_array(
                        collect_list(
                            when(
                                org.apache.spark.sql.functions.not(found),
                                struct(col("pos"), col("rel_id")))))
                    .as("missing"));
    Dataset<Row> withContext =
        wanted
            .select(
                col(Partitions.TASK),
                col(InstructionSchema.INS_ID),
                col(InstructionSchema.IMAGE_IDS))
            .join(gathered, usingColumns(Partitions.TASK, InstructionSchema.INS_ID), "left")
            .select(
                col(Partitions.TASK),
                col(InstructionSchema.INS_ID),
                col(InstructionSchema.IMAGE_IDS),
                slice(
                        transform(orEmpty("found", gathered), e -> e.getField("example")),
                        1,
                        maxContext)
                    .as(InContextSchema.CONTEXT),
                transform(orEmpty("missing", gathered), e -> e.getField("rel_id"))
                    .as(InContextSchema.MISSING_INS_IDS));
    // image ids of the instruction and of its (cut) context that no image row has
    Dataset<Row> imageRefs =
        withContext.select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            explode(
                    array_distinct(
                        flatten(
                            org.apache.spark.sql.functions.array(
                                col(InstructionSchema.IMAGE_IDS),
                                flatten(
                                    transform(
                                        col(InContextSchema.CONTEXT),
                                        e -> e.getField(InstructionSchema.IMAGE_IDS)))))))
                .as("image_id"));
    Dataset<Row> missingImages =
        imageRefs
            .join(
                imageIds.distinct(),
                imageRefs.col("image_id").equalTo(imageIds.col(ImageSchema.IMAGE_ID)),
                "left_anti")
            .groupBy(Partitions.TASK, InstructionSchema.INS_ID)
            .agg(sort_array(collect_list(col("image_id"))).as(InContextSchema.MISSING_IMAGE_IDS));
    return withContext
        .join(missingImages, usingColumns(Partitions.TASK, InstructionSchema.INS_ID), "left")
        .select(
            col(InstructionSchema.INS_ID),
            transform(col(InContextSchema.CONTEXT), e -> e.getField(InstructionSchema.INS_ID))
                .as(InContextSchema.CONTEXT_INS_IDS),
            col(InContextSchema.MISSING_INS_IDS),
            orEmpty(InContextSchema.MISSING_IMAGE_IDS, missingImages)
                .as(InContextSchema.MISSING_IMAGE_IDS),
            col(InContextSchema.CONTEXT),
            col(Partitions.TASK));
  }

  /**
   * Swaps in the partitions the run wrote: {@code incontext/task=T} for each task joined (each task
   * asked for, or each that got rows), and {@code rejected/train/task=T} for those and for each
   * task whose train file had bad records, so a task whose train file is clean now loses its old
   * rejects. A task that was not joined keeps its contexts.
   */
  private static void publish(Configuration conf, Config config, Path staging) {
    try {
      FileSystem fs = staging.getFileSystem(conf);
      Set<String> joined = new TreeSet<>(config.tasks());
      joined.addAll(
          WarehouseCommitter.tasksOf(
              conf, WarehouseCommitter.assembled(staging, InContextSchema.TABLE)));
      Set<String> rejected = new TreeSet<>(joined);
      rejected.addAll(
          WarehouseCommitter.tasksOf(
              conf, WarehouseCommitter.assembled(staging, RejectedSchema.pathOf(TRAIN))));
      List<String> partitions = new ArrayList<>();
      joined.forEach(task -> partitions.add(InContextSchema.TABLE + "/" + TASK_PREFIX + task));
      rejected.forEach(
          task -> partitions.add(RejectedSchema.pathOf(TRAIN) + "/" + TASK_PREFIX + task));
      WarehouseCommitter.swap(fs, config.warehouse(), staging, partitions);
    } catch (IOException e) {
      throw new MimicitException(
          e,
          "Cannot commit the joined contexts in %s: %s. Run %s again.",
          config.warehouse(),
          e.getMessage(),
          NAME);
    }
  }

  /**
   * The train relations in use: from {@code trainConfig} (a {@code <TASK>_train.json} file or a
   * folder of them) when given, else the {@code <TASK>_train.json} files found next to the
   * instruction files the warehouse was made from; null when there are none. Bad records of a train
   * file are left out and written to {@code rejected/train/task=<TASK>/}.
   */
  static Dataset<Row> trainRelations(
      SparkSession spark, Dataset<Row> instructions, String trainConfig, Path staging) {
    List<String> paths = new java.util.ArrayList<>();
    if (trainConfig != null) {
      paths.add(trainConfig);
    } else {
      org.apache.hadoop.conf.Configuration conf = spark.sessionState().newHadoopConf();
      for (Row r :
          instructions
              .select(Partitions.TASK, InstructionSchema.SOURCE)
              .distinct()
              .collectAsList()) {
        org.apache.hadoop.fs.Path next =
            new org.apache.hadoop.fs.Path(
                new org.apache.hadoop.fs.Path(r.getString(1)).getParent(),
                r.getString(0) + "_train.json");
        try {
          if (next.getFileSystem(conf).exists(next) && !paths.contains(next.toString())) {
            paths.add(next.toString());
          }
        } catch (java.io.IOException e) {
          LOG.warn("{}: cannot look for {}: {}", NAME, next, e.getMessage());
        }
      }
    }
    if (paths.isEmpty()) {
      return null;
    }
    LOG.info("{}: relations from {}", NAME, paths);
    Dataset<Row> read =
        spark
            .read()
            .format("mimicit-train")
            .option(
                "paths",
                new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(paths).toString())
            .load();
    Dataset<Row> bad =
        read.where(col("reason").isNotNull())
            .select(
                col(InstructionSchema.INS_ID).as(RejectedSchema.ID),
                col(RejectedSchema.REASON),
                col(RejectedSchema.DETAIL),
                col(RejectedSchema.SOURCE),
                col(RejectedSchema.SOURCE_OFFSET),
                col(Partitions.TASK))
            .cache();
    long rejected = bad.count();
    if (rejected > 0) {
      LOG.warn(
          "{}: {} train record(s) are not {{ins_id: [ids]}}: left out, written to {}",
          NAME,
          rejected,
          RejectedSchema.pathOf(TRAIN));
      bad.write()
          .partitionBy(Partitions.TASK)
          .parquet(WarehouseCommitter.assembled(staging, RejectedSchema.pathOf(TRAIN)).toString());
    }
    bad.unpersist();
    return read.where(col("reason").isNull())
        .select(Partitions.TASK, InstructionSchema.INS_ID, InstructionSchema.REL_INS_IDS);
  }

  /** The ids of the images table; none (every image missing) when it was not converted. */
  private static Dataset<Row> imageIds(SparkSession spark, String warehouse) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(warehouse, ImageSchema.TABLE);
    try {
      if (path.getFileSystem(spark.sessionState().newHadoopConf()).exists(path)) {
        return spark.read().parquet(path.toString()).select(col(ImageSchema.IMAGE_ID));
      }
    } catch (java.io.IOException e) {
      throw new org.mimicit.common.error.MimicitException(
          e, "Cannot read %s: %s", path, e.getMessage());
    }
    LOG.warn("{}: no images table in {}: every image id is reported missing", NAME, warehouse);
    return spark.createDataFrame(
        List.of(),
        new org.apache.spark.sql.types.StructType()
            .add(ImageSchema.IMAGE_ID, org.apache.spark.sql.types.DataTypes.StringType));
  }

  /** The array column, or an empty array of its type where a left join found nothing. */
  private static Column orEmpty(String column, Dataset<Row> of) {
    return coalesce(
        col(column),
        org.apache.spark.sql.functions.array().cast(of.schema().apply(column).dataType()));
  }

  private static scala.collection.immutable.Seq<String> usingColumns(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
  }

  /** Per task: instructions, mean/max context length, dangling relations, missing images. */
  static Dataset<Row> stats(Dataset<Row> incontext) {
    return incontext
        .groupBy(Partitions.TASK)
        .agg(
            count("*").as("instructions"),
            org.apache
                .spark
                .sql
                .functions
                .avg(size(col(InContextSchema.CONTEXT_INS_IDS)))
                .as("mean_context"),
            org.apache
                .spark
                .sql
                .functions
                .max(size(col(InContextSchema.CONTEXT_INS_IDS)))
                .as("max_context"),
            sum(size(col(InContextSchema.MISSING_INS_IDS))).cast("long").as("dangling"),
            sum(when(size(col(InContextSchema.MISSING_IMAGE_IDS)).gt(0), 1).otherwise(0))
                .cast("long")
                .as("with_missing_images"))
        .orderBy(Partitions.TASK);
  }

  private static Map<String, Long> countByTask(Dataset<Row> taskAndN) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (Row r : taskAndN.groupBy(Partitions.TASK).agg(sum("n").cast("long")).collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  private static ObjectNode statsDocument(
      Instant started,
      long ms,
      Config config,
      List<Row> rows,
      Map<String, Long> selfReferences,
      Map<String, Long> unknownTrainIds) {
    ObjectNode root =
        JobStats.header(NAME, started, ms, JobStats.paths("warehouse", config.warehouse()));
    root.put("max_context", config.maxContext());
    root.put("policy", config.policy().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    ObjectNode tasks = root.putObject("tasks");
    for (Row r : rows) {
      ObjectNode t = tasks.putObject(r.getString(0));
      t.put("instructions", r.getLong(1));
      t.put("mean_context_length", r.isNullAt(2) ? 0.0 : r.getDouble(2));
      t.put("max_context_length", r.isNullAt(3) ? 0 : r.getInt(3));
      t.put("dangling_relations", r.getLong(4));
      t.put("instructions_with_missing_images", r.getLong(5));
      t.put("self_references", selfReferences.getOrDefault(r.getString(0), 0L));
      t.put("unknown_train_ids", unknownTrainIds.getOrDefault(r.getString(0), 0L));
    }
    return root;
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
      Config config =
          new Config(
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
