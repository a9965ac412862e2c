package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.export.ExportManifest;
import org.mimicit.common.export.FileDigest;
import org.mimicit.common.export.InstructionsMeta;
import org.mimicit.common.export.MimicitJsonWriter;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.schema.ExampleSchema;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.warehouse.Partitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mimicit} format, task by task, written on the driver: rows come one partition at a
 * time ({@code toLocalIterator}) in key order and are streamed into {@code <TASK>/<TASK>.json},
 * {@code <TASK>_instructions.json} (en), {@code <TASK>_instructions_<lang>.json} and {@code
 * <TASK>_train.json} (when the warehouse has in-context relations).
 */
final class MimicitExport {
  private static final Logger LOG = LoggerFactory.getLogger(MimicitExport.class);
  private static final String FORMAT = ExportFormat.MIMICIT.label();

  private final Configuration conf;
  private final FileSystem fs;
  private final Path staging;
  private final ExportInputs inputs;

  private MimicitExport(Configuration conf, Path staging, ExportInputs inputs) throws IOException {
    this.conf = conf;
    this.fs = DataFiles.fileSystem(staging, conf);
    this.staging = staging;
    this.inputs = inputs;
  }

  /**
   * Writes the files of every task, each language that has examples in {@code plan} (exported or
   * left out of the shards); returns their manifest entries.
   */
  static List<ExportManifest.Entry> write(
      SparkSession spark,
      Configuration conf,
      Path staging,
      ExportInputs inputs,
      ShardPlan.Summary plan)
      throws IOException {
    MimicitExport mimicit = new MimicitExport(conf, staging, inputs);
    List<ExportManifest.Entry> entries = new ArrayList<>();
    for (String task : inputs.tasks()) {
      spark.sparkContext().setJobDescription("mimicit files of " + task);
      try {
        entries.addAll(mimicit.write(task, languages(task, inputs.languages(), plan)));
      } catch (IOException e) {
        throw failure(task, e);
      }
    }
    return entries;
  }

  /** The languages of {@code task} that have examples in {@code plan}, in {@code all}'s order. */
  private static List<String> languages(String task, List<String> all, ShardPlan.Summary plan) {
    Map<String, Map<String, Long>> exported = plan.exported();
    Map<String, Map<String, Long>> skipped = plan.skipped();
    return all.stream()
        .filter(
            l ->
                exported.getOrDefault(task, Map.of()).containsKey(l)
                    || skipped.getOrDefault(task, Map.of()).containsKey(l))
        .toList();
  }

  /** Writes the task's files; returns their manifest entries. */
  private List<ExportManifest.Entry> write(String task, List<String> languages) throws IOException {
    List<ExportManifest.Entry> entries = new ArrayList<>();
    entries.add(writeImages(task));
    JsonNode meta = meta(task);
    for (String lang : languages) {
      entries.add(writeInstructions(task, lang, meta));
    }
    if (inputs.tables().incontext() != null) {
      entries.add(writeTrain(task));
    }
    return entries;
  }

  /** {@code <TASK>.json}: the task's images by id. */
  private ExportManifest.Entry writeImages(String task) throws IOException {
    Iterator<Row> imageRows =
        inputs
            .tables()
            .images()
            .where(col(Partitions.TASK).equalTo(task))
            .select(ImageSchema.IMAGE_ID, ImageSchema.BYTES)
            .orderBy(ImageSchema.IMAGE_ID)
            .toLocalIterator();
    return file(
        task,
        task + ".json",
        null,
        out ->
            MimicitJsonWriter.writeImages(
                out,
                task + ".json",
                map(
                    imageRows,
                    r -> new MimicitJsonWriter.ImageRecord(r.getString(0), r.getAs(1)))));
  }

