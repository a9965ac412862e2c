package org.mimicit.jobs.generation;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.api.Annotation;
import org.mimicit.common.api.ApiCacheWriter;
import org.mimicit.common.api.ApiRunner;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.api.GenerationWork;
import org.mimicit.common.api.GenerationWork.Failure;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.warehouse.SerializableConf;
import org.mimicit.jobs.apistage.ApiAccumulators;
import org.mimicit.jobs.apistage.ApiTask;

/**
 * A task of the generation stage: one request per annotation, replies cached, failures returned.
 */
final class GenerationTask extends ApiTask<Annotation, Failure> {
  static final StructType FAILURE_SCHEMA =
      new StructType()
          .add("key", "string", false)
          .add("id", "string", false)
          .add("reason", "string", false);

  private final Map<String, Prompt> prompts;

  GenerationTask(
      ApiSettings settings,
      Map<String, Prompt> prompts,
      String cacheDir,
      SerializableConf conf,
      ApiAccumulators metrics,
      ApiShare share,
      int rollSeconds) {
    super(settings, cacheDir, conf, metrics, share, rollSeconds);
    this.prompts = prompts;
  }

  @Override
  protected ApiRunner.Work<Annotation> work(ApiCacheWriter cache, Consumer<Failure> failures) {
    return new GenerationWork(prompts, settings(), cache, metrics(), failures);
  }

  /** Rows of id, sentences, prompt, key. */
  @Override
  protected void feed(Iterator<Row> rows, Set<String> done, Sink<Annotation> sink)
      throws InterruptedException {
    while (rows.hasNext()) {
      Row r = rows.next();
      Annotation a = new Annotation(r.getString(0), r.getString(1), r.getString(2), r.getString(3));
      if (!done.contains(a.key())) {
        sink.submit(a);
      }
    }
  }

  @Override
  protected Row toRow(Failure f) {
    return RowFactory.create(f.key(), f.id(), f.reason());
  }
}
