package org.mimicit.common.report;

import static org.mimicit.common.error.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chart of the report: bars (one series or several, side by side or stacked) over categories, or
 * a heat map of counts over two sets of categories (a 2-D histogram). Every chart has a title and
 * axis labels with units, and its numbers come with it as a {@link DataTable}, shown under it.
 * Drawn in the browser by ECharts as SVG from the option document {@link #option()}.
 */
public final class Chart {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Kind {
    BARS,
    STACKED_BARS,
    HEATMAP
  }

  private final String id;
  private final String title;
  private final Kind kind;
  private final String xLabel;
  private final String yLabel;
  private final List<String> xCategories;
  private final List<String> yCategories;
  private final Map<String, long[]> series;
  private final long[][] cells;

  private Chart(
      String id,
      String title,
      Kind kind,
      String xLabel,
      String yLabel,
      List<String> xCategories,
      List<String> yCategories,
      Map<String, long[]> series,
      long[][] cells) {
    checkArgument(id.matches("[a-z0-9-]+"), "Invalid chart id (use a-z, 0-9, -): %s", id);
    checkArgument(!title.isBlank(), "Chart %s has no title", id);
    checkArgument(!xLabel.isBlank() && !yLabel.isBlank(), "Chart %s needs both axis labels", id);
    this.id = id;
    this.title = title;
    this.kind = kind;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.xCategories = List.copyOf(xCategories);
    this.yCategories = List.copyOf(yCategories);
    this.series = series;
    this.cells = cells;
  }

  /**
   * Bars over {@code categories}: one bar per series and category ({@code stacked}: one stacked bar
   * per category). Every series has one value per category.
   */
  public static Chart bars(
      String id,
      String title,
      String xLabel,
      List<String> categories,
      String yLabel,
      Map<String, long[]> series,
      boolean stacked) {
    series.forEach(
        (name, values) ->
            checkArgument(
                values.length == categories.size(),
                "Chart %s: series %s has %s values for %s categories",
                id,
                name,
                values.length,
                categories.size()));
    return new Chart(
        id,
        title,
        stacked ? Kind.STACKED_BARS : Kind.BARS,
        xLabel,
        yLabel,
        categories,
        List.of(),
        new LinkedHashMap<>(series),
        null);
  }

  /** A heat map: {@code cells[x][y]} is the count of the x-th column and y-th row category. */
  public static Chart heatmap(
      String id,
      String title,
      String xLabel,
      List<String> xCategories,
      String yLabel,
      List<String> yCategories,
      long[][] cells) {
    checkArgument(cells.length == xCategories.size(), "Chart %s: %s columns", id, cells.length);
    for (long[] column : cells) {
      checkArgument(column.length == yCategories.size(), "Chart %s: a column's length", id);
    }
    return new Chart(
        id, title, Kind.HEATMAP, xLabel, yLabel, xCategories, yCategories, Map.of(), cells);
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  /** The chart's numbers: a row per category (heat map: per row category), a column per series. */
  public DataTable table() {
    if (kind == Kind.HEATMAP) {
      List<String> columns = new ArrayList<>();
      columns.add(yLabel + " \\ " + xLabel);
      columns.addAll(xCategories);
      DataTable t = new DataTable(id + "-data", title + ": counts", columns);
      for (int y = yCategories.size() - 1; y >= 0; y--) {
        Object[] row = new Object[xCategories.size() + 1];
        row[0] = yCategories.get(y);
        for (int x = 0; x < xCategories.size(); x++) {
          row[x + 1] = cells[x][y];
        }
        t.row(row);
      }
      return t;
    }
    List<String> columns = new ArrayList<>();
    columns.add(xLabel);
    series.keySet().forEach(name -> columns.add(name + " — " + yLabel));
    DataTable t = new DataTable(id + "-data", title + ": numbers", columns);
    for (int i = 0; i < xCategories.size(); i++) {
      Object[] row = new Object[series.size() + 1];
      row[0] = xCategories.get(i);
      int s = 1;
      for (long[] values : series.values()) {
        row[s++] = values[i];
      }
      t.row(row);
    }
    return t;
  }

  /** The ECharts option document: no animation, so the chart is drawn as soon as it is set. */
  public ObjectNode option() {
    ObjectNode o = JSON.createObjectNode();
    o.put("animation", false);
    ObjectNode t = o.putObject("title");
    t.put("text", title);
    t.put("left", "center");
    t.putObject("textStyle").put("fontSize", 14);
    o.putObject("tooltip").put("trigger", kind == Kind.HEATMAP ? "item" : "axis");
    boolean rotate = xCategories.size() > 8 || longest(xCategories) > 10;
    ObjectNode grid = o.putObject("grid");
    grid.put("left", 20);
    grid.put("right", 30);
    grid.put("top", kind == Kind.HEATMAP || series.size() <= 1 ? 50 : 75);
    grid.put("bottom", kind == Kind.HEATMAP ? 80 : 35);
    grid.put("containLabel", true);
    ObjectNode x = o.putObject("xAxis");
    x.put("type", "category");
    x.put("name", xLabel);
    x.put("nameLocation", "middle");
    x.put("nameGap", rotate ? 60 : 28);
    strings(x.putArray("data"), xCategories);
    ObjectNode xl = x.putObject("axisLabel");
    xl.put("interval", 0);
    xl.put("rotate", rotate ? 35 : 0);
    ObjectNode y = o.putObject("yAxis");
    y.put("name", yLabel);
    y.put("nameLocation", "end");
    y.putObject("nameTextStyle").put("align", "left");
    if (kind == Kind.HEATMAP) {
      y.put("type", "category");
      strings(y.putArray("data"), yCategories);
      heatmap(o);
    } else {
      y.put("type", "value");
      y.put("minInterval", 1);
      bars(o);
    }
    return o;
  }

  private void bars(ObjectNode o) {
    if (series.size() > 1) {
      ObjectNode legend = o.putObject("legend");
      legend.put("top", 24);
      legend.put("type", "scroll");
    }
    ArrayNode all = o.putArray("series");
    for (Map.Entry<String, long[]> e : series.entrySet()) {
      ObjectNode s = all.addObject();
      s.put("name", e.getKey());
      s.put("type", "bar");
      if (kind == Kind.STACKED_BARS) {
        s.put("stack", "all");
      }
      ArrayNode data = s.putArray("data");
      for (long v : e.getValue()) {
        data.add(v);
      }
    }
  }

  private void heatmap(ObjectNode o) {
    long max = 1;
    ArrayNode data = JSON.createArrayNode();
    for (int x = 0; x < cells.length; x++) {
      for (int yi = 0; yi < cells[x].length; yi++) {
        if (cells[x][yi] > 0) {
          data.addArray().add(x).add(yi).add(cells[x][yi]);
          max = Math.max(max, cells[x][yi]);
        }
      }
    }
    ObjectNode vm = o.putObject("visualMap");
    vm.put("min", 0);
    vm.put("max", max);
    vm.put("orient", "horizontal");
    vm.put("left", "center");
    vm.put("bottom", 0);
    vm.put("calculable", false);
    vm.putArray("text").add(String.valueOf(max)).add("0"); // the counts at the scale's ends
    vm.putObject("inRange").putArray("color").add("#e8f1fa").add("#08306b");
    ObjectNode s = o.putArray("series").addObject();
    s.put("name", title);
    s.put("type", "heatmap");
    s.set("data", data);
    s.putObject("label").put("show", true);
  }

  private static int longest(List<String> names) {
    return names.stream().mapToInt(String::length).max().orElse(0);
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  /** The option as JSON that is safe inside a {@code <script>} element. */
  String optionScriptText() {
    try {
      return JSON.writeValueAsString(option())
          .replace("<", "\\u003c")
          .replace(">", "\\u003e")
          .replace("&", "\\u0026");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the option of chart " + id, e);
    }
  }
}
