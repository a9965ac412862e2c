package org.mimicit.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.mimicit.common.report.Chart;
import org.mimicit.common.report.DataTable;
import org.mimicit.common.report.Section;

/**
 * The sections read from the {@code _stats} documents of the last runs: the API stages (requests,
 * tokens, retries, 429s, cost), the generation run and the last export (shards, bytes, examples and
 * the examples left out, and why).
 */
final class RunStatsReport {
  static final String EXPORT_JOB = "export-shards";
  static final String GENERATE_JOB = "generate-instructions";

  private RunStatsReport() {}

  /** One API stage's figures: the {@code api_calls} block of its stats. */
  record ApiFigures(String stage, String started, JsonNode calls) {
    long of(String field) {
      return calls.path(field).asLong();
    }

    long tokens() {
      return of("prompt_tokens") + of("completion_tokens");
    }
  }

  /** The API section: one row per job whose stats have an {@code api_calls} block. */
  static void api(Section s, ReportInputs in) {
    List<ApiFigures> stages = new ArrayList<>();
    for (String job : in.statsJobs()) {
      JsonNode stats = in.stats(job).orElse(null);
      if (stats != null && stats.has("api_calls")) {
        stages.add(
            new ApiFigures(
                job, Overview.seconds(stats.path("started").asText("")), stats.get("api_calls")));
        if (stats.has("api")) {
          s.text(
              job + ": " + stats.path("api").asText() + ", model " + stats.path("model").asText());
        }
      }
    }
    if (stages.isEmpty()) {
      s.notice("No API stage has run on this warehouse (no _stats file with api_calls).");
      return;
    }
    List<String> names = stages.stream().map(ApiFigures::stage).toList();
    s.chart(
        Chart.bars(
            "chart-api-requests",
            "API requests, retries and 429 answers per stage",
            "stage",
            names,
            "requests (count)",
            series(stages, "requests", "retries", "http_429"),
            false));
    s.chart(
        Chart.bars(
            "chart-api-tokens",
            "API tokens per stage",
            "stage",
            names,
            "tokens (count)",
            series(stages, "prompt_tokens", "completion_tokens"),
            true));
    double price = in.config().pricePer1kTokens();
    s.table(apiTable(stages, price));
    s.text(
        price == 0
            ? "Cost: give --price-per-1k-tokens to price the tokens (0 USD per 1,000 tokens here)."
            : String.format(Locale.ROOT, "Cost at %s USD per 1,000 tokens.", price));
  }

  private static DataTable apiTable(List<ApiFigures> stages, double price) {
    DataTable t =
        new DataTable(
            "api-calls",
            "API calls per stage (last run of each)",
            List.of(
                "stage",
                "started",
                "requests",
                "retries",
                "HTTP 429",
                "failed attempts",
                "prompt tokens",
                "completion tokens",
                "accepted",
                "rejected",
                "cost (USD)"));
    for (ApiFigures f : stages) {
      t.row(
          f.stage(),
          f.started(),
          f.of("requests"),
          f.of("retries"),
          f.of("http_429"),
          f.of("failed_attempts"),
          f.of("prompt_tokens"),
          f.of("completion_tokens"),
          f.of("accepted"),
          f.of("rejected"),
          Math.round(f.tokens() / 1000.0 * price * 10000) / 10000.0);
    }
    return t;
  }

  /** Per field of {@code api_calls}: its value in each stage. */
  private static Map<String, long[]> series(List<ApiFigures> stages, String... fields) {
    Map<String, long[]> series = new LinkedHashMap<>();
    for (String field : fields) {
      series.put(
          field.replace("http_", "HTTP ").replace('_', ' '),
          stages.stream().mapToLong(f -> f.of(field)).toArray());
    }
    return series;
  }

