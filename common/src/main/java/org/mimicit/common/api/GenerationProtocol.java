package org.mimicit.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the question-answer pairs of a Syphus reply. The line format, as Syphus's prompts ask for
 * it ({@code Question: ...} / {@code Answer: ...}), tolerating numbering ({@code 1.}, {@code 2)},
 * {@code Question 3:}), bold or italic markers, bullets, blank lines, {@code Q:} / {@code A:}, and
 * answers that go on over several lines; or a JSON document (when {@code response_format} is on)
 * holding a list of objects with a question and an answer.
 */
public final class GenerationProtocol {
  /** A label line: optional bullet or number, optional markers, the label, a colon, the text. */
  private static final Pattern LABEL =
      Pattern.compile(
          "^\\s*(?:[-*•]\\s*)?(?:\\d+\\s*[.)]\\s*)?[*_]*\\s*(question|answer|instruction|response|q|a)"
              + "(?:\\s*\\d+)?\\s*[*_]*\\s*[:：]\\s*[*_]*\\s*(.*)$",
          Pattern.CASE_INSENSITIVE);

  private GenerationProtocol() {}

  /** The pairs of a reply, in order; empty when it holds none. */
  public static List<QaPair> parse(String content) {
    if (content == null) {
      return List.of();
    }
    String trimmed = content.strip();
    if (trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed.startsWith("```")) {
      List<QaPair> fromJson = parseJson(trimmed);
      if (!fromJson.isEmpty()) {
        return fromJson;
      }
    }
    return parseLines(content);
  }

  static List<QaPair> parseLines(String content) {
    List<QaPair> pairs = new ArrayList<>();
    StringBuilder question = null;
    StringBuilder answer = null;
    StringBuilder current = null;
    for (String line : content.split("\\R")) {
      Matcher m = LABEL.matcher(line);
      if (m.matches()) {
        String label = m.group(1).toLowerCase(Locale.ROOT);
        String text = stripMarkers(m.group(2));
        if (label.equals("question") || label.equals("q") || label.equals("instruction")) {
          add(pairs, question, answer);
          question = new StringBuilder(text);
          answer = null;
          current = question;
        } else if (question != null) {
          answer = new StringBuilder(text);
          current = answer;
        }
      } else if (current != null && !line.isBlank()) {
        if (current.length() > 0) {
          current.append('\n');
        }
        current.append(stripMarkers(line.strip()));
      }
    }
    add(pairs, question, answer);
    return pairs;
  }

  private static void add(List<QaPair> pairs, StringBuilder question, StringBuilder answer) {
    if (question != null && answer != null) {
      String q = question.toString().strip();
      String a = answer.toString().strip();
      if (!q.isEmpty() && !a.isEmpty()) {
        pairs.add(new QaPair(q, a));
      }
    }
  }

  private static String stripMarkers(String text) {
    String t = text.strip();
    while (t.endsWith("**") || t.endsWith("__")) {
      t = t.substring(0, t.length() - 2).strip();
    }
    while (t.startsWith("**") || t.startsWith("__")) {
      t = t.substring(2).strip();
    }
    return t;
  }

  static List<QaPair> parseJson(String content) {
    int brace = content.indexOf('{');
    int bracket = content.indexOf('[');
    int start = brace < 0 ? bracket : bracket < 0 ? brace : Math.min(brace, bracket);
    int end = Math.max(content.lastIndexOf('}'), content.lastIndexOf(']'));
    if (start < 0 || end < start) {
      return List.of();
    }
    JsonNode root;
    try {
      root =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(content.substring(start, end + 1));
    } catch (java.io.IOException e) {
      return List.of();
    }
    List<QaPair> pairs = new ArrayList<>();
    collect(root, pairs);
    return pairs;
  }

  /** Every object below {@code node} that has a question-like and an answer-like text field. */
  private static void collect(JsonNode node, List<QaPair> pairs) {
    if (node.isObject()) {
      String q = null;
      String a = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String k = f.getKey().toLowerCase(Locale.ROOT);
        if (f.getValue().isTextual()
            && (k.equals("question") || k.equals("instruction") || k.equals("q"))) {
          q = f.getValue().asText().strip();
        } else if (f.getValue().isTextual()
            && (k.equals("answer") || k.equals("response") || k.equals("a"))) {
          a = f.getValue().asText().strip();
        }
      }
      if (q != null && a != null && !q.isEmpty() && !a.isEmpty()) {
        pairs.add(new QaPair(q, a));
        return;
      }
      node.elements().forEachRemaining(child -> collect(child, pairs));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(child -> collect(child, pairs));
    }
  }
}
