package org.mimicit.jobs.multilingual;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.mimicit.common.api.ApiCacheWriter;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.api.RequestKey;
import org.mimicit.common.api.TranslationBatcher;
import org.mimicit.common.api.TranslationItem;
import org.mimicit.common.api.TranslationProtocol;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.schema.RejectReason;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.schema.TranslationSchema;
import org.mimicit.common.warehouse.JobStats;
import org.mimicit.common.warehouse.Partitions;
import org.mimicit.common.warehouse.RejectBudget;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.common.warehouse.WarehouseCommitter;
import org.mimicit.jobs.apistage.ApiAccumulators;
import org.mimicit.jobs.apistage.ApiStage;
import org.mimicit.jobs.cli.ApiOptions;
import org.mimicit.jobs.cli.ApiRunOptions;
import org.mimicit.jobs.cli.JobCommand;
import org.mimicit.jobs.cli.Launcher;
import org.mimicit.jobs.cli.SparkOptions;
import org.mimicit.jobs.session.JobSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Translates every instruction and answer into the chosen languages through a chat-completions API.
 * Input: the {@code instructions} table and the API cache ({@code _cache/api/translate/}, plus
 * read-only {@code --cache-from} folders). Output: {@code translations/task=<TASK>/lang=<LANG>/}
 * and {@code rejected/translations/task=<TASK>/} ({@code api_failed}). Requests are sent from the
 * executors within the job's limits; each accepted answer is in the cache before it counts, keyed
 * by the SHA-256 of its request content, so a re-run (after a kill, a failure, or with another task
 * count) sends nothing already accepted, and identical texts are asked once. Re-running replaces
 * only the task and language partitions of the run.
 */
public final class ExpandMultilingualJob {
  public static final String NAME = "expand-multilingual";
  static final String STAGE = "translate";
  private static final Logger LOG = LoggerFactory.getLogger(ExpandMultilingualJob.class);
  private static final StructType CACHE_SCHEMA =
      new StructType()
          .add("key", "string")
          .add("lang", "string")
          .add("instruction", "string")
          .add("answer", "string")
          .add("model", "string");

  /** Items asking for the same languages next to each other, so that they share requests. */
  private static final Column[] BY_LANGUAGES_THEN_ID = {
    expr("concat_ws(',', transform(units, u -> u.lang))"), col("id")
  };

  private ExpandMultilingualJob() {}

  public static void main(String[] args) {
    Launcher.main(NAME, args);
  }

  /** What the job did: units (instruction and language) by outcome, and the API's counts. */
  public record Result(
      long units,
      long translated,
      long rejected,
      long offline,
      long requests,
      Map<String, Long> api,
      String dryRun) {}

