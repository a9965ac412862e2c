package org.mimicit.common.api;

import java.time.Duration;

/**
 * An HTTP 200 reply: the first choice's message content, the model that answered, the token usage
 * (0 when the server did not report it), and how long to hold back the next request when the server
 * said its budget is spent ({@code x-ratelimit-remaining-*: 0}), else zero.
 */
public record ChatReply(
    String content,
    String model,
    String finishReason,
    int promptTokens,
    int completionTokens,
    Duration holdBack) {
  public int totalTokens() {
    return promptTokens + completionTokens;
  }
}
