package org.mimicit.jobs.sources;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.mimicit.common.media.FrameSampling;
import org.mimicit.common.media.ImageConverter;
import org.mimicit.common.media.Processing;
import org.mimicit.common.source.SourceColumns;
import org.mimicit.common.warehouse.SerializableConf;

/**
 * Runs on the executors: reads, decodes, resizes and encodes the items of one task, and returns
 * rows in the shape {@code WarehouseIngest} takes (table columns, then {@code source_offset},
 * {@code reason}, {@code detail}; bad files as rows with a reason). Rows are produced one at a time
 * as they are consumed ({@link SourceRows}, which reads the settings held here), so a task holds
 * one image or one video frame at a time.
 */
final class SourceConverter implements FlatMapFunction<Iterator<List<SourceItem>>, InternalRow> {
  private static final long serialVersionUID = 1L;

  /** The rows: those of a permissive {@code mimicit-images} read. */
  static final StructType SCHEMA = SourceColumns.permissiveImagesSchema();

  final String task;
  final Processing processing;
  final double fps;
  final FrameSampling sampling;
  final int frameIndexDigits;
  final SerializableConf conf;
  final LongAccumulator filesDone;
  final LongAccumulator imagesOut;
  final LongAccumulator framesOut;

  SourceConverter(
      ConvertSourcesConfig config,
      SerializableConf conf,
      LongAccumulator filesDone,
      LongAccumulator imagesOut,
      LongAccumulator framesOut) {
    this.task = config.task();
    this.processing = config.processing();
    this.fps = config.fps();
    this.sampling = config.sampling();
    this.frameIndexDigits = config.frameIndexDigits();
    this.conf = conf;
    this.filesDone = filesDone;
    this.imagesOut = imagesOut;
    this.framesOut = framesOut;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<List<SourceItem>> tasks) {
    List<SourceItem> items = new ArrayList<>();
    tasks.forEachRemaining(items::addAll);
    SourceRows rows = new SourceRows(this, items.iterator(), new ImageConverter(processing));
    TaskContext ctx = TaskContext.get();
    if (ctx != null) {
      ctx.addTaskCompletionListener((TaskCompletionListener) c -> rows.close());
    }
    return rows;
  }
}