  public static Result run(SparkSession spark, ExpandMultilingualConfig config) {
    long startedNanos = System.nanoTime();
    Instant started = Instant.now();
    Configuration conf = spark.sessionState().newHadoopConf();
    Prompt prompt =
        config.prompt() == null ? Prompt.defaultTranslation() : Prompt.read(config.prompt(), conf);
    List<String> tasks = tasks(conf, config);
    LOG.info(
        "{}: tasks {} into {} with {} (prompt {})",
        NAME,
        tasks,
        config.languages(),
        config.api(),
        prompt.name());
    Dataset<Row> units = units(spark, config, tasks, prompt.sha256());
    String cacheDir = ApiCacheWriter.dirOf(config.warehouse(), STAGE);
    List<String> cacheDirs = ApiStage.cacheDirs(conf, config.cacheFrom(), cacheDir);
    Dataset<Row> items =
        pendingItems(units, readCache(spark, conf, cacheDirs))
            .persist(StorageLevel.MEMORY_AND_DISK());
    ApiAccumulators counts = new ApiAccumulators(spark.sparkContext());
    Path staging = WarehouseCommitter.newStaging(config.warehouse(), TranslationSchema.TABLE);
    try {
      Row pending = items.agg(count(lit(1)), sum(size(col("units")))).first();
      long pendingItems = pending.getLong(0);
      long pendingUnits = pending.isNullAt(1) ? 0 : pending.getLong(1);
      LOG.info(
          "{}: {} text(s) x language(s) to ask for ({} distinct texts); the rest is in the cache",
          NAME,
          pendingUnits,
          pendingItems);
      if (config.dryRun()) {
        return new Result(
            pendingUnits,
            0,
            0,
            0,
            0,
            Map.of(),
            dryRun(items, config, prompt, pendingItems, pendingUnits));
      }
      Path failures = new Path(staging, "failures");
      if (pendingUnits > 0 && !config.api().offline()) {
        callApi(
            spark, config, prompt, cacheDir, items, pendingItems, pendingUnits, counts, failures);
      } else if (pendingUnits > 0) {
        LOG.warn(
            "{}: offline (no API base: give --api-base, or for this command alone OPENAI_API_BASE):"
                + " {} text(s) x language(s) not in the cache stay untranslated (offline); nothing"
                + " was sent",
            NAME,
            pendingUnits);
      }
      Dataset<Row> failed =
          pendingUnits > 0 && !config.api().offline()
              ? spark.read().parquet(failures.toString())
              : spark.createDataFrame(List.of(), TranslationTask.FAILURE_SCHEMA);
      Result result =
          write(
              spark,
              conf,
              config,
              tasks,
              units,
              readCache(spark, conf, cacheDirs),
              failed,
              staging,
              counts,
              startedNanos,
              started);
      LOG.info(
          "{}: {} of {} translated, {} rejected (api_failed), {} not translated offline; {}"
              + " requests",
          NAME,
          result.translated(),
          result.units(),
          result.rejected(),
          result.offline(),
          result.requests());
      return result;
    } finally {
      items.unpersist();
      WarehouseCommitter.deleteStaging(conf, staging);
    }
  }

  /** The tasks of the run: those asked for, else every task of the instructions table. */
  static List<String> tasks(Configuration conf, ExpandMultilingualConfig config) {
    Set<String> found =
        WarehouseCommitter.tasksOf(conf, new Path(config.warehouse(), InstructionSchema.TABLE));
    if (found.isEmpty()) {
      throw new MimicitException(
          "Cannot translate: there is no instructions table in %s. Run "
              + "convert-instructions first.",
          config.warehouse());
    }
    if (config.tasks().isEmpty()) {
      return new ArrayList<>(found);
    }
    for (String task : config.tasks()) {
      if (!found.contains(task)) {
        throw new MimicitException(
            "Cannot translate task %s: the instructions table in %s has no such task "
                + "(it has %s).",
            task, config.warehouse(), found);
      }
    }
    return new ArrayList<>(new TreeSet<>(config.tasks()));
  }

  /** One row per instruction and language: task, ins_id, idx, lang, instruction, answer, key. */
  static Dataset<Row> units(
      SparkSession spark, ExpandMultilingualConfig config, List<String> tasks, String promptSha) {
    String model = config.api().model();
    UserDefinedFunction key =
        udf(
            (UDF3<String, String, String, String>)
                (lang, instruction, answer) ->
                    RequestKey.translation(model, promptSha, lang, instruction, answer),
            DataTypes.StringType);
    Column[] langs = config.languages().stream().map(l -> lit(l)).toArray(Column[]::new);
    return spark
        .read()
        .parquet(config.warehouse() + "/" + InstructionSchema.TABLE)
        .where(col(Partitions.TASK).isin(tasks.toArray()))
        .select(
            col(Partitions.TASK),
            col(InstructionSchema.INS_ID),
            col(InstructionSchema.INSTRUCTION),
            col(InstructionSchema.ANSWER),
            posexplode(org.apache.spark.sql.functions.array(langs))
                .as(new String[] {"idx", "lang"}))
        .withColumn(
            "key",
            key.apply(
                col("lang"), col(InstructionSchema.INSTRUCTION), col(InstructionSchema.ANSWER)));
  }

