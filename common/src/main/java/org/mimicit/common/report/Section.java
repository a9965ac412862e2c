package org.mimicit.common.report;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/** A section of the report: a heading and, in order, paragraphs, notices, tables and charts. */
public final class Section {
  private final String id;
  private final String title;
  private final List<Object> blocks = new ArrayList<>();

  Section(String id, String title) {
    checkArgument(id.matches("[a-z0-9-]+"), "Invalid section id (use a-z, 0-9, -): %s", id);
    this.id = id;
    this.title = title;
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  /** A paragraph of plain text. */
  public Section text(String text) {
    blocks.add(new Paragraph(text, false));
    return this;
  }

  /** A highlighted paragraph: what is missing, empty or wrong. */
  public Section notice(String text) {
    blocks.add(new Paragraph(text, true));
    return this;
  }

  public Section table(DataTable table) {
    blocks.add(table);
    return this;
  }

  /** A chart, with its numbers as a table under it. */
  public Section chart(Chart chart) {
    blocks.add(chart);
    return this;
  }

  List<Chart> charts() {
    return blocks.stream().filter(Chart.class::isInstance).map(Chart.class::cast).toList();
  }

  void render(StringBuilder html) {
    html.append("<section id=\"").append(id).append("\">\n<h2>");
    html.append(Html.escape(title)).append("</h2>\n");
    for (Object block : blocks) {
      if (block instanceof Paragraph p) {
        html.append(p.notice ? "<p class=\"notice\">" : "<p>");
        html.append(Html.escape(p.text)).append("</p>\n");
      } else if (block instanceof DataTable t) {
        t.render(html);
      } else if (block instanceof Chart c) {
        html.append("<figure class=\"chart\" id=\"").append(c.id()).append("-figure\">");
        html.append("<div class=\"plot\" id=\"").append(c.id()).append("\" role=\"img\"");
        html.append(" aria-label=\"").append(Html.escape(c.title())).append("\"></div>");
        html.append("<script type=\"application/json\" id=\"").append(c.id()).append("-option\">");
        html.append(c.optionScriptText()).append("</script>");
        c.table().render(html);
        html.append("</figure>\n");
      }
    }
    html.append("</section>\n");
  }

  private record Paragraph(String text, boolean notice) {}
}
