package org.mimicit.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mimicit.common.api.ApiSettings;
import picocli.CommandLine;

/** The API options and Syphus's environment variables. */
class ApiOptionsTest {
  private static final Map<String, String> SYPHUS_AZURE =
      Map.of(
          "OPENAI_API_TYPE",
          "azure",
          "OPENAI_API_KEY",
          "az-key",
          "OPENAI_API_BASE",
          "https://res.openai.azure.com/",
          "OPENAI_API_VERSION",
          "2023-05-15",
          "OPENAI_API_ENGINE",
          "gpt-35-turbo");

  private static ApiOptions parse(String... args) {
    ApiOptions options = new ApiOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void takesSyphusEnvironmentVariables() {
    ApiSettings s = parse().settings(SYPHUS_AZURE);
    assertThat(s.type()).isEqualTo("azure");
    assertThat(s.completionsUri().toString())
        .isEqualTo(
            "https://res.openai.azure.com/openai/deployments/gpt-35-turbo/chat/completions?api-version=2023-05-15");
    assertThat(s.key()).isEqualTo("az-key");
    assertThat(s.model()).isEqualTo("gpt-35-turbo");
    assertThat(s.toString()).doesNotContain("az-key");
  }

  @Test
  void optionsWinOverTheEnvironment() {
    ApiSettings s =
        parse(
                "--api-type",
                "openai",
                "--api-base",
                "http://localhost:8000/v1",
                "--model",
                "llama3",
                "--api-key",
                "local")
            .settings(SYPHUS_AZURE);
    assertThat(s.completionsUri().toString())
        .isEqualTo("http://localhost:8000/v1/chat/completions");
    assertThat(s.key()).isEqualTo("local");
    assertThat(s.model()).isEqualTo("llama3");
    assertThat(parse().settings(Map.of("OPENAI_API_TYPE", "open_ai")).type()).isEqualTo("openai");
  }

  @Test
  void isOfflineWithoutABase() {
    assertThat(parse().settings(Map.of()).offline()).isTrue();
    assertThat(parse("--offline").settings(SYPHUS_AZURE).offline()).isTrue();
    assertThat(parse().settingsOfflineUnlessBaseGiven(SYPHUS_AZURE).offline()).isTrue();
    assertThat(
            parse("--api-base", "http://localhost:1/v1")
                .settingsOfflineUnlessBaseGiven(Map.of())
                .offline())
        .isFalse();
  }

  @Test
  void namesTheBadValue() {
    assertThatThrownBy(() -> parse("--api-type", "bedrock").settings(Map.of()))
        .hasMessage(
            "Cannot use API type 'bedrock': use openai (OpenAI-compatible servers) or azure.");
    assertThatThrownBy(() -> parse("--api-base", "localhost:8000").settings(Map.of()))
        .hasMessage(
            "Cannot use API base 'localhost:8000': it must start with http:// or https://.");
    assertThatThrownBy(
            () ->
                parse("--api-type", "azure", "--api-base", "https://x.openai.azure.com")
                    .settings(Map.of()))
        .hasMessage(
            "Cannot call Azure OpenAI at https://x.openai.azure.com without a deployment: set"
                + " --deployment or OPENAI_API_ENGINE.");
    assertThatThrownBy(() -> parse("--max-concurrency", "0").limits())
        .hasMessage("Cannot set --max-concurrency to 0, the value must be positive.");
  }
}