  /** Accepted answers: key, lang, instruction, answer, model; one per key; cut lines skipped. */
  static Dataset<Row> readCache(SparkSession spark, Configuration conf, List<String> dirs) {
    return ApiStage.readCache(spark, conf, dirs, CACHE_SCHEMA, "lang", "instruction", "answer");
  }

  /**
   * The texts still to ask for: id (smallest ins_id with the text), instruction, answer, units
   * (array of struct idx, lang, key, in language order). Identical texts are one item.
   */
  static Dataset<Row> pendingItems(Dataset<Row> units, Dataset<Row> cache) {
    return units
        .join(cache.select("key"), units.col("key").equalTo(cache.col("key")), "left_anti")
        .groupBy(InstructionSchema.INSTRUCTION, InstructionSchema.ANSWER)
        .agg(
            min(InstructionSchema.INS_ID).as("id"),
            array_sort(collect_set(struct(col("idx"), col("lang"), col("key")))).as("units"))
        .select(
            col("id"),
            col(InstructionSchema.INSTRUCTION),
            col(InstructionSchema.ANSWER),
            col("units"));
  }

  /** The API stage: items spread over the tasks that share the budget; failures to {@code out}. */
  private static void callApi(
      SparkSession spark,
      ExpandMultilingualConfig config,
      Prompt prompt,
      String cacheDir,
      Dataset<Row> items,
      long pendingItems,
      long pendingUnits,
      ApiAccumulators counts,
      Path out) {
    SerializableConf conf = new SerializableConf(spark.sessionState().newHadoopConf());
    ApiStage.call(
        spark,
        NAME,
        items,
        pendingItems,
        pendingUnits,
        config.limits(),
        counts,
        share ->
            new TranslationTask(
                config.api(),
                prompt,
                cacheDir,
                conf,
                counts,
                share,
                config.batchItems(),
                config.cacheRollSeconds()),
        TranslationTask.FAILURE_SCHEMA,
        out,
        BY_LANGUAGES_THEN_ID);
  }

  /** Prints what a run would send: requests, estimated tokens, cost. Sends nothing. */
  private static String dryRun(
      Dataset<Row> items,
      ExpandMultilingualConfig config,
      Prompt prompt,
      long pendingItems,
      long pendingUnits) {
    int batchItems = config.batchItems();
    int maxOutput = config.api().maxOutputTokens();
    MapPartitionsFunction<Row, Row> plan =
        rows -> {
          TranslationBatcher batcher = new TranslationBatcher(batchItems, maxOutput);
          long requests = 0;
          long tokens = 0;
          while (rows.hasNext()) {
            List<TranslationItem> batch = batcher.add(TranslationTask.item(rows.next()));
            if (batch != null) {
              requests++;
              tokens += TranslationProtocol.request(prompt, batch, maxOutput).estimatedTokens();
            }
          }
          List<TranslationItem> last = batcher.flush();
          if (last != null) {
            requests++;
            tokens += TranslationProtocol.request(prompt, last, maxOutput).estimatedTokens();
          }
          return List.of(RowFactory.create(requests, tokens)).iterator();
        };
    StructType planSchema = new StructType().add("requests", "long").add("tokens", "long");
    Row totals =
        items
            .sortWithinPartitions(BY_LANGUAGES_THEN_ID)
            .mapPartitions(plan, Encoders.row(planSchema))
            .agg(sum("requests"), sum("tokens"))
            .first();
    long requests = totals.isNullAt(0) ? 0 : totals.getLong(0);
    long tokens = totals.isNullAt(1) ? 0 : totals.getLong(1);
    double cost = tokens / 1000.0 * config.pricePer1kTokens();
    double minutes =
        config.limits().requestsPerMinute() > 0
            ? requests / config.limits().requestsPerMinute()
            : 0;
    if (config.limits().tokensPerMinute() > 0) {
      minutes = Math.max(minutes, tokens / config.limits().tokensPerMinute());
    }
    String summary =
        String.format(
            "%s --dry-run: %d text(s) x language(s) to translate (%d distinct texts) in %d"
                + " request(s) of up to %d item(s); about %d tokens; cost about $%.2f at $%s per 1k"
                + " tokens; at least %.0f minute(s) at the limits. Nothing was sent.",
            NAME,
            pendingUnits,
            pendingItems,
            requests,
            batchItems,
            tokens,
            cost,
            config.pricePer1kTokens(),
            Math.ceil(minutes));
    LOG.info(summary);
    return summary;
  }

