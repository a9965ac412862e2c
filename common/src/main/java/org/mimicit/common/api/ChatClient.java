package org.mimicit.common.api;

/**
 * Sends one chat-completions request, once: retries, limits and validation are the caller's ({@link
 * ApiRunner}). Implementations are thread-safe.
 */
public interface ChatClient {
  /**
   * @throws ApiCallException when there is no usable reply; its kind says whether to retry
   */
  ChatReply complete(ChatRequest request);

  /** The client for these settings: HTTP, or, when offline, one that never answers. */
  static ChatClient of(ApiSettings settings) {
    return settings.offline() ? OfflineChatClient.INSTANCE : HttpChatClient.shared(settings);
  }
}
