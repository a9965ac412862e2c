package org.mimicit.jobs.report;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.Set;

/**
 * What {@code report} reads and writes.
 *
 * @param warehouse the warehouse root
 * @param output the HTML file to write ({@code <warehouse>/_report/index.html} by default)
 * @param tasks only these tasks (empty: all)
 * @param pricePer1kTokens US dollars per 1,000 API tokens, for the cost of the API stages
 * @param samples sample rows shown per group (rejected reason, language, duplicate)
 */
public record ReportConfig(
    String warehouse, String output, Set<String> tasks, double pricePer1kTokens, int samples) {
  public static final String DEFAULT_OUTPUT = "_report/index.html";
  public static final int DEFAULT_SAMPLES = 3;

  public ReportConfig {
    checkArgument(warehouse != null && !warehouse.isBlank(), "Cannot report: no --warehouse");
    checkArgument(
        pricePer1kTokens >= 0,
        "Cannot set --price-per-1k-tokens to %s, the value must not be negative.",
        pricePer1kTokens);
    checkArgument(
        samples >= 0 && samples <= 100,
        "Cannot set --samples to %s, the value must be between 0 and 100.",
        samples);
    tasks = Set.copyOf(tasks);
    warehouse = stripSlash(warehouse);
    if (output == null) {
      output = warehouse + "/" + DEFAULT_OUTPUT;
    }
  }

  /** All tasks, the default output, no price, the default number of samples. */
  public static ReportConfig defaults(String warehouse) {
    return new ReportConfig(warehouse, null, Set.of(), 0, DEFAULT_SAMPLES);
  }

  private static String stripSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