  /**
   * Writes the translations of the run's tasks and languages from the cache, and the units given up
   * on as rejected, into staging; checks the reject share; swaps the partitions in; writes stats.
   */
  private static Result write(
      SparkSession spark,
      Configuration conf,
      ExpandMultilingualConfig config,
      List<String> tasks,
      Dataset<Row> units,
      Dataset<Row> cache,
      Dataset<Row> failed,
      Path staging,
      ApiAccumulators counts,
      long startedNanos,
      Instant started) {
    Dataset<Row> accepted =
        cache.select(
            col("key").as("a_key"),
            col("instruction").as("a_instruction"),
            col("answer").as("a_answer"),
            col("model").as("a_model"));
    Dataset<Row> failures =
        failed
            .groupBy("key")
            .agg(min("reason").as("f_reason"))
            .select(col("key").as("f_key"), col("f_reason"));
    Dataset<Row> outcome =
        units
            .join(accepted, units.col("key").equalTo(accepted.col("a_key")), "left")
            .join(failures, units.col("key").equalTo(failures.col("f_key")), "left")
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      spark.sparkContext().setJobDescription("write translations");
      outcome
          .where(col("a_key").isNotNull())
          .select(
              col(Partitions.TASK),
              col("lang"),
              col(InstructionSchema.INS_ID).as(TranslationSchema.INS_ID),
              col("a_instruction").as(TranslationSchema.INSTRUCTION),
              col("a_answer").as(TranslationSchema.ANSWER),
              coalesce(col("a_model"), lit(config.api().model())).as(TranslationSchema.MODEL),
              col("key").as(TranslationSchema.REQUEST_SHA256))
          .repartition(col(Partitions.TASK), col("lang"))
          .sortWithinPartitions(TranslationSchema.INS_ID)
          .write()
          .partitionBy(Partitions.TASK, TranslationSchema.LANG)
          .parquet(WarehouseCommitter.assembled(staging, TranslationSchema.TABLE).toString());
      outcome
          .where(col("a_key").isNull().and(col("f_key").isNotNull()))
          .select(
              col(Partitions.TASK),
              col(InstructionSchema.INS_ID).as(RejectedSchema.ID),
              lit(RejectReason.API_FAILED.code()).as(RejectedSchema.REASON),
              concat(lit("lang="), col("lang"), lit(": "), col("f_reason"))
                  .as(RejectedSchema.DETAIL),
              lit(NAME + " " + config.api().model()).as(RejectedSchema.SOURCE),
              lit(null).cast(DataTypes.LongType).as(RejectedSchema.SOURCE_OFFSET))
          .repartition(col(Partitions.TASK))
          .sortWithinPartitions(RejectedSchema.ID, RejectedSchema.DETAIL)
          .write()
          .partitionBy(Partitions.TASK)
          .parquet(
              WarehouseCommitter.assembled(staging, RejectedSchema.pathOf(TranslationSchema.TABLE))
                  .toString());
      List<Row> byTaskAndLang =
          outcome
              .groupBy(Partitions.TASK, "lang")
              .agg(
                  count(lit(1)).as("units"),
                  count(col("a_key")).as("translated"),
                  sum(when(col("a_key").isNull().and(col("f_key").isNotNull()), 1).otherwise(0))
                      .as("rejected"))
              .orderBy(Partitions.TASK, "lang")
              .collectAsList();
      long total = 0;
      long translated = 0;
      long rejected = 0;
      for (Row r : byTaskAndLang) {
        total += r.getLong(2);
        translated += r.getLong(3);
        rejected += r.getLong(4);
      }
      if (new RejectBudget(config.maxRejectRatio()).exceededBy(rejected, total)) {
        throw new MimicitException(
            "%s: %s failed (api_failed), more than --max-reject-ratio %s; nothing was committed."
                + " Accepted answers are kept in the cache, so a re-run asks only for the rest."
                + " First failures: see the log above.",
            NAME, RejectBudget.share(rejected, total, "translations"), config.maxRejectRatio());
      }
      List<String> partitions = new ArrayList<>();
      for (String task : tasks) {
        for (String lang : config.languages()) {
          partitions.add(TranslationSchema.pathOf(task, lang));
        }
        partitions.add(Partitions.of(RejectedSchema.pathOf(TranslationSchema.TABLE), task));
      }
      WarehouseCommitter.swap(staging.getFileSystem(conf), config.warehouse(), staging, partitions);
      Map<String, Long> api = counts.values();
      Result result =
          new Result(
              total,
              translated,
              rejected,
              total - translated - rejected,
              api.get("requests"),
              api,
              null);
      JobStats.write(
          conf,
          config.warehouse(),
          NAME,
          ExpandStats.document(
              started,
              (System.nanoTime() - startedNanos) / 1_000_000,
              config,
              byTaskAndLang,
              result));
      return result;
    } catch (IOException e) {
      throw new MimicitException(
          e, "Cannot commit the translations in %s: %s", config.warehouse(), e.getMessage());
    } finally {
      spark.sparkContext().setJobDescription(null);
      outcome.unpersist();
    }
  }

  /** {@code expand-multilingual}. */
  @Command(
      name = NAME,
      mixinStandardHelpOptions = true,
      description = {
        "Translates instructions and answers through a chat-completions API (OpenAI-compatible or"
            + " Azure) into translations/task=<TASK>/lang=<LANG>/, exactly once: accepted answers"
            + " are kept in <warehouse>/_cache/api/ and never asked again.",
        "With no API configured, answers come only from the cache (and --cache-from)."
      })
  public static final class Cli implements JobCommand {
    @Spec CommandSpec spec;

    @Option(
        names = "--warehouse",
        required = true,
        paramLabel = "DIR",
        description = "The warehouse root; local or s3a://.")
    String warehouse;

    @Option(
        names = "--tasks",
        split = ",",
        paramLabel = "TASK",
        description = "Only these tasks (default: every task of the instructions table).")
    List<String> tasks = List.of();

    @Option(
        names = "--languages",
        split = ",",
        paramLabel = "LANG",
        description = "Target languages (default: zh,ja,ko,de,fr,es,ar).")
    List<String> languages = ExpandMultilingualConfig.DEFAULT_LANGUAGES;

    @Option(
        names = "--batch-items",
        paramLabel = "N",
        defaultValue = "4",
        description =
            "Instructions per request (default: ${DEFAULT-VALUE}); fewer when they would not fit"
                + " max_tokens.")
    int batchItems;

    @Option(
        names = "--prompt",
        paramLabel = "FILE",
        description =
            "A prompt file in Syphus's format (default: conf/prompts/translate.json, as packaged)."
                + " Part of every cache key.")
    String prompt;

    @Option(
        names = "--max-reject-ratio",
        paramLabel = "R",
        defaultValue = "0.05",
        description =
            "Fail, committing nothing, when more than this share of translations fails (default:"
                + " ${DEFAULT-VALUE}).")
    double maxRejectRatio;

    @Mixin ApiOptions api;

    @Mixin ApiRunOptions run;

    @Mixin SparkOptions spark;

    ExpandMultilingualConfig config() {
      return new ExpandMultilingualConfig(
          warehouse,
          new LinkedHashSet<>(tasks),
          languages,
          api.settings(System.getenv()),
          api.limits(),
          batchItems,
          prompt,
          run.cacheFrom(),
          run.dryRun(),
          api.pricePer1kTokens(),
          maxRejectRatio,
          run.cacheRollSeconds());
    }

    @Override
    public Integer call() {
      ApiRunOptions.printDryRun(
          spec, ExpandMultilingualJob.run(JobSession.start(NAME, spark.conf()), config()).dryRun());
      return 0;
    }
  }
}
