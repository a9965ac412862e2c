package org.mimicit.jobs.cli;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.time.Duration;
import java.util.Map;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.jobs.apistage.ApiLimits;
import picocli.CommandLine.Option;

/**
 * The options of the commands that call a chat-completions API. The key comes from a file, a Hadoop
 * credential provider, the command line or the environment ({@link ApiKeys}). Unset options fall
 * back to Syphus's environment variables ({@code OPENAI_API_TYPE}, {@code OPENAI_API_KEY}, {@code
 * OPENAI_API_BASE}, {@code OPENAI_API_VERSION}, {@code OPENAI_API_ENGINE}); options win. With no
 * API base at all, the stage runs offline: answers come only from the cache.
 */
public final class ApiOptions {
  @Option(
      names = "--api-type",
      paramLabel = "TYPE",
      description =
          "openai (OpenAI and compatible servers: vLLM, llama.cpp, Ollama) or azure (default:"
              + " $OPENAI_API_TYPE, else openai).")
  String type;

  @Option(
      names = "--api-base",
      paramLabel = "URL",
      description =
          "The API base, e.g. https://api.openai.com/v1 or http://localhost:8000/v1; for azure"
              + " https://<resource>.openai.azure.com (default: $OPENAI_API_BASE; none: offline,"
              + " answers only from the cache).")
  String base;

  @Option(
      names = "--api-key-file",
      paramLabel = "PATH",
      description =
          "A file holding the API key, e.g. a Kubernetes secret mounted into the pods (local or"
              + " any Hadoop path; read on the driver). Never logged or written.")
  String keyFile;

  @Option(
      names = "--api-key-alias",
      paramLabel = "ALIAS",
      description =
          "The API key's alias in the Hadoop credential provider named by"
              + " spark.hadoop.hadoop.security.credential.provider.path (e.g. a JCEKS store on"
              + " HDFS or S3, made with: hadoop credential create ALIAS -provider PATH).")
  String keyAlias;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "The API key on the command line, where ps, shell histories and cluster logs show it:"
              + " prefer --api-key-file, --api-key-alias or $OPENAI_API_KEY (the default).")
  String key;

  @Option(
      names = "--api-version",
      paramLabel = "V",
      description =
          "Azure's api-version (default: $OPENAI_API_VERSION, else "
              + ApiSettings.DEFAULT_AZURE_VERSION
              + ").")
  String apiVersion;

  @Option(
      names = "--deployment",
      paramLabel = "NAME",
      description = "Azure's deployment name (default: $OPENAI_API_ENGINE).")
  String deployment;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      description =
          "The model (default: $OPENAI_API_ENGINE for azure, else "
              + ApiSettings.DEFAULT_MODEL
              + "). Part of every cache key.")
  String model;

  @Option(
      names = "--offline",
      description = "Send nothing even when an API is configured: answer only from the cache.")
  boolean offline;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      description =
          "Sampling temperature (default: 0 for translation, 0.7 for generation, as Syphus).")
  Double temperature;

  @Option(
      names = "--no-response-format",
      negatable = false,
      description =
          "Do not send response_format {\"type\":\"json_object\"} (for servers that reject it).")
  boolean noResponseFormat;

  @Option(
      names = "--max-output-tokens",
      paramLabel = "N",
      defaultValue = "4096",
      description =
          "The largest max_tokens of a request; batches are sized to fit (default:"
              + " ${DEFAULT-VALUE}).")
  int maxOutputTokens;

  @Option(
      names = "--request-timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "Per request (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      defaultValue = "6",
      description =
          "Attempts per item before it goes to rejected/ as api_failed (default:"
              + " ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(
      names = "--max-requests-per-minute",
      paramLabel = "N",
      defaultValue = "500",
      description =
          "For the whole job, split across its tasks; 0 for no limit (default: ${DEFAULT-VALUE}).")
  double requestsPerMinute;

  @Option(
      names = "--max-tokens-per-minute",
      paramLabel = "N",
      defaultValue = "200000",
      description =
          "For the whole job, split across its tasks; 0 for no limit (default: ${DEFAULT-VALUE}).")
  double tokensPerMinute;

  @Option(
      names = "--max-concurrency",
      paramLabel = "N",
      defaultValue = "8",
      description = "Requests in flight for the whole job (default: ${DEFAULT-VALUE}).")
  int maxConcurrency;

  @Option(
      names = "--price-per-1k-tokens",
      paramLabel = "USD",
      defaultValue = "0",
      description = "For the --dry-run cost estimate (default: ${DEFAULT-VALUE}).")
  double pricePer1kTokens;

  /** The settings these options and the environment give, with temperature 0 unless set. */
  public ApiSettings settings(Map<String, String> env) {
    return settings(env, 0);
  }

  /** The settings these options and the environment give. */
  public ApiSettings settings(Map<String, String> env, double defaultTemperature) {
    return settings(env, defaultTemperature, offline);
  }

  private ApiSettings settings(
      Map<String, String> env, double defaultTemperature, boolean offline) {
    String t = ApiSettings.normaliseType(ApiSettings.optionOrEnv(type, env, "OPENAI_API_TYPE"));
    String b = offline ? null : ApiSettings.optionOrEnv(base, env, "OPENAI_API_BASE");
    String engine = ApiSettings.optionOrEnv(deployment, env, "OPENAI_API_ENGINE");
    String m =
        model != null
            ? model
            : (ApiSettings.AZURE.equals(t) && engine != null ? engine : ApiSettings.DEFAULT_MODEL);
    checkArgument(
        timeoutSeconds > 0,
        "Cannot set --request-timeout to %s, the value must be positive.",
        timeoutSeconds);
    return new ApiSettings(
        t,
        b,
        ApiKeys.resolve(keyFile, keyAlias, key, env),
        ApiSettings.optionOrEnv(apiVersion, env, "OPENAI_API_VERSION"),
        engine,
        m,
        temperature == null ? defaultTemperature : temperature,
        !noResponseFormat,
        maxOutputTokens,
        Duration.ofMillis((long) (timeoutSeconds * 1000)),
        maxAttempts,
        Duration.ofSeconds(1),
        Duration.ofSeconds(60));
  }

  /**
   * As {@link #settings}, but offline unless {@code --api-base} is on the command line: a pipeline
   * run spends money only when asked to, even where {@code OPENAI_API_BASE} is set.
   */
  public ApiSettings settingsOfflineUnlessBaseGiven(Map<String, String> env) {
    return settingsOfflineUnlessBaseGiven(env, 0);
  }

  /** As {@link #settingsOfflineUnlessBaseGiven(Map)}, with the command's default temperature. */
  public ApiSettings settingsOfflineUnlessBaseGiven(
      Map<String, String> env, double defaultTemperature) {
    return settings(env, defaultTemperature, offline || base == null);
  }

  /** The job-wide limits. */
  public ApiLimits limits() {
    return new ApiLimits(requestsPerMinute, tokensPerMinute, maxConcurrency);
  }

  public double pricePer1kTokens() {
    return pricePer1kTokens;
  }
}
