package org.mimicit.jobs.export;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.schema.ExampleSchema;
import org.mimicit.common.schema.ImageSchema;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.schema.TranslationSchema;
import org.mimicit.common.warehouse.Partitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The warehouse tables the export reads; incontext and translations may be absent (null). */
record WarehouseTables(
    Dataset<Row> instructions,
    Dataset<Row> images,
    Dataset<Row> incontext,
    Dataset<Row> translations) {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseTables.class);

  static WarehouseTables read(SparkSession spark, String warehouse) {
    Dataset<Row> instructions = table(spark, warehouse, InstructionSchema.TABLE);
    Dataset<Row> images = table(spark, warehouse, ImageSchema.TABLE);
    if (instructions == null || images == null) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot export from %s: it has no %s table. Run convert-images and "
                  + "convert-instructions (or pipeline) first.",
              warehouse, instructions == null ? InstructionSchema.TABLE : ImageSchema.TABLE));
    }
    Dataset<Row> incontext = table(spark, warehouse, InContextSchema.TABLE);
    if (incontext == null) {
      LOG.warn(
          "{}: no {} table in {}: examples get no context and no <TASK>_train.json is "
              + "written; run join-incontext first to have them",
          ExportShardsJob.NAME,
          InContextSchema.TABLE,
          warehouse);
    }
    return new WarehouseTables(
        instructions, images, incontext, table(spark, warehouse, TranslationSchema.TABLE));
  }

  private static Dataset<Row> table(SparkSession spark, String warehouse, String name) {
    Path path = new Path(warehouse, name);
    try {
      FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(path) || !hasDataFile(fs, path)) {
        return null; // absent, or every partition of it went away (e.g. no translation accepted)
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read %s: %s", path, e.getMessage());
    }
    return spark.read().parquet(path.toString());
  }

  private static boolean hasDataFile(FileSystem fs, Path table) throws IOException {
    org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files =
        fs.listFiles(table, true);
    while (files.hasNext()) {
      String name = files.next().getPath().getName();
      if (!name.startsWith("_") && !name.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  List<String> tasks(List<String> wanted) {
    List<String> all =
        instructions
            .select(Partitions.TASK)
            .distinct()
            .orderBy(Partitions.TASK)
            .as(Encoders.STRING())
            .collectAsList();
    for (String task : wanted) {
      if (!all.contains(task)) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot export task %s: the warehouse has no instructions for it (tasks: %s).",
                task, all));
      }
    }
    return wanted.isEmpty() ? all : wanted.stream().sorted().distinct().toList();
  }

  /** The languages to export: the asked ones (all there are when none), en first. */
  List<String> languages(List<String> tasks, List<String> wanted) {
    Map<String, TreeSet<String>> byLang = new TreeMap<>();
    if (translations != null) {
      for (Row r :
          translations
              .where(col(Partitions.TASK).isin(tasks.toArray()))
              .select(ExampleTable.LANG, Partitions.TASK)
              .distinct()
              .collectAsList()) {
        byLang.computeIfAbsent(r.getString(0), k -> new TreeSet<>()).add(r.getString(1));
      }
    }
    if (wanted.isEmpty()) {
      List<String> all = new ArrayList<>(List.of(ExampleSchema.SOURCE_LANG));
      all.addAll(byLang.keySet());
      return all;
    }
    for (String lang : wanted) {
      if (lang.equals(ExampleSchema.SOURCE_LANG)) {
        continue;
      }
      TreeSet<String> have = byLang.get(lang);
      if (have == null) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot export language %s: the warehouse has no translations to it for tasks %s "
                    + "(languages there: %s). Run expand-multilingual --languages %s first, or "
                    + "leave it out of --languages.",
                lang, tasks, byLang.keySet(), lang));
      }
      TreeSet<String> without = new TreeSet<>(tasks);
      without.removeAll(have);
      if (!without.isEmpty()) {
        LOG.warn(
            "{}: no {} translations for task(s) {}: their {} files and examples are "
                + "not written",
            ExportShardsJob.NAME,
            lang,
            without,
            lang);
      }
    }
    return wanted;
  }
}
