package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mimicit.common.api.ApiCallException.Kind;
import org.mimicit.common.testing.FakeChatServer;
import org.mimicit.common.testing.FakeChatServer.Call;
import org.mimicit.common.testing.FakeChatServer.Fault;

/** The HTTP client against a real server on loopback, one fault at a time. */
class HttpChatClientIT {
  private static final TranslationItem ITEM =
      new TranslationItem("LA_INS_1", "What is it?", "A red bus.", List.of("zh"), List.of("k"));
  private static FakeChatServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new FakeChatServer().retryAfterSeconds(3).slowMillis(1500);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ApiSettings openai() {
    return new ApiSettings(
        ApiSettings.OPENAI,
        server.base(),
        "sk-secret",
        null,
        null,
        "m1",
        0.2,
        true,
        1000,
        Duration.ofMillis(700),
        3,
        Duration.ofMillis(10),
        Duration.ofMillis(100));
  }

  private static ChatReply send(ApiSettings settings) {
    return new HttpChatClient(settings)
        .complete(
            TranslationProtocol.request(
                Prompt.defaultTranslation(), List.of(ITEM), settings.maxOutputTokens()));
  }

  private static Call last() {
    List<Call> calls = server.calls();
    return calls.get(calls.size() - 1);
  }

  @Test
  void sendsAnOpenAiRequestAndReadsTheReply() {
    ChatReply reply = send(openai());
    assertThat(reply.content())
        .isEqualTo(
            "{\"items\":[{\"id\":\"LA_INS_1\",\"translations\":{\"zh\":{\"instruction\":\"中中中中 中中"
                + " 中中?\",\"answer\":\"中 中中中 中中中.\"}}}]}");
    assertThat(reply.model()).isEqualTo("m1-fake");
    assertThat(reply.promptTokens()).isPositive();
    Call call = last();
    assertThat(call.path()).isEqualTo("/v1/chat/completions");
    assertThat(call.auth()).isEqualTo("Bearer sk-secret");
    assertThat(call.maxTokens()).isBetween(1, 1000);
    assertThat(call.languages()).containsExactly("zh");
  }

  @Test
  void sendsAnAzureRequestWithTheKeyHeader() {
    ApiSettings azure =
        new ApiSettings(
            ApiSettings.AZURE,
            server.base(),
            "az-secret",
            "2024-02-01",
            "gpt4dep",
            "gpt4dep",
            0,
            true,
            1000,
            Duration.ofSeconds(5),
            3,
            Duration.ofMillis(10),
            Duration.ofMillis(100));
    send(azure);
    assertThat(last().path())
        .isEqualTo("/v1/openai/deployments/gpt4dep/chat/completions?api-version=2024-02-01");
    assertThat(last().auth()).isEqualTo("az-secret");
  }

  @Test
  void classifiesEveryFailure() {
    assertFailure(
        Fault.RATE_LIMITED,
        Kind.RATE_LIMITED,
        "HTTP 429: {\"error\":{\"message\":\"Rate limit reached\"");
    assertThat(lastFailure.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertFailure(Fault.SERVER_ERROR, Kind.SERVER, "HTTP 503: ");
    assertFailure(Fault.SLOW, Kind.TIMEOUT, "no reply within 0 s");
    assertFailure(Fault.INVALID_JSON, Kind.BAD_REPLY, "the reply is not JSON");
    assertFailure(Fault.CUT_REPLY, Kind.CONNECTION, "connection failed");
    assertFailure(
        Fault.UNAUTHORIZED,
        Kind.FATAL,
        "HTTP 401: {\"error\":{\"message\":\"Incorrect API key provided\"}}");
    assertThat(Kind.FATAL.retryable()).isFalse();
  }

  private static ApiCallException lastFailure;

  private static void assertFailure(Fault fault, Kind kind, String message) {
    server.faultRule((n, items) -> fault);
    try {
      assertThatThrownBy(() -> send(openai()))
          .isInstanceOfSatisfying(
              ApiCallException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(kind);
                assertThat(e.getMessage()).startsWith(message);
                lastFailure = e;
              });
    } finally {
      server.faultRule((n, items) -> Fault.NONE);
    }
  }

  @Test
  void neverShowsTheKey() {
    assertThat(openai().toString()).contains("key=(redacted)").doesNotContain("sk-secret");
  }
}