  /** {@code <TASK>_instructions[_<lang>].json}: the task's examples in {@code lang}. */
  private ExportManifest.Entry writeInstructions(String task, String lang, JsonNode meta)
      throws IOException {
    String name =
        task
            + "_instructions"
            + (lang.equals(ExampleSchema.SOURCE_LANG) ? "" : "_" + lang)
            + ".json";
    Iterator<Row> rows =
        inputs
            .examples()
            .where(col(Partitions.TASK).equalTo(task).and(col(ExampleTable.LANG).equalTo(lang)))
            .select(
                InstructionSchema.INS_ID,
                InstructionSchema.INSTRUCTION,
                InstructionSchema.ANSWER,
                InstructionSchema.IMAGE_IDS,
                InstructionSchema.REL_INS_IDS,
                InstructionSchema.EXTRA_JSON)
            .orderBy(InstructionSchema.INS_ID)
            .toLocalIterator();
    return file(
        task,
        name,
        lang,
        out ->
            MimicitJsonWriter.writeInstructions(
                out,
                name,
                meta,
                map(
                    rows,
                    r ->
                        new MimicitJsonWriter.InstructionRecord(
                            r.getString(0),
                            r.getString(1),
                            r.getString(2),
                            r.getList(3),
                            r.getList(4),
                            r.getString(5)))));
  }

  /** {@code <TASK>_train.json}: the in-context examples of each instruction. */
  private ExportManifest.Entry writeTrain(String task) throws IOException {
    Iterator<Row> rows =
        inputs
            .source()
            .where(col(Partitions.TASK).equalTo(task))
            .select(InstructionSchema.INS_ID, InContextSchema.CONTEXT_INS_IDS)
            .orderBy(InstructionSchema.INS_ID)
            .toLocalIterator();
    String name = task + "_train.json";
    return file(
        task,
        name,
        null,
        out ->
            MimicitJsonWriter.writeTrain(
                out,
                name,
                map(rows, r -> new MimicitJsonWriter.TrainRecord(r.getString(0), r.getList(1)))));
  }

  /** The meta object of the file the task's instructions came from; empty if unreadable. */
  private JsonNode meta(String task) {
    List<Row> sources =
        inputs
            .instructions()
            .where(col(Partitions.TASK).equalTo(task))
            .select(InstructionSchema.SOURCE)
            .distinct()
            .orderBy(InstructionSchema.SOURCE)
            .limit(1)
            .collectAsList();
    if (!sources.isEmpty()) {
      Path source = new Path(sources.get(0).getString(0));
      try (InputStream in = source.getFileSystem(conf).open(source)) {
        JsonNode meta = InstructionsMeta.read(in);
        if (meta != null) {
          return meta;
        }
        LOG.warn(
            "export-shards: task {}: {} has no meta object; writing an empty one", task, source);
      } catch (IOException e) {
        LOG.warn(
            "export-shards: task {}: cannot read meta from {} ({}); writing an empty one",
            task,
            source,
            e.getMessage());
      }
    }
    return JsonNodeFactory.instance.objectNode();
  }

  /** A file written by {@code body} (returning its record count), hashed, as a manifest entry. */
  private ExportManifest.Entry file(String task, String name, String lang, Body body)
      throws IOException {
    String path = task + "/" + name;
    Path file = new Path(staging, path);
    long rows;
    try (OutputStream out = fs.create(file, false, 1 << 20)) {
      rows = body.write(out);
    }
    FileDigest d = FileDigest.of(file, conf);
    SortedMap<String, Long> languages = new TreeMap<>();
    if (lang != null) {
      languages.put(lang, rows);
    }
    LOG.info("export-shards: wrote {} ({} records, {} bytes)", path, rows, d.bytes());
    return new ExportManifest.Entry(
        path, FORMAT, task, rows, languages, d.bytes(), d.sha256(), d.md5());
  }

  private interface Body {
    long write(OutputStream out) throws IOException;
  }

  private static <T> Iterator<T> map(Iterator<Row> rows, Function<Row, T> f) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public T next() {
        return f.apply(rows.next());
      }
    };
  }

  private static MimicitException failure(String task, IOException e) {
    return new MimicitException(
        e, "Cannot export task %s in the mimicit format: %s", task, e.getMessage());
  }
}
