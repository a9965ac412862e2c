package org.mimicit.jobs.multilingual;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.api.ApiCacheWriter;
import org.mimicit.common.api.ApiRunner;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.api.TranslationBatcher;
import org.mimicit.common.api.TranslationItem;
import org.mimicit.common.api.TranslationWork;
import org.mimicit.common.api.TranslationWork.Failure;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.jobs.apistage.ApiAccumulators;
import org.mimicit.jobs.apistage.ApiTask;

/** A task of the translation stage: items batched by language set, sent, cached, given up. */
final class TranslationTask extends ApiTask<List<TranslationItem>, Failure> {
  static final StructType FAILURE_SCHEMA =
      new StructType()
          .add("key", "string", false)
          .add("lang", "string", false)
          .add("id", "string", false)
          .add("reason", "string", false);

  private final Prompt prompt;
  private final int batchItems;

  TranslationTask(
      ApiSettings settings,
      Prompt prompt,
      String cacheDir,
      SerializableConf conf,
      ApiAccumulators metrics,
      ApiShare share,
      int batchItems,
      int rollSeconds) {
    super(settings, cacheDir, conf, metrics, share, rollSeconds);
    this.prompt = prompt;
    this.batchItems = batchItems;
  }

  @Override
  protected ApiRunner.Work<List<TranslationItem>> work(
      ApiCacheWriter cache, Consumer<Failure> failures) {
    return new TranslationWork(prompt, settings(), cache, metrics(), failures);
  }

  @Override
  protected void feed(Iterator<Row> rows, Set<String> done, Sink<List<TranslationItem>> sink)
      throws InterruptedException {
    TranslationBatcher batcher = new TranslationBatcher(batchItems, settings().maxOutputTokens());
    while (rows.hasNext()) {
      TranslationItem item = item(rows.next());
      if (!done.isEmpty()) {
        item = item.without(done);
        if (item == null) {
          continue;
        }
      }
      List<TranslationItem> batch = batcher.add(item);
      if (batch != null) {
        sink.submit(batch);
      }
    }
    List<TranslationItem> last = batcher.flush();
    if (last != null) {
      sink.submit(last);
    }
  }

  @Override
  protected Row toRow(Failure f) {
    return RowFactory.create(f.key(), f.lang(), f.id(), f.reason());
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
