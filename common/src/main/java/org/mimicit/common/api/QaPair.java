package org.mimicit.common.api;

import java.io.Serializable;

/** One generated instruction-response pair. */
public record QaPair(String instruction, String answer) implements Serializable {}
