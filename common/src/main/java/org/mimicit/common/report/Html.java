package org.mimicit.common.report;

import java.util.Locale;
import org.apache.commons.text.StringEscapeUtils;

/** HTML text and number cells. */
final class Html {
  private Html() {}

  static String escape(String text) {
    return text == null ? "" : StringEscapeUtils.escapeHtml4(text);
  }

  /** A table cell: numbers right-aligned with their exact value in {@code data-value}. */
  static void cell(StringBuilder html, Object value) {
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      long n = ((Number) value).longValue();
      html.append("<td class=\"num\" data-value=\"")
          .append(n)
          .append("\">")
          .append(String.format(Locale.ROOT, "%,d", n))
          .append("</td>");
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      html.append("<td class=\"num\" data-value=\"")
          .append(d)
          .append("\">")
          .append(number(d))
          .append("</td>");
    } else {
      html.append("<td>").append(escape(value == null ? "" : value.toString())).append("</td>");
    }
  }

  /** A decimal shown with two decimals, or as a whole number when it is one. */
  static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) d);
    }
    return String.format(Locale.ROOT, "%,.2f", d);
  }
}
