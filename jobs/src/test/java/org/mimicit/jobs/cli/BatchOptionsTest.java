package org.mimicit.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.api.BatchSettings;
import org.mimicit.jobs.multilingual.ExpandMultilingualConfig;
import org.mimicit.jobs.multilingual.ExpandMultilingualJob;
import picocli.CommandLine;

/** The Batch API options: defaults, checks with the fix in the message, Azure's URLs, help. */
class BatchOptionsTest {
  private static BatchOptions parse(String... args) {
    BatchOptions options = new BatchOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void defaultsToOnlineWithTheApiLimits() {
    BatchSettings s = parse().settings();
    assertThat(s.batch()).isFalse();
    assertThat(s.maxRequests()).isEqualTo(50_000);
    assertThat(s.maxBytes()).isEqualTo(200_000_000L);
    assertThat(s.window()).isEqualTo("24h");
    assertThat(s.fallbackOnline()).isFalse();
    assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.price(0.6)).isEqualTo(0.3);
    assertThat(parse("--price-per-1k-tokens-batch", "0.2").settings().price(0.6)).isEqualTo(0.2);
  }

  @Test
  void namesTheBadValueAndTheFix() {
    assertThatThrownBy(() -> parse("--mode", "batch", "--batch-window", "48h").settings())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set --batch-window to '48h': the Batch API accepts only 24h.");
    assertThatThrownBy(() -> parse("--batch-max-requests", "60000").settings())
        .hasMessage(
            "Cannot set --batch-max-requests to 60000, the value must be in [1, 50000] (the Batch"
                + " API's limit per file).");
    assertThatThrownBy(() -> parse("--mode", "bulk").settings())
        .hasMessageStartingWith("Cannot set --mode to 'bulk': use online");
    assertThatThrownBy(() -> parse("--batch-fallback", "never").settings())
        .hasMessageStartingWith("Cannot set --batch-fallback to 'never'");
  }

  @Test
  void refusesBatchModeWithNoApiBase() {
    ApiOptions api = new ApiOptions();
    new CommandLine(api).parseArgs("--offline");
    assertThatThrownBy(
            () ->
                new ExpandMultilingualConfig(
                    "/tmp/wh",
                    Set.of(),
                    ExpandMultilingualConfig.DEFAULT_LANGUAGES,
                    api.settings(Map.of()),
                    api.limits(),
                    4,
                    null,
                    List.of(),
                    false,
                    0,
                    0.1,
                    30,
                    parse("--mode", "batch").settings()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot translate with --mode batch offline: the Batch API needs an API base. Give"
                + " --api-base (or OPENAI_API_BASE) and no --offline, or use --mode online.");
  }

  @Test
  void callsAzureBatchesWithItsPathsAndDeployment() {
    ApiOptions api = new ApiOptions();
    new CommandLine(api)
        .parseArgs(
            "--api-type",
            "azure",
            "--api-base",
            "https://res.openai.azure.com",
            "--deployment",
            "gpt-4o-batch");
    ApiSettings s = api.settings(Map.of());
    assertThat(s.batchUri("/files", null).toString())
        .isEqualTo("https://res.openai.azure.com/openai/files?api-version=2024-10-21");
    assertThat(s.batchUri("/batches", "limit=100").toString())
        .isEqualTo("https://res.openai.azure.com/openai/batches?api-version=2024-10-21&limit=100");
    assertThat(s.batchEndpoint()).isEqualTo("/chat/completions");
    assertThat(s.batchModel()).isEqualTo("gpt-4o-batch");
  }

  @Test
  void helpShowsTheOptionsWithTheirDefaults() {
    String help = new CommandLine(new ExpandMultilingualJob.Cli()).getUsageMessage();
    assertThat(help)
        .contains("--mode=MODE")
        .contains("(default: online)")
        .contains("--batch-max-requests=N")
        .contains("(default: 50000)")
        .contains("--batch-max-bytes=BYTES")
        .contains("--batch-window=WINDOW")
        .contains("--batch-fallback=PATH")
        .contains("--batch-poll-interval=SECONDS")
        .contains("--price-per-1k-tokens-batch=USD");
  }
}
