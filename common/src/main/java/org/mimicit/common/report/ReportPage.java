package org.mimicit.common.report;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The report as one self-contained HTML page: a title, facts about the run, a table of contents and
 * the sections. Its only script is ECharts, inlined ({@link EChartsScript}), which draws the charts
 * as SVG; no font, style or script is fetched, so the page reads offline and prints (every chart's
 * numbers are also a table).
 */
public final class ReportPage {
  private static final String STYLE =
      """
      :root { color-scheme: light; }
      body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
        "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK KR", sans-serif;
        margin: 0 auto; max-width: 1100px; padding: 16px 24px; color: #1b1f24;
        line-height: 1.4; }
      h1 { font-size: 1.6em; margin: 0.2em 0; }
      h2 { font-size: 1.25em; border-bottom: 2px solid #d0d7de; padding-bottom: 4px;
        margin-top: 1.8em; }
      dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px;
        margin: 8px 0; }
      dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; word-break: break-all; }
      nav ol { columns: 4; padding-left: 1.2em; margin: 8px 0; }
      p.notice { background: #fff8c5; border-left: 4px solid #d4a72c; padding: 6px 10px; }
      figure.chart { margin: 16px 0; break-inside: avoid; }
      div.plot { width: 100%; height: 340px; }
      figcaption { font-size: 0.85em; color: #57606a; }
      .table-wrap { overflow-x: auto; }
      #overview .table-wrap { display: inline-block; vertical-align: top; margin-right: 24px; }
      table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.85em; }
      caption { text-align: left; font-weight: 600; padding: 4px 0; }
      th, td { border: 1px solid #d0d7de; padding: 3px 8px; vertical-align: top; }
      th { background: #f6f8fa; text-align: left; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      td.none { color: #57606a; font-style: italic; }
      @media print {
        body { max-width: none; padding: 0; }
        nav { display: none; }
        section { break-before: auto; }
        table, figure { break-inside: avoid; }
        .table-wrap { overflow: visible; }
      }
      """;

  /** Draws every chart: the option of {@code <div class="plot" id="X">} is in element X-option. */
  private static final String DRAW =
      """
      (function () {
        var charts = [];
        document.querySelectorAll('div.plot').forEach(function (el) {
          var option = JSON.parse(document.getElementById(el.id + '-option').textContent);
          var chart = echarts.init(el, null, { renderer: 'svg' });
          chart.setOption(option);
          charts.push(chart);
        });
        function resize() { charts.forEach(function (c) { c.resize(); }); }
        window.addEventListener('resize', resize);
        window.addEventListener('beforeprint', resize);
        document.documentElement.setAttribute('data-charts-drawn', String(charts.length));
      })();
      """;

  private final String title;
  private final Map<String, String> facts = new LinkedHashMap<>();
  private final List<Section> sections = new ArrayList<>();
  private final Set<String> ids = new HashSet<>();

  public ReportPage(String title) {
    this.title = title;
  }

  /** A fact shown under the title (warehouse, time written, ...). */
  public ReportPage fact(String name, String value) {
    facts.put(name, value);
    return this;
  }

  /** A new section, added at the end; its id is the page anchor. */
  public Section section(String id, String title) {
    checkArgument(ids.add(id), "Duplicate section id: %s", id);
    Section s = new Section(id, title);
    sections.add(s);
    return s;
  }

  public List<Section> sections() {
    return List.copyOf(sections);
  }

  /** The whole page. */
  public String render() {
    Set<String> chartIds = new HashSet<>();
    sections.forEach(
        s ->
            s.charts()
                .forEach(
                    c -> checkArgument(chartIds.add(c.id()), "Duplicate chart id: %s", c.id())));
    StringBuilder html = new StringBuilder(1 << 20);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.append("<title>").append(Html.escape(title)).append("</title>\n");
    html.append("<style>").append(STYLE).append("</style>\n</head>\n<body>\n");
    html.append("<header><h1>").append(Html.escape(title)).append("</h1>\n<dl class=\"facts\">");
    facts.forEach(
        (name, value) ->
            html.append("<dt>")
                .append(Html.escape(name))
                .append("</dt><dd>")
                .append(Html.escape(value))
                .append("</dd>"));
    html.append("</dl>\n<nav><ol>");
    for (Section s : sections) {
      html.append("<li><a href=\"#").append(s.id()).append("\">");
      html.append(Html.escape(s.title())).append("</a></li>");
    }
    html.append("</ol></nav></header>\n<main>\n");
    sections.forEach(s -> s.render(html));
    html.append("</main>\n<footer><p>Charts: Apache ECharts ")
        .append(EChartsScript.VERSION)
        .append(" (Apache-2.0), inlined.</p></footer>\n");
    html.append("<script>").append(EChartsScript.source()).append("</script>\n");
    html.append("<script>").append(DRAW).append("</script>\n</body>\n</html>\n");
    return html.toString();
  }
}
