package org.mimicit.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mimicit.common.api.ApiCallException.Kind;

/**
 * The chat-completions client for OpenAI-compatible servers (OpenAI, vLLM, llama.cpp server,
 * Ollama) and Azure OpenAI, on the JDK's {@link HttpClient} (no dependency that could clash with
 * Spark's Netty or Jetty). One {@link HttpClient} per executor JVM and settings.
 */
final class HttpChatClient implements ChatClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<ApiSettings, HttpChatClient> SHARED = new ConcurrentHashMap<>();
  private static final int ERROR_BODY_CHARS = 300;

  private final ApiSettings settings;
  private final HttpClient http;

  HttpChatClient(ApiSettings settings) {
    this.settings = settings;
    this.http = httpClient(settings);
  }

  /** An HTTP client for the API of {@code settings}: HTTP/2 over TLS, else HTTP/1.1. */
  static HttpClient httpClient(ApiSettings settings) {
    return HttpClient.newBuilder()
        // h2c upgrades confuse some plain-http servers (llama.cpp, proxies); TLS negotiates h2
        .version(
            settings.base().startsWith("https:")
                ? HttpClient.Version.HTTP_2
                : HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.timeout())
        .build();
  }

  static HttpChatClient shared(ApiSettings settings) {
    return SHARED.computeIfAbsent(settings, HttpChatClient::new);
  }

  @Override
  public ChatReply complete(ChatRequest request) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(settings.completionsUri())
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body(request)));
    if (settings.key() != null) {
      if (ApiSettings.AZURE.equals(settings.type())) {
        builder.header("api-key", settings.key());
      } else {
        builder.header("Authorization", "Bearer " + settings.key());
      }
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new ApiCallException(
          Kind.TIMEOUT, 0, null, "no reply within " + settings.timeout().toSeconds() + " s", e);
    } catch (IOException e) {
      throw new ApiCallException(Kind.CONNECTION, 0, null, "connection failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiCallException(Kind.CONNECTION, 0, null, "interrupted", e);
    }
    int status = response.statusCode();
    if (status != 200) {
      throw failure(
          status, response.headers(), new String(response.body(), StandardCharsets.UTF_8));
    }
    return parse(response.body(), RateLimitHeaders.holdBack(response.headers()));
  }

  byte[] body(ChatRequest request) {
    try {
      return JSON.writeValueAsBytes(bodyNode(settings, request, settings.model()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The JSON body of a chat-completions request: {@code model}, the messages, {@code max_tokens},
   * {@code temperature} and, when on, {@code response_format}. The Batch API's request lines carry
   * the same body ({@link BatchRunner}).
   */
  static ObjectNode bodyNode(ApiSettings settings, ChatRequest request, String model) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    ArrayNode messages = body.putArray("messages");
    for (ChatMessage m : request.messages()) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    body.put("max_tokens", request.maxTokens());
    body.put("temperature", settings.temperature());
    if (settings.jsonResponseFormat()) {
      body.putObject("response_format").put("type", "json_object");
    }
    return body;
  }

  static ApiCallException failure(int status, HttpHeaders headers, String body) {
    String start =
        body.length() > ERROR_BODY_CHARS ? body.substring(0, ERROR_BODY_CHARS) + "..." : body;
    String message = "HTTP " + status + ": " + start.replaceAll("\\s+", " ").trim();
    Kind kind;
    if (status == 429) {
      kind = Kind.RATE_LIMITED;
    } else if (status >= 500 || status == 408 || status == 409) {
      kind = Kind.SERVER;
    } else if (status == 401 || status == 403 || status == 404) {
      kind = Kind.FATAL;
    } else {
      kind = Kind.REFUSED;
    }
    return new ApiCallException(kind, status, RateLimitHeaders.retryAfter(headers), message, null);
  }

  static ChatReply parse(byte[] body, Duration holdBack) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new ApiCallException(
          Kind.BAD_REPLY,
          200,
          null,
          "the reply is not JSON: " + e.getMessage().lines().findFirst().orElse(""),
          e);
    }
    JsonNode choice = root == null ? null : root.path("choices").path(0);
    JsonNode content = choice == null ? null : choice.path("message").get("content");
    if (content == null || !content.isTextual()) {
      String text = new String(body, StandardCharsets.UTF_8);
      throw new ApiCallException(
          Kind.BAD_REPLY,
          200,
          null,
          "the reply has no choices[0].message.content: "
              + (text.length() > ERROR_BODY_CHARS
                  ? text.substring(0, ERROR_BODY_CHARS) + "..."
                  : text),
          null);
    }
    JsonNode usage = root.path("usage");
    return new ChatReply(
        content.asText(),
        root.path("model").asText(null),
        choice.path("finish_reason").asText(null),
        usage.path("prompt_tokens").asInt(0),
        usage.path("completion_tokens").asInt(0),
        holdBack);
  }
}
