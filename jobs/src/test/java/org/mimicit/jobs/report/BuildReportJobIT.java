package org.mimicit.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.jobs.cli.Launcher;

/**
 * The report of the bundled sample, as the pipeline writes it, opened in a real headless Chromium:
 * every section there, every chart drawn, the numbers of the page equal to Spark's over the same
 * warehouse, no request leaving the page, no console error; a screenshot of the first screen goes
 * to target/report-first-screen.png. Also a warehouse with a table missing and an unreadable path.
 */
class BuildReportJobIT extends SparkTestBase {
  static final List<String> SECTIONS =
      List.of(
          "overview",
          "images",
          "instructions",
          "contexts",
          "rejected",
          "translations",
          "generated",
          "api",
          "export",
          "duplicates");

  static final List<String> CHARTS =
      List.of(
          "chart-images-by-format",
          "chart-image-dimensions",
          "image-bytes",
          "image-width",
          "image-height",
          "chart-instructions-per-task",
          "instruction-chars",
          "answer-chars",
          "instruction-words",
          "answer-words",
          "images-per-instruction",
          "context-length",
          "chart-rejected",
          "chart-translation-coverage",
          "chart-api-requests",
          "chart-api-tokens",
          "chart-export-examples");

  /** Every table of the page: id -> rows of cells (a number cell's data-value, else its text). */
  static final String TABLES_JS =
      "JSON.stringify(Object.fromEntries([...document.querySelectorAll('table')].map(t =>"
          + " [t.id, [...t.tBodies[0].rows].map(r => [...r.cells].map(c =>"
          + " c.dataset.value !== undefined ? c.dataset.value : c.textContent))])))";

  @TempDir static Path tmp;
  static String wh;
  static Path report;
  static String pipelineOut;