  /** The generation run's figures, beside the generated pairs counted in the table. */
  static void generation(Section s, ReportInputs in) {
    JsonNode g = in.stats(GENERATE_JOB).orElse(null);
    if (g == null) {
      s.text(
          "generate-instructions has not run on this warehouse (no _stats/"
              + GENERATE_JOB
              + ".json).");
      return;
    }
    java.util.Set<String> asked = in.config().tasks();
    if (!asked.isEmpty() && !asked.contains(g.path("task").asText())) {
      s.text("The last generate-instructions run was for a task not asked for.");
      return;
    }
    DataTable t =
        new DataTable(
            "generation-run",
            "The last generate-instructions run",
            List.of(
                "started",
                "task",
                "model",
                "annotations in",
                "pairs out",
                "first id",
                "rejected",
                "not generated offline"));
    t.row(
        Overview.seconds(g.path("started").asText("")),
        g.path("task").asText(""),
        g.path("model").asText(""),
        g.path("rows_in").asLong(),
        g.path("rows_out").asLong(),
        g.path("first_id").asText(""),
        g.path("rejected_total").asLong(),
        g.path("not_generated_offline").asLong());
    s.table(t);
  }

  /** The export section: the last export's shards and examples, from its stats. */
  static void export(Section s, ReportInputs in) {
    JsonNode e = in.stats(EXPORT_JOB).orElse(null);
    if (e == null) {
      s.notice(
          "No export: export-shards has not run on this warehouse (no _stats/"
              + EXPORT_JOB
              + ".json).");
      return;
    }
    List<String> formats = new ArrayList<>();
    e.path("formats").forEach(f -> formats.add(f.asText()));
    DataTable run =
        new DataTable(
            "export-run",
            "The last export",
            List.of("started", "output", "formats", "files", "bytes", "shard size (bytes)"));
    run.row(
        Overview.seconds(e.path("started").asText("")),
        e.path("paths").path("output").asText(""),
        String.join(", ", formats),
        e.path("files").asLong(),
        e.path("bytes_out").asLong(),
        e.path("shard_bytes").asLong());
    s.table(run);
    examples(s, e, in.config().tasks());
  }

  /** Examples per task and language, and those left out, from the export's stats. */
  private static void examples(Section s, JsonNode e, java.util.Set<String> asked) {
    TreeSet<String> langs = new TreeSet<>();
    List<String> tasks = new ArrayList<>();
    e.path("tasks")
        .fields()
        .forEachRemaining(
            t -> {
              if (!asked.isEmpty() && !asked.contains(t.getKey())) {
                return;
              }
              tasks.add(t.getKey());
              t.getValue().path("examples").fieldNames().forEachRemaining(langs::add);
            });
    DataTable ex =
        new DataTable(
            "export-examples",
            "Examples exported per task and language",
            List.of("task", "language", "examples"));
    DataTable skipped =
        new DataTable(
            "export-skipped",
            "Examples left out of the shards because an image is missing from the images table",
            List.of("task", "language", "examples left out"));
    Map<String, long[]> series = new LinkedHashMap<>();
    langs.forEach(l -> series.put(l, new long[tasks.size()]));
    for (int i = 0; i < tasks.size(); i++) {
      JsonNode t = e.path("tasks").path(tasks.get(i));
      final int ti = i;
      final String task = tasks.get(i);
      t.path("examples")
          .fields()
          .forEachRemaining(
              x -> {
                ex.row(task, x.getKey(), x.getValue().asLong());
                series.get(x.getKey())[ti] = x.getValue().asLong();
              });
      t.path("skipped_missing_images")
          .fields()
          .forEachRemaining(x -> skipped.row(task, x.getKey(), x.getValue().asLong()));
    }
    if (!tasks.isEmpty()) {
      s.chart(
          Chart.bars(
              "chart-export-examples",
              "Examples exported per task by language",
              "task",
              tasks,
              "examples (count)",
              series,
              true));
    }
    s.table(ex);
    s.table(skipped);
  }
}
