package org.mimicit.common.api;

import java.util.List;

/**
 * One chat-completions request as the client sends it.
 *
 * @param maxTokens the {@code max_tokens} of the request (every request sets one)
 * @param estimatedTokens prompt plus expected completion tokens, charged to the token budget before
 *     sending and corrected from the reply's {@code usage}
 */
public record ChatRequest(List<ChatMessage> messages, int maxTokens, int estimatedTokens) {}
