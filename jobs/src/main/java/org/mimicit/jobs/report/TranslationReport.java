package org.mimicit.jobs.report;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.substring;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.mimicit.common.report.Chart;
import org.mimicit.common.report.DataTable;
import org.mimicit.common.report.Section;
import org.mimicit.common.schema.InstructionSchema;
import org.mimicit.common.schema.RejectReason;
import org.mimicit.common.schema.RejectedSchema;
import org.mimicit.common.schema.TranslationSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * The translation section: coverage per task and language (translated, failed: rejected as {@code
 * api_failed}, missing: neither), and a few sample pairs per language beside the English.
 */
final class TranslationReport {
  /** The job whose stats name the languages asked for. */
  static final String EXPAND_JOB = "expand-multilingual";

  private TranslationReport() {}

  /** Adds the section; returns the rows of the translations table. */
  static long add(Section s, ReportInputs in, Map<String, Long> instructions) {
    var table = in.table(TranslationSchema.TABLE);
    Map<String, Long> translated = new HashMap<>();
    TreeSet<String> langs = new TreeSet<>();
    in.stats(EXPAND_JOB)
        .map(j -> j.path("languages"))
        .ifPresent(a -> a.forEach(l -> langs.add(l.asText())));
    if (table.isPresent()) {
      table
          .get()
          .groupBy(Partitions.TASK, TranslationSchema.LANG)
          .agg(count(lit(1)))
          .collectAsList()
          .forEach(
              r -> {
                translated.put(r.getString(0) + "/" + r.getString(1), r.getLong(2));
                langs.add(r.getString(1));
              });
      if (translated.isEmpty()) {
        in.markEmpty(TranslationSchema.TABLE);
      }
    }
    if (translated.isEmpty()) {
      s.notice(Overview.absent(in, TranslationSchema.TABLE));
    }
    Map<String, Long> failed = failed(in, langs);
    if (langs.isEmpty()) {
      s.text("No language was asked for: expand-multilingual has not run on this warehouse.");
      return 0;
    }
    coverage(s, instructions, langs, translated, failed);
    if (table.isPresent() && !translated.isEmpty()) {
      samples(s, in, table.get());
    }
    return translated.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Per task/lang: the units rejected as api_failed (the detail starts with "lang=xx:"). */
  private static Map<String, Long> failed(ReportInputs in, TreeSet<String> langs) {
    Map<String, Long> failed = new HashMap<>();
    if (!in.folders(RejectedSchema.TABLE).contains(TranslationSchema.TABLE)) {
      return failed; // no unit was given up: the job writes no rejected partition then
    }
    in.table(RejectedSchema.pathOf(TranslationSchema.TABLE))
        .ifPresent(
            rows ->
                rows.where(col(RejectedSchema.REASON).equalTo(RejectReason.API_FAILED.code()))
                    .select(
                        col(Partitions.TASK),
                        regexp_extract(col(RejectedSchema.DETAIL), "^lang=([^:]+)", 1).as("lang"))
                    .groupBy(Partitions.TASK, "lang")
                    .agg(count(lit(1)))
                    .collectAsList()
                    .forEach(
                        r -> {
                          failed.put(r.getString(0) + "/" + r.getString(1), r.getLong(2));
                          langs.add(r.getString(1));
                        }));
    return failed;
  }

  private static void coverage(
      Section s,
      Map<String, Long> instructions,
      TreeSet<String> langs,
      Map<String, Long> translated,
      Map<String, Long> failed) {
    TreeSet<String> tasks = new TreeSet<>(instructions.keySet());
    translated.keySet().forEach(k -> tasks.add(k.substring(0, k.indexOf('/'))));
    failed.keySet().forEach(k -> tasks.add(k.substring(0, k.indexOf('/'))));
    DataTable t =
        new DataTable(
            "translation-coverage",
            "Translation coverage per task and language",
            List.of("task", "language", "instructions", "translated", "failed", "missing"));
    List<String> langList = new ArrayList<>(langs);
    List<String> matrixColumns = new ArrayList<>(List.of("task"));
    matrixColumns.addAll(langList);
    DataTable matrix =
        new DataTable(
            "translation-matrix", "Task x language: translated / failed / missing", matrixColumns);
    Map<String, long[]> series = new LinkedHashMap<>();
    for (String name : List.of("translated", "failed", "missing")) {
      series.put(name, new long[langList.size()]);
    }
    for (String task : tasks) {
      long n = instructions.getOrDefault(task, 0L);
      Object[] cells = new Object[langList.size() + 1];
      cells[0] = task;
      for (int i = 0; i < langList.size(); i++) {
        String key = task + "/" + langList.get(i);
        long ok = translated.getOrDefault(key, 0L);
        long bad = failed.getOrDefault(key, 0L);
        long missing = Math.max(0, n - ok - bad);
        t.row(task, langList.get(i), n, ok, bad, missing);
        series.get("translated")[i] += ok;
        series.get("failed")[i] += bad;
        series.get("missing")[i] += missing;
        cells[i + 1] = ok + " / " + bad + " / " + missing;
      }
      matrix.row(cells);
    }
    s.table(matrix);
    s.chart(
        Chart.bars(
            "chart-translation-coverage",
            "Translation coverage by language (all tasks)",
            "language",
            langList,
            "instructions (count)",
            series,
            true));
    s.table(t);
  }

  private static void samples(Section s, ReportInputs in, Dataset<Row> translations) {
    int n = Math.max(1, in.config().samples() - 1);
    Dataset<Row> picked =
        translations
            .withColumn(
                "rn",
                row_number()
                    .over(
                        Window.partitionBy(TranslationSchema.LANG)
                            .orderBy(Partitions.TASK, TranslationSchema.INS_ID)))
            .where(col("rn").leq(n))
            .select(
                col(TranslationSchema.LANG),
                col(Partitions.TASK).as("t_task"),
                col(TranslationSchema.INS_ID).as("t_id"),
                substring(col(TranslationSchema.INSTRUCTION), 1, 160).as("t_ins"),
                substring(col(TranslationSchema.ANSWER), 1, 160).as("t_ans"));
    Map<String, String[]> english = english(in, picked);
    DataTable t =
        new DataTable(
            "translation-samples",
            "Sample pairs per language (first 160 characters)",
            List.of(
                "language",
                "task",
                "id",
                "instruction (en)",
                "instruction",
                "answer (en)",
                "answer"));
    picked
        .orderBy(TranslationSchema.LANG, "t_task", "t_id")
        .collectAsList()
        .forEach(
            r -> {
              String[] en =
                  english.getOrDefault(r.getString(1) + "/" + r.getString(2), new String[2]);
              t.row(
                  r.getString(0),
                  r.getString(1),
                  r.getString(2),
                  en[0],
                  r.getString(3),
                  en[1],
                  r.getString(4));
            });
    s.table(t);
  }

  /** The English instruction and answer (first 160 characters) of the picked sample ids. */
  private static Map<String, String[]> english(ReportInputs in, Dataset<Row> picked) {
    Map<String, String[]> english = new HashMap<>();
    in.table(InstructionSchema.TABLE)
        .ifPresent(
            ins ->
                ins.join(
                        broadcast(picked.select("t_task", "t_id").distinct()),
                        col(Partitions.TASK)
                            .equalTo(col("t_task"))
                            .and(col(InstructionSchema.INS_ID).equalTo(col("t_id"))))
                    .select(
                        col("t_task"),
                        col("t_id"),
                        substring(col(InstructionSchema.INSTRUCTION), 1, 160),
                        substring(col(InstructionSchema.ANSWER), 1, 160))
                    .collectAsList()
                    .forEach(
                        r ->
                            english.put(
                                r.getString(0) + "/" + r.getString(1),
                                new String[] {r.getString(2), r.getString(3)})));
    return english;
  }
}
