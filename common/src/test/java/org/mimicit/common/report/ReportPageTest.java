package org.mimicit.common.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportPageTest {
  @Test
  void escapesTextAndKeepsExactNumbersInDataValues() {
    ReportPage page = new ReportPage("A <b>report</b>");
    page.section("s", "S & T")
        .table(
            new DataTable("t", "caption <i>", List.of("name", "n", "mean"))
                .row("<script>alert(1)</script>", 1234567L, 2.5));
    String html = page.render();
    assertThat(html)
        .contains("<title>A &lt;b&gt;report&lt;/b&gt;</title>")
        .contains("<h2>S &amp; T</h2>")
        .contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>")
        .contains("<td class=\"num\" data-value=\"1234567\">1,234,567</td>")
        .contains("<td class=\"num\" data-value=\"2.5\">2.50</td>")
        .doesNotContain("<script>alert(1)");
  }

  @Test
  void inlinesEChartsAndFetchesNothing() {
    String html = new ReportPage("r").render();
    assertThat(html).contains(EChartsScript.source()).contains("echarts.init(");
    assertThat(EChartsScript.source()).hasSizeGreaterThan(500_000);
    assertThat(html.replace(EChartsScript.source(), ""))
        .doesNotContain("http://")
        .doesNotContain("https://")
        .doesNotContain("<link")
        .doesNotContain("src=");
  }

  @Test
  void chartOptionIsScriptSafeJsonWithTitleAxesAndATableOfItsNumbers() throws Exception {
    Map<String, long[]> series = new LinkedHashMap<>();
    series.put("LA", new long[] {3, 0});
    series.put("</script>", new long[] {1, 2});
    Chart chart =
        Chart.bars(
            "c",
            "Lengths",
            "length (characters)",
            List.of("0–9", "10–19"),
            "n (count)",
            series,
            true);
    ReportPage page = new ReportPage("r");
    page.section("s", "S").chart(chart);
    String html = page.render();
    Matcher m =
        Pattern.compile("<script type=\"application/json\" id=\"c-option\">(.*?)</script>")
            .matcher(html);
    assertThat(m.find()).isTrue();
    JsonNode o = new ObjectMapper().readTree(m.group(1));
    assertThat(o.path("title").path("text").asText()).isEqualTo("Lengths");
    assertThat(o.path("xAxis").path("name").asText()).isEqualTo("length (characters)");
    assertThat(o.path("yAxis").path("name").asText()).isEqualTo("n (count)");
    assertThat(o.path("series").get(1).path("name").asText()).isEqualTo("</script>");
    assertThat(o.path("series").get(1).path("stack").asText()).isEqualTo("all");
    assertThat(o.path("animation").asBoolean()).isFalse();
    assertThat(chart.table().rows())
        .containsExactly(List.of("0–9", 3L, 1L), List.of("10–19", 0L, 2L));
    assertThat(html).contains("<div class=\"plot\" id=\"c\"");
  }

  @Test
  void heatmapTableListsRowsTopDown() {
    Chart chart =
        Chart.heatmap(
            "h",
            "W x H",
            "width (pixels)",
            List.of("a", "b"),
            "height (pixels)",
            List.of("low", "high"),
            new long[][] {{1, 2}, {3, 4}});
    assertThat(chart.table().rows())
        .containsExactly(List.of("high", 2L, 4L), List.of("low", 1L, 3L));
    assertThat(chart.option().path("series").get(0).path("data").toString())
        .isEqualTo("[[0,0,1],[0,1,2],[1,0,3],[1,1,4]]");
  }

  @Test
  void rejectsBadIdsMissingLabelsAndMismatchedRows() {
    assertThatThrownBy(() -> new DataTable("Bad Id", "c", List.of("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid table id (use a-z, 0-9, -): Bad Id");
    assertThatThrownBy(() -> new DataTable("t", "c", List.of("a", "b")).row(1L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Table t: a row of 1 cells for 2 columns");
    assertThatThrownBy(
            () -> Chart.bars("c", "T", " ", List.of("x"), "y", Map.of("s", new long[1]), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Chart c needs both axis labels");
    assertThatThrownBy(
            () -> Chart.bars("c", "T", "x", List.of("x"), "y", Map.of("s", new long[2]), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Chart c: series s has 2 values for 1 categories");
    ReportPage page = new ReportPage("r");
    page.section("a", "A");
    assertThatThrownBy(() -> page.section("a", "again"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Duplicate section id: a");
  }
}
