package org.mimicit.common.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The generation stage's part of {@link ApiRunner}: one request per annotation (system message,
 * in-context examples, the annotation's sentences), the reply's question-answer pairs cached as
 * they arrive; a reply with no pair is asked again, then given up.
 */
public final class GenerationWork implements BatchWork<Annotation> {
  /** An annotation given up on. */
  public record Failure(String key, String id, String reason) {}

  private static final int REPLY_START = 120;

  private final Map<String, Prompt> prompts;
  private final ApiSettings settings;
  private final ApiCacheWriter cache;
  private final ApiMetrics metrics;
  private final Consumer<Failure> failures;

  public GenerationWork(
      Map<String, Prompt> prompts,
      ApiSettings settings,
      ApiCacheWriter cache,
      ApiMetrics metrics,
      Consumer<Failure> failures) {
    this.prompts = prompts;
    this.settings = settings;
    this.cache = cache;
    this.metrics = metrics;
    this.failures = failures;
  }

  /** The request for one annotation: the whole output budget, as Syphus asks for. */
  public static ChatRequest request(Prompt prompt, Annotation annotation, int maxOutputTokens) {
    List<ChatMessage> messages = prompt.messages(annotation.sentences());
    int promptTokens =
        (int) Math.ceil((prompt.length() + annotation.sentences().length()) / 3.5)
            + 8 * messages.size();
    int expected = Math.min(maxOutputTokens, 600);
    return new ChatRequest(messages, maxOutputTokens, promptTokens + expected);
  }

  @Override
  public ChatRequest request(Annotation annotation) {
    return request(prompts.get(annotation.prompt()), annotation, settings.maxOutputTokens());
  }

  @Override
  public ApiRunner.Rest<Annotation> accept(Annotation annotation, ChatReply reply) {
    List<QaPair> pairs = GenerationProtocol.parse(reply.content());
    if (pairs.isEmpty()) {
      String start = reply.content() == null ? "" : reply.content().strip().replaceAll("\\s+", " ");
      return new ApiRunner.Rest<>(
          annotation,
          "no question-answer pair in the reply: "
              + (start.length() > REPLY_START ? start.substring(0, REPLY_START) + "..." : start));
    }
    String model =
        reply.model() == null || reply.model().isBlank() ? settings.model() : reply.model();
    cache.append(entry(annotation, model, pairs));
    metrics.accepted(1);
    return null;
  }

  /** The cache line of an accepted reply. */
  public static ObjectNode entry(Annotation annotation, String model, List<QaPair> pairs) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("key", annotation.key());
    e.put("id", annotation.id());
    e.put("model", model);
    ArrayNode list = e.putArray("pairs");
    for (QaPair p : pairs) {
      list.addObject().put("instruction", p.instruction()).put("answer", p.answer());
    }
    return e;
  }

  @Override
  public void giveUp(Annotation annotation, String reason) {
    failures.accept(new Failure(annotation.key(), annotation.id(), reason));
    metrics.rejected(1);
  }

  @Override
  public List<Annotation> split(Annotation annotation) {
    return List.of(annotation);
  }

  @Override
  public ObjectNode write(Annotation a) {
    return JsonNodeFactory.instance
        .objectNode()
        .put("id", a.id())
        .put("sentences", a.sentences())
        .put("prompt", a.prompt())
        .put("key", a.key());
  }

  @Override
  public Annotation read(com.fasterxml.jackson.databind.JsonNode json) {
    return new Annotation(
        json.path("id").asText(),
        json.path("sentences").asText(),
        json.path("prompt").asText(),
        json.path("key").asText());
  }

  @Override
  public List<String> keys(Annotation annotation) {
    return List.of(annotation.key());
  }

  @Override
  public Annotation only(Annotation annotation, Set<String> keys) {
    return keys.contains(annotation.key()) ? annotation : null;
  }
}
