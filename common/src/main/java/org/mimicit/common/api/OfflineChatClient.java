package org.mimicit.common.api;

/**
 * The client when no API is configured: answers come only from the cache, so it is never asked; the
 * runner reports what it would have sent as not translated offline.
 */
final class OfflineChatClient implements ChatClient {
  static final OfflineChatClient INSTANCE = new OfflineChatClient();

  private OfflineChatClient() {}

  @Override
  public ChatReply complete(ChatRequest request) {
    throw new IllegalStateException("No API is configured (offline): nothing may be sent.");
  }
}
