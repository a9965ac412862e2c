package org.mimicit.common.report;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of the report: a caption, column names and rows of cells. Whole numbers are shown with
 * thousands separators and carry their exact value in a {@code data-value} attribute; other cells
 * are shown as text (HTML-escaped).
 */
public final class DataTable {
  private final String id;
  private final String caption;
  private final List<String> columns;
  private final List<List<Object>> rows = new ArrayList<>();

  /** A table with the page-wide unique {@code id} (letters, digits, dashes). */
  public DataTable(String id, String caption, List<String> columns) {
    checkArgument(id.matches("[a-z0-9-]+"), "Invalid table id (use a-z, 0-9, -): %s", id);
    checkArgument(!columns.isEmpty(), "Table %s has no columns", id);
    this.id = id;
    this.caption = caption;
    this.columns = List.copyOf(columns);
  }

  /** Adds a row of as many cells as there are columns; a null cell is shown empty. */
  public DataTable row(Object... cells) {
    checkArgument(
        cells.length == columns.size(),
        "Table %s: a row of %s cells for %s columns",
        id,
        cells.length,
        columns.size());
    rows.add(java.util.Arrays.asList(cells.clone()));
    return this;
  }

  public String id() {
    return id;
  }

  public String caption() {
    return caption;
  }

  public List<String> columns() {
    return columns;
  }

  public List<List<Object>> rows() {
    return rows;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  void render(StringBuilder html) {
    html.append("<div class=\"table-wrap\"><table id=\"").append(id).append("\">");
    html.append("<caption>").append(Html.escape(caption)).append("</caption><thead><tr>");
    for (String c : columns) {
      html.append("<th scope=\"col\">").append(Html.escape(c)).append("</th>");
    }
    html.append("</tr></thead><tbody>");
    if (rows.isEmpty()) {
      html.append("<tr><td class=\"none\" colspan=\"")
          .append(columns.size())
          .append("\">none</td></tr>");
    }
    for (List<Object> row : rows) {
      html.append("<tr>");
      for (Object cell : row) {
        Html.cell(html, cell);
      }
      html.append("</tr>");
    }
    html.append("</tbody></table></div>\n");
  }
}
