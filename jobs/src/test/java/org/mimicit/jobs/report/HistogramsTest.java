package org.mimicit.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.mimicit.common.report.ReportPage;
import org.mimicit.common.report.Section;
import org.mimicit.common.testing.SparkTestBase;

class HistogramsTest extends SparkTestBase {
  static final StructType SCHEMA =
      new StructType()
          .add("task", DataTypes.StringType)
          .add("chars", DataTypes.LongType)
          .add("words", DataTypes.LongType);

  Dataset<Row> rows() {
    return spark.createDataFrame(
        List.of(
            RowFactory.create("LA", 0L, 0L),
            RowFactory.create("LA", 4L, 1L),
            RowFactory.create("LA", 12L, 3L),
            RowFactory.create("LA", 14L, null),
            RowFactory.create("DC", 150L, 30L),
            RowFactory.create("DC", 160L, 31L)),
        SCHEMA);
  }

  @Test
  void countsEachMetricPerTaskAndBinWithExactSummariesInOnePass() {
    List<Histograms.Metric> metrics =
        List.of(
            new Histograms.Metric("chars", "Length", "characters", col("chars"), Buckets.COUNTS),
            new Histograms.Metric("words", "Length", "words", col("words"), Buckets.COUNTS));
    Histograms.Result r = Histograms.compute(rows(), metrics);

    long[] la = r.counts().get("chars").get("LA");
    assertThat(la[0]).isEqualTo(1); // 0
    assertThat(la[Buckets.COUNTS.of(4)]).isEqualTo(1); // 3-4
    assertThat(la[Buckets.COUNTS.of(12)]).isEqualTo(2); // 10-14
    assertThat(java.util.Arrays.stream(la).sum()).isEqualTo(4);
    assertThat(r.summaries().get("chars").get("LA"))
        .isEqualTo(new Histograms.Summary(4, 0, 14, 30));
    assertThat(r.summaries().get("chars").get("DC"))
        .isEqualTo(new Histograms.Summary(2, 150, 160, 310));
    // a null value is no value: three LA rows have words
    assertThat(r.summaries().get("words").get("LA")).isEqualTo(new Histograms.Summary(3, 0, 3, 4));
    assertThat(r.summaries().get("words").get("LA").mean()).isEqualTo(4 / 3.0);
  }

  @Test
  void chartsTheBinsFromTheFirstToTheLastNonEmptyOneWithASummaryTable() {
    Histograms.Metric m =
        new Histograms.Metric("chars", "Length", "characters", col("chars"), Buckets.COUNTS);
    Histograms.Result r = Histograms.compute(rows(), List.of(m));
    ReportPage page = new ReportPage("t");
    Section s = page.section("s", "S");
    Histograms.addTo(s, "len", m, r, "instructions");
    String html = page.render();
    assertThat(html)
        .contains("<caption>Length (characters) per task: numbers</caption>")
        .contains("<td>0</td>") // the first bin
        .contains("<td>150&ndash;199</td>") // the last non-empty bin
        .doesNotContain("<td>200&ndash;299</td>")
        .contains(
            "<tr><td>all</td><td class=\"num\" data-value=\"6\">6</td>"
                + "<td class=\"num\" data-value=\"0\">0</td>"
                + "<td class=\"num\" data-value=\"56.67\">56.67</td>"
                + "<td class=\"num\" data-value=\"160\">160</td></tr>");
  }
}