  @BeforeAll
  static void runPipelineOnTheSample() throws Exception {
    installChromiumIfMissing();
    Path sample = repo().resolve("sample/mimicit");
    wh = tmp.resolve("wh").toString();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Launcher.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "pipeline",
            "--input",
            sample.toString(),
            "--warehouse",
            wh,
            "--output",
            tmp.resolve("export").toString(),
            "--cache-from",
            repo().resolve("sample/api-cache").toString(),
            "--annotations",
            repo().resolve("sample/annotations/DC_dense_captions.jsonl").toString(),
            "--prompts",
            repo().resolve("conf/prompts/dense_captions.json").toString());
    assertThat(code).as(err.toString()).isZero();
    pipelineOut = out.toString();
    report = Path.of(wh, "_report/index.html");
  }

  /** The test set-up installs Debian's chromium where it is missing (as CI, which can apt). */
  static void installChromiumIfMissing() throws Exception {
    if (Files.isExecutable(HeadlessChromium.CHROMIUM)) {
      return;
    }
    Process p =
        new ProcessBuilder("bash", repo().resolve("submit/install-chromium.sh").toString())
            .inheritIO()
            .start();
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("submit/install-chromium.sh").isZero();
    assertThat(HeadlessChromium.CHROMIUM).isExecutable();
  }

  static Path repo() {
    return Path.of(System.getProperty("user.dir")).getParent();
  }

  @Test
  void pipelineWritesTheReportAndPrintsItsPath() {
    assertThat(report).isRegularFile();
    assertThat(pipelineOut).contains("report: " + report);
  }

  @Test
  void rendersInChromiumWithSparksNumbersNoRequestAndNoConsoleError() throws Exception {
    Path profile = tmp.resolve("chromium/profile");
    Files.createDirectories(profile);
    try (HeadlessChromium browser = HeadlessChromium.start(profile)) {
      browser.enableEvents(1280, 900);
      browser.navigate(report.toUri().toString());
      assertThat(browser.evaluate("document.documentElement.dataset.chartsDrawn").asText())
          .isEqualTo(String.valueOf(CHARTS.size()));

      Path png = Path.of(System.getProperty("user.dir"), "target/report-first-screen.png");
      Files.createDirectories(png.getParent());
      byte[] shot = browser.screenshot();
      Files.write(png, shot);
      assertThat(shot.length).isGreaterThan(20_000);

      for (String id : SECTIONS) {
        assertThat(
                browser
                    .evaluate(
                        "(() => { const s = document.getElementById('"
                            + id
                            + "'); return s ? s.querySelector('h2').textContent + '|' +"
                            + " s.children.length : 'absent'; })()")
                    .asText())
            .as("section %s", id)
            .matches(".+\\|([2-9]|\\d\\d+)");
      }
      assertChartsDrawn(browser);
      byte[] pdf = browser.printToPdf(); // printable: a PDF of several pages, kept for people
      Files.write(png.resolveSibling("report.pdf"), pdf);
      assertThat(new String(pdf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
      assertThat(new String(pdf, StandardCharsets.ISO_8859_1))
          .containsPattern("/Count (1[0-9]|[2-9][0-9])\\b");
      assertNumbersEqualSparks(tables(browser));

      List<String> requests = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (JsonNode e : browser.events()) {
        String method = e.path("method").asText();
        JsonNode p = e.path("params");
        switch (method) {
          case "Network.requestWillBeSent" -> requests.add(p.path("request").path("url").asText());
          case "Runtime.consoleAPICalled" -> {
            if (Set.of("error", "assert", "warning").contains(p.path("type").asText())) {
              problems.add("console." + p.path("type").asText() + ": " + p.path("args"));
            }
          }
          case "Runtime.exceptionThrown" -> problems.add("exception: " + p);
          case "Log.entryAdded" -> {
            if ("error".equals(p.path("entry").path("level").asText())) {
              problems.add("log: " + p.path("entry"));
            }
          }
          default -> {}
        }
      }
      assertThat(requests).as("the page itself is requested").contains(report.toUri().toString());
      assertThat(requests)
          .as("requests other than the file: page and data: URLs")
          .allMatch(url -> url.startsWith("file:") || url.startsWith("data:"));
      assertThat(problems).as("console errors").isEmpty();
    }
  }

  private static void assertChartsDrawn(HeadlessChromium browser) throws Exception {
    JsonNode charts =
        browser.evaluate(
            "[...document.querySelectorAll('div.plot')].map(d => { const s ="
                + " d.querySelector('svg'); const b = s ? s.getBoundingClientRect() : {width: 0,"
                + " height: 0}; return {id: d.id, width: b.width, height: b.height, shapes: s ?"
                + " s.querySelectorAll('path, rect').length : 0, text: s ? s.textContent : ''};"
                + " })");
    List<String> ids = new ArrayList<>();
    for (JsonNode c : charts) {
      String id = c.path("id").asText();
      ids.add(id);
      assertThat(c.path("width").asDouble()).as("width of %s", id).isGreaterThanOrEqualTo(600);
      assertThat(c.path("height").asDouble()).as("height of %s", id).isGreaterThanOrEqualTo(300);
      assertThat(c.path("shapes").asInt()).as("shapes of %s", id).isGreaterThan(5);
      String option =
          browser.evaluate("document.getElementById('" + id + "-option').textContent").asText();
      JsonNode o = new com.fasterxml.jackson.databind.ObjectMapper().readTree(option);
      String text = c.path("text").asText();
      assertThat(text)
          .as("title and axis names drawn in %s", id)
          .contains(o.path("title").path("text").asText())
          .contains(o.path("xAxis").path("name").asText())
          .contains(o.path("yAxis").path("name").asText());
      assertThat(o.path("xAxis").path("name").asText() + o.path("yAxis").path("name").asText())
          .as("units in the axis names of %s", id)
          .contains("(");
      assertThat(browser.evaluate("!!document.getElementById('" + id + "-data')").asBoolean())
          .as("numbers table of %s", id)
          .isTrue();
    }
    assertThat(ids).containsExactlyInAnyOrderElementsOf(CHARTS);
  }

  private static JsonNode tables(HeadlessChromium browser) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(browser.evaluate(TABLES_JS).asText());
  }

  private static void assertNumbersEqualSparks(JsonNode tables) {
    assertThat(rows(tables, "images-by-format"))
        .containsExactlyElementsOf(
            sql(
                "SELECT concat_ws('|', task, format, count(*), sum(length(bytes))) FROM"
                    + " parquet.`%s/images` GROUP BY task, format ORDER BY task, format"));
    assertThat(rows(tables, "chart-instructions-per-task-data"))
        .containsExactlyElementsOf(
            sql(
                "SELECT concat_ws('|', task, count_if(get_json_object(extra_json,"
                    + " '$.generated_by') IS NULL), count_if(get_json_object(extra_json,"
                    + " '$.generated_by') IS NOT NULL)) FROM parquet.`%s/instructions` GROUP BY"
                    + " task ORDER BY task"));
    assertThat(rows(tables, "instruction-chars-summary").subList(0, 3))
        .containsExactlyElementsOf(
            sql(
                "SELECT concat_ws('|', task, count(*), min(length(instruction)),"
                    + " round(avg(length(instruction)), 2), max(length(instruction))) FROM"
                    + " parquet.`%s/instructions` GROUP BY task ORDER BY task"));
    // every instruction in one bin of each length histogram, per task
    for (String histogram : List.of("instruction-chars-data", "answer-words-data")) {
      List<String> bins = rows(tables, histogram);
      List<String> totals = new ArrayList<>();
      int taskColumns = bins.get(0).split("\\|").length - 1;
      for (int c = 1; c <= taskColumns; c++) {
        long sum = 0;
        for (String bin : bins) {
          sum += Long.parseLong(bin.split("\\|")[c]);
        }
        totals.add(String.valueOf(sum));
      }
      assertThat(totals)
          .as(histogram)
          .containsExactlyElementsOf(
              sql(
                  "SELECT cast(count(*) AS string) FROM parquet.`%s/instructions` GROUP BY task"
                      + " ORDER BY task"));
    }
    assertThat(rows(tables, "context-problems"))
        .containsExactlyElementsOf(
            sql(
                "SELECT concat_ws('|', task, count(*), count_if(size(missing_ins_ids) > 0),"
                    + " sum(size(missing_ins_ids)), count_if(size(missing_image_ids) > 0),"
                    + " sum(size(missing_image_ids))) FROM parquet.`%s/incontext` GROUP BY task"
                    + " ORDER BY task"));
    assertThat(rows(tables, "rejected-counts"))
        .containsExactlyElementsOf(
            sql(
                "SELECT concat_ws('|', t, task, reason, count(*)) FROM (SELECT 'images' t, task,"
                    + " reason FROM parquet.`%1$s/rejected/images` UNION ALL SELECT"
                    + " 'instructions', task, reason FROM parquet.`%1$s/rejected/instructions`)"
                    + " GROUP BY t, task, reason ORDER BY t, task, reason"));
    List<String> translated = new ArrayList<>();
    rows(tables, "translation-coverage")
        .forEach(
            r -> {
              String[] c = r.split("\\|");
              if (!"0".equals(c[3])) {
                translated.add(c[0] + "|" + c[1] + "|" + c[3]);
              }
            });
    assertThat(translated)
        .containsExactlyElementsOf(
            sql(
                "SELECT concat_ws('|', task, lang, count(*)) FROM parquet.`%s/translations`"
                    + " GROUP BY task, lang ORDER BY task, lang"));
    assertThat(rows(tables, "duplicate-images"))
        .containsExactlyElementsOf(
            sql(
                "SELECT concat_ws('|', count(*), coalesce(sum(n), 0), coalesce(sum(n), 0) -"
                    + " count(*)) FROM (SELECT sha256, count(*) n FROM parquet.`%s/images` GROUP"
                    + " BY sha256 HAVING count(*) > 1)"));
    assertThat(rows(tables, "duplicate-instructions"))
        .containsExactlyElementsOf(
            sql(
                "SELECT concat_ws('|', count(*), coalesce(sum(n), 0), coalesce(sum(n), 0) -"
                    + " count(*)) FROM (SELECT count(*) n FROM parquet.`%s/instructions` GROUP BY"
                    + " instruction, answer HAVING count(*) > 1)"));
    assertThat(rows(tables, "tables"))
        .contains(
            sql("SELECT 'images|present|' || count(*) FROM parquet.`%s/images`").get(0),
            sql("SELECT 'instructions|present|' || count(*) FROM parquet.`%s/instructions`").get(0),
            sql("SELECT 'translations|present|' || count(*) FROM parquet.`%s/translations`")
                .get(0));
  }

  /** The rows of a page table, cells joined with '|'. */
  private static List<String> rows(JsonNode tables, String id) {
    assertThat(tables.has(id)).as("table %s in the page", id).isTrue();
    List<String> rows = new ArrayList<>();
    for (JsonNode r : tables.get(id)) {
      List<String> cells = new ArrayList<>();
      r.forEach(c -> cells.add(c.asText()));
      rows.add(String.join("|", cells));
    }
    return rows;
  }

  private static List<String> sql(String query) {
    return spark.sql(String.format(query, wh)).as(Encoders.STRING()).collectAsList();
  }

  @Test
  void reportsAMissingAndAnEmptyTableAndStillWritesThePage() throws Exception {
    Path copy = tmp.resolve("partial");
    FileUtils.copyDirectory(Path.of(wh).toFile(), copy.toFile());
    FileUtils.deleteDirectory(copy.resolve("incontext").toFile());
    Path out = tmp.resolve("partial.html");
    StringWriter so = new StringWriter();
    assertThat(
            Launcher.execute(
                new PrintWriter(so, true),
                new PrintWriter(new StringWriter(), true),
                "report",
                "--warehouse",
                copy.toString(),
                "--output",
                out.toString(),
                "--tasks",
                "LA,NO_SUCH_TASK"))
        .isZero();
    assertThat(so.toString().trim()).isEqualTo(out.toString());
    String html = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(html)
        .contains("Missing: the incontext table is not in the warehouse (no incontext/ folder).")
        .contains("<tr><td>incontext</td><td>missing</td><td></td></tr>")
        .contains("<section id=\"images\">")
        .doesNotContain("<td>DC</td>");
    Set<String> ids = new HashSet<>();
    for (String id : SECTIONS) {
      if (html.contains("<section id=\"" + id + "\">")) {
        ids.add(id);
      }
    }
    assertThat(new TreeSet<>(ids)).isEqualTo(new TreeSet<>(SECTIONS));

    Path only = tmp.resolve("only-sd.html");
    assertThat(
            Launcher.execute(
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true),
                "report",
                "--warehouse",
                copy.toString(),
                "--output",
                only.toString(),
                "--tasks",
                "NO_SUCH_TASK"))
        .isZero();
    assertThat(Files.readString(only))
        .contains("Empty: the images table has no rows for task(s) NO_SUCH_TASK.")
        .contains("Empty: the instructions table has no rows for task(s) NO_SUCH_TASK.");
  }

  @Test
  void anUnreadableWarehouseIsOneLineAndExitOne() {
    StringWriter err = new StringWriter();
    String missing = tmp.resolve("no-such-warehouse").toString();
    assertThat(
            Launcher.execute(
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true),
                "report",
                "--warehouse",
                missing))
        .isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "mimicit report: error: Cannot read the warehouse "
                + missing
                + ": no such directory"
                + System.lineSeparator());
  }
}
