package org.mimicit.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The translation protocol of SPEC §5. The query is {@code {"languages": [...], "items": [{"id",
 * "instruction", "answer"}]}}; the reply's content must be {@code {"items": [{"id", "translations":
 * {"zh": {"instruction", "answer"}, ...}}]}}. Each item and language is accepted on its own, so
 * only what is missing or wrong is asked again.
 */
public final class TranslationProtocol {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Tokens per message and per item and language beyond the text: roles, keys, quotes. */
  private static final int MESSAGE_OVERHEAD = 8;

  private static final int ITEM_OVERHEAD = 24;

  private TranslationProtocol() {}

  /** An accepted translation of one item into one language. */
  public record Accepted(String key, String lang, String id, String instruction, String answer) {}

  /** The result of checking one reply. */
  public record Verdict(List<Accepted> accepted, List<TranslationItem> rest, String reason) {}

  /** The languages a batch asks for, in the order the items name them. */
  static List<String> languages(List<TranslationItem> batch) {
    Set<String> langs = new LinkedHashSet<>();
    for (TranslationItem item : batch) {
      langs.addAll(item.langs());
    }
    return new ArrayList<>(langs);
  }

  /** The last user message of a request for {@code batch}. */
  public static String query(List<TranslationItem> batch) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode langs = root.putArray("languages");
    languages(batch).forEach(langs::add);
    ArrayNode items = root.putArray("items");
    for (TranslationItem item : batch) {
      items
          .addObject()
          .put("id", item.id())
          .put("instruction", item.instruction())
          .put("answer", item.answer());
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Expected completion tokens of a batch: the texts in each language, plus the JSON around them.
   */
  public static int completionEstimate(List<TranslationItem> batch) {
    double tokens = 16;
    for (TranslationItem item : batch) {
      int chars = item.instruction().length() + item.answer().length();
      for (String lang : item.langs()) {
        tokens += chars / 4.0 * tokensPerEnglishToken(lang) + ITEM_OVERHEAD;
      }
    }
    return (int) Math.ceil(tokens);
  }

  /** Tokens of a text in {@code lang} per token of the same text in English (cl100k/o200k-like). */
  static double tokensPerEnglishToken(String lang) {
    return switch (lang.toLowerCase(Locale.ROOT)) {
      case "de", "fr", "es", "it", "pt" -> 1.4;
      case "zh", "ja" -> 1.6;
      case "ko", "ar", "ru" -> 2.0;
      default -> 1.5;
    };
  }

  /** The request for {@code batch}: max_tokens leaves room for twice the expected reply. */
  public static ChatRequest request(
      Prompt prompt, List<TranslationItem> batch, int maxOutputTokens) {
    String query = query(batch);
    List<ChatMessage> messages = prompt.messages(query);
    int promptTokens =
        (int) Math.ceil((prompt.length() + query.length()) / 3.5)
            + MESSAGE_OVERHEAD * messages.size();
    int completion = completionEstimate(batch);
    int maxTokens = Math.min(maxOutputTokens, completion * 2 + 64);
    return new ChatRequest(messages, maxTokens, promptTokens + Math.min(completion, maxTokens));
  }

  /** Checks a reply's content against the batch it answers. */
  public static Verdict judge(List<TranslationItem> batch, String content) {
    JsonNode root = parseContent(content);
    if (root == null || !root.path("items").isArray()) {
      String start = content == null ? "" : content.strip();
      return new Verdict(
          List.of(),
          batch,
          "reply is not the JSON items document: "
              + (start.length() > 80 ? start.substring(0, 80) + "..." : start));
    }
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    for (JsonNode item : root.get("items")) {
      String id = item.path("id").asText(null);
      if (id != null) {
        byId.putIfAbsent(id, item.path("translations"));
      }
    }
    List<Accepted> accepted = new ArrayList<>();
    List<TranslationItem> rest = new ArrayList<>();
    String reason = null;
    int problems = 0;
    for (TranslationItem item : batch) {
      JsonNode translations = byId.get(item.id());
      List<Integer> again = new ArrayList<>();
      for (int i = 0; i < item.langs().size(); i++) {
        String lang = item.langs().get(i);
        String problem =
            translations == null ? "missing item" : problem(item, lang, translations.path(lang));
        if (problem == null) {
          JsonNode t = translations.get(lang);
          accepted.add(
              new Accepted(
                  item.keys().get(i),
                  lang,
                  item.id(),
                  t.get("instruction").asText(),
                  t.get("answer").asText()));
        } else {
          again.add(i);
          problems++;
          if (reason == null) {
            reason = item.id() + " " + lang + ": " + problem;
          }
        }
      }
      if (!again.isEmpty()) {
        rest.add(item.only(again));
      }
    }
    if (problems > 1) {
      reason = reason + " (and " + (problems - 1) + " more)";
    }
    return new Verdict(accepted, rest, reason);
  }

  private static String problem(TranslationItem item, String lang, JsonNode t) {
    if (t.isMissingNode() || t.isNull()) {
      return "missing language";
    }
    JsonNode instruction = t.get("instruction");
    JsonNode answer = t.get("answer");
    if (instruction == null || !instruction.isTextual() || answer == null || !answer.isTextual()) {
      return "missing instruction or answer";
    }
    String p = TextChecks.problem(lang, item.instruction(), instruction.asText());
    if (p != null) {
      return "instruction " + p;
    }
    p = TextChecks.problem(lang, item.answer(), answer.asText());
    return p == null ? null : "answer " + p;
  }

  /** The JSON document of a content, also when a model wrapped it in a Markdown code fence. */
  static JsonNode parseContent(String content) {
    if (content == null) {
      return null;
    }
    int start = content.indexOf('{');
    int end = content.lastIndexOf('}');
    if (start < 0 || end < start) {
      return null;
    }
    try {
      return JSON.readTree(content.substring(start, end + 1));
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
