package org.mimicit.common.api;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How to reach a chat-completions API and how hard to try: the endpoint, the model, the limits of
 * one request and the retry policy. The key comes from the environment ({@code OPENAI_API_KEY}) or
 * an option; it is sent to the executors inside the job's tasks and never logged or written: {@link
 * #toString()} redacts it.
 *
 * @param type {@code openai} (OpenAI-compatible: OpenAI, vLLM, llama.cpp, Ollama) or {@code azure}
 * @param base the API base, e.g. {@code https://api.openai.com/v1}; null means offline (replay)
 * @param deployment Azure's deployment (Syphus's {@code OPENAI_API_ENGINE}); null for openai
 */
public record ApiSettings(
    String type,
    String base,
    String key,
    String apiVersion,
    String deployment,
    String model,
    double temperature,
    boolean jsonResponseFormat,
    int maxOutputTokens,
    Duration timeout,
    int maxAttempts,
    Duration backoffBase,
    Duration backoffMax)
    implements Serializable {
  public static final String OPENAI = "openai";
  public static final String AZURE = "azure";
  public static final String DEFAULT_MODEL = "gpt-4o-mini";
  public static final String DEFAULT_AZURE_VERSION = "2024-06-01";

  public ApiSettings {
    checkArgument(
        OPENAI.equals(type) || AZURE.equals(type),
        "Cannot use API type '%s': use openai (OpenAI-compatible servers) or azure.",
        type);
    checkArgument(model != null && !model.isBlank(), "Cannot use an empty model name.");
    checkArgument(
        maxOutputTokens > 0,
        "Cannot set max output tokens to %s, the value must be positive.",
        maxOutputTokens);
    checkArgument(
        maxAttempts > 0, "Cannot set max attempts to %s, the value must be positive.", maxAttempts);
    checkArgument(
        temperature >= 0 && temperature <= 2,
        "Cannot set temperature to %s, the value must be in [0, 2].",
        temperature);
    checkArgument(
        !timeout.isNegative() && !timeout.isZero(),
        "Cannot set the request timeout to %s, the value must be positive.",
        timeout);
    if (base != null) {
      base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
      URI uri = URI.create(base);
      checkArgument(
          "http".equals(uri.getScheme()) || "https".equals(uri.getScheme()),
          "Cannot use API base '%s': it must start with http:// or https://.",
          base);
      if (AZURE.equals(type)) {
        checkArgument(
            deployment != null && !deployment.isBlank(),
            "Cannot call Azure OpenAI at %s without a deployment: set --deployment or"
                + " OPENAI_API_ENGINE.",
            base);
      }
    }
  }

  /** These settings with {@code response_format} on or off. */
  public ApiSettings withJsonResponseFormat(boolean on) {
    return new ApiSettings(
        type,
        base,
        key,
        apiVersion,
        deployment,
        model,
        temperature,
        on,
        maxOutputTokens,
        timeout,
        maxAttempts,
        backoffBase,
        backoffMax);
  }

  /** True when no API is configured: answers come only from the cache. */
  public boolean offline() {
    return base == null;
  }

  /** The chat-completions URL of this endpoint. */
  public URI completionsUri() {
    checkArgument(!offline(), "No API base is configured.");
    if (AZURE.equals(type)) {
      return URI.create(
          base
              + "/openai/deployments/"
              + deployment
              + "/chat/completions?api-version="
              + (apiVersion == null ? DEFAULT_AZURE_VERSION : apiVersion));
    }
    return URI.create(base + "/chat/completions");
  }

  /** The first Azure OpenAI api-version with the Batch API (GA). */
  public static final String DEFAULT_AZURE_BATCH_VERSION = "2024-10-21";

  /**
   * The URL of a Batch API path ({@code /files}, {@code /batches/<id>}, ...) with an optional
   * query: {@code <base><path>} for openai, {@code <base>/openai<path>?api-version=V} for azure.
   */
  public URI batchUri(String path, String query) {
    checkArgument(!offline(), "No API base is configured.");
    if (AZURE.equals(type)) {
      String version = apiVersion == null ? DEFAULT_AZURE_BATCH_VERSION : apiVersion;
      return URI.create(
          base + "/openai" + path + "?api-version=" + version + (query == null ? "" : "&" + query));
    }
    return URI.create(base + path + (query == null ? "" : "?" + query));
  }

  /**
   * The endpoint of the Batch API's request lines and batches: OpenAI's {@code
   * /v1/chat/completions}, Azure's {@code /chat/completions}.
   */
  public String batchEndpoint() {
    return AZURE.equals(type) ? "/chat/completions" : "/v1/chat/completions";
  }

  /** The {@code model} of a Batch API request line: the deployment on Azure, else the model. */
  public String batchModel() {
    return AZURE.equals(type) ? deployment : model;
  }

  /**
   * Normalises Syphus's {@code OPENAI_API_TYPE} values: {@code open_ai}/{@code openai} and {@code
   * azure}/{@code azure_ad}.
   */
  public static String normaliseType(String value) {
    if (value == null || value.isBlank()) {
      return OPENAI;
    }
    String v = value.trim().toLowerCase(Locale.ROOT).replace("_", "");
    return switch (v) {
      case "openai" -> OPENAI;
      case "azure", "azuread" -> AZURE;
      default ->
          throw new IllegalArgumentException(
              "Cannot use API type '"
                  + value
                  + "': use openai (OpenAI-compatible servers) or azure.");
    };
  }

  /** The first non-blank of an option's value and an environment variable's. */
  public static String optionOrEnv(String option, Map<String, String> env, String variable) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    String v = env.get(variable);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /**
   * The API base as logs and {@code _stats} show it: without user-info or a query, where a key
   * could hide ({@code https://user:KEY@host/v1}, {@code ...?api-key=KEY}); null when offline.
   */
  public String shownBase() {
    if (base == null) {
      return null;
    }
    try {
      java.net.URI u = new java.net.URI(base);
      if (u.getRawUserInfo() == null && u.getRawQuery() == null && u.getRawFragment() == null) {
        return base;
      }
      return new java.net.URI(
              u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null)
          .toString();
    } catch (java.net.URISyntaxException e) {
      return "(unparsable URL, not shown)";
    }
  }

  @Override
  public String toString() {
    return "ApiSettings[type="
        + type
        + ", base="
        + (base == null ? "(offline: cache only)" : shownBase())
        + ", key="
        + (key == null ? "(none)" : "(redacted)")
        + ", apiVersion="
        + apiVersion
        + ", deployment="
        + deployment
        + ", model="
        + model
        + ", temperature="
        + temperature
        + ", jsonResponseFormat="
        + jsonResponseFormat
        + ", maxOutputTokens="
        + maxOutputTokens
        + ", timeout="
        + timeout
        + ", maxAttempts="
        + maxAttempts
        + "]";
  }
}
