package org.mimicit.jobs.multilingual;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.api.ApiCacheReader;
import org.mimicit.common.api.ApiCacheWriter;
import org.mimicit.common.api.ApiRunner;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.api.ChatClient;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.api.RateLimiter;
import org.mimicit.common.api.TranslationBatcher;
import org.mimicit.common.api.TranslationItem;
import org.mimicit.common.api.TranslationWork;
import org.mimicit.common.api.TranslationWork.Failure;
import org.mimicit.common.source.SerializableConf;
import org.mimicit.jobs.ApiAccumulators;

/**
 * One task of the API stage, on an executor: batches its items, sends them through an
 * {@link ApiRunner} within its share of the job's limits, appends every accepted answer to the
 * cache as it arrives, and returns the units it gave up on.
 */
final class TranslationTask implements MapPartitionsFunction<Row, Row> {
  static final StructType FAILURE_SCHEMA = new StructType()
      .add("key", "string", false)
      .add("lang", "string", false)
      .add("id", "string", false)
      .add("reason", "string", false);

  private final ApiSettings settings;
  private final Prompt prompt;
  private final String cacheDir;
  private final SerializableConf conf;
  private final ApiAccumulators metrics;
  private final double requestsPerMinute;
  private final double tokensPerMinute;
  private final int concurrency;
  private final int batchItems;
  private final int rollSeconds;

  TranslationTask(ApiSettings settings, Prompt prompt, String cacheDir, SerializableConf conf,
      ApiAccumulators metrics, double requestsPerMinute, double tokensPerMinute, int concurrency,
      int batchItems, int rollSeconds) {
    this.settings = settings;
    this.prompt = prompt;
    this.cacheDir = cacheDir;
    this.conf = conf;
    this.metrics = metrics;
    this.requestsPerMinute = requestsPerMinute;
    this.tokensPerMinute = tokensPerMinute;
    this.concurrency = concurrency;
    this.batchItems = batchItems;
    this.rollSeconds = rollSeconds;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> items) throws Exception {
    TaskContext ctx = TaskContext.get();
    String partition = ctx == null ? "part" : "part-" + ctx.stageId() + "-" + ctx.partitionId();
    String prefix = ctx == null ? partition : partition + "-" + ctx.attemptNumber();
    // a retried task finds what its failed attempts already got accepted, and does not ask again
    Set<String> done = ApiCacheReader.keysOf(conf.get(), cacheDir, partition + "-");
    ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    RateLimiter limiter = new RateLimiter(requestsPerMinute, tokensPerMinute, RateLimiter.Clock.SYSTEM);
    TranslationBatcher batcher = new TranslationBatcher(batchItems, settings.maxOutputTokens());
    try (ApiCacheWriter cache = new ApiCacheWriter(conf.get(), cacheDir, prefix, rollSeconds);
        ApiRunner<List<TranslationItem>> runner = new ApiRunner<>(ChatClient.of(settings), settings, limiter,
            concurrency, metrics, new TranslationWork(prompt, settings, cache, metrics, failures::add))) {
      while (items.hasNext()) {
        TranslationItem item = item(items.next());
        if (!done.isEmpty()) {
          item = item.without(done);
          if (item == null) {
            continue;
          }
        }
        List<TranslationItem> batch = batcher.add(item);
        if (batch != null) {
          runner.submit(batch);
        }
      }
      List<TranslationItem> last = batcher.flush();
      if (last != null) {
        runner.submit(last);
      }
      runner.finish();
    }
    List<Row> rows = new ArrayList<>(failures.size());
    for (Failure f : failures) {
      rows.add(RowFactory.create(f.key(), f.lang(), f.id(), f.reason()));
    }
    return rows.iterator();
  }

  /** An item row: id, instruction, answer, units (array of struct idx, lang, key). */
  static TranslationItem item(Row row) {
    List<Row> units = row.getList(3);
    List<String> langs = new ArrayList<>(units.size());
    List<String> keys = new ArrayList<>(units.size());
    for (Row unit : units) {
      langs.add(unit.getString(1));
      keys.add(unit.getString(2));
    }
    return new TranslationItem(row.getString(0), row.getString(1), row.getString(2), langs, keys);
  }
}
