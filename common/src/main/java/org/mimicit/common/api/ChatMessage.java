package org.mimicit.common.api;

import java.io.Serializable;

/** One message of a chat request: {@code system}, {@code user} or {@code assistant}. */
public record ChatMessage(String role, String content) implements Serializable {}
