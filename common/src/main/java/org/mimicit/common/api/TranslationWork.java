package org.mimicit.common.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.mimicit.common.api.TranslationProtocol.Accepted;
import org.mimicit.common.api.TranslationProtocol.Verdict;

/** The translation stage's part of {@link ApiRunner}: requests, judging, caching, giving up. */
public final class TranslationWork implements BatchWork<List<TranslationItem>> {
  /** An item and language given up on. */
  public record Failure(String key, String lang, String id, String reason) {}

  private final Prompt prompt;
  private final ApiSettings settings;
  private final ApiCacheWriter cache;
  private final ApiMetrics metrics;
  private final Consumer<Failure> failures;

  public TranslationWork(
      Prompt prompt,
      ApiSettings settings,
      ApiCacheWriter cache,
      ApiMetrics metrics,
      Consumer<Failure> failures) {
    this.prompt = prompt;
    this.settings = settings;
    this.cache = cache;
    this.metrics = metrics;
    this.failures = failures;
  }

  @Override
  public ChatRequest request(List<TranslationItem> batch) {
    return TranslationProtocol.request(prompt, batch, settings.maxOutputTokens());
  }

  @Override
  public ApiRunner.Rest<List<TranslationItem>> accept(
      List<TranslationItem> batch, ChatReply reply) {
    Verdict verdict = TranslationProtocol.judge(batch, reply.content());
    String model =
        reply.model() == null || reply.model().isBlank() ? settings.model() : reply.model();
    for (Accepted a : verdict.accepted()) {
      cache.append(entry(a, model));
    }
    metrics.accepted(verdict.accepted().size());
    if (verdict.rest().isEmpty()) {
      return null;
    }
    String reason = verdict.reason();
    if ("length".equals(reply.finishReason())) {
      reason = reason + "; the reply was cut at max_tokens";
    }
    return new ApiRunner.Rest<>(verdict.rest(), reason);
  }

  /** The cache line of an accepted translation. */
  public static ObjectNode entry(Accepted a, String model) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("key", a.key());
    e.put("lang", a.lang());
    e.put("instruction", a.instruction());
    e.put("answer", a.answer());
    e.put("model", model);
    e.put("id", a.id());
    return e;
  }

  @Override
  public void giveUp(List<TranslationItem> batch, String reason) {
    int n = 0;
    for (TranslationItem item : batch) {
      for (int i = 0; i < item.langs().size(); i++) {
        failures.accept(new Failure(item.keys().get(i), item.langs().get(i), item.id(), reason));
        n++;
      }
    }
    metrics.rejected(n);
  }

  @Override
  public List<List<TranslationItem>> split(List<TranslationItem> batch) {
    List<List<TranslationItem>> parts = new ArrayList<>();
    if (batch.size() > 1) {
      batch.forEach(item -> parts.add(List.of(item)));
    } else if (batch.get(0).langs().size() > 1) {
      TranslationItem item = batch.get(0);
      for (int i = 0; i < item.langs().size(); i++) {
        parts.add(List.of(item.only(List.of(i))));
      }
    } else {
      parts.add(batch);
    }
    return parts;
  }

  @Override
  public ObjectNode write(List<TranslationItem> batch) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    com.fasterxml.jackson.databind.node.ArrayNode items = root.putArray("items");
    for (TranslationItem item : batch) {
      ObjectNode i =
          items
              .addObject()
              .put("id", item.id())
              .put("instruction", item.instruction())
              .put("answer", item.answer());
      item.langs().forEach(i.putArray("langs")::add);
      item.keys().forEach(i.putArray("keys")::add);
    }
    return root;
  }

  @Override
  public List<TranslationItem> read(com.fasterxml.jackson.databind.JsonNode json) {
    List<TranslationItem> batch = new ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode i : json.path("items")) {
      List<String> langs = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      i.path("langs").forEach(l -> langs.add(l.asText()));
      i.path("keys").forEach(k -> keys.add(k.asText()));
      batch.add(
          new TranslationItem(
              i.path("id").asText(),
              i.path("instruction").asText(),
              i.path("answer").asText(),
              langs,
              keys));
    }
    return batch;
  }

  @Override
  public List<String> keys(List<TranslationItem> batch) {
    List<String> keys = new ArrayList<>();
    batch.forEach(item -> keys.addAll(item.keys()));
    return keys;
  }

  @Override
  public List<TranslationItem> only(List<TranslationItem> batch, Set<String> keys) {
    List<TranslationItem> kept = new ArrayList<>();
    for (TranslationItem item : batch) {
      List<Integer> indexes = new ArrayList<>();
      for (int i = 0; i < item.keys().size(); i++) {
        if (keys.contains(item.keys().get(i))) {
          indexes.add(i);
        }
      }
      if (indexes.size() == item.keys().size()) {
        kept.add(item);
      } else if (!indexes.isEmpty()) {
        kept.add(item.only(indexes));
      }
    }
    return kept.isEmpty() ? null : kept;
  }
}
