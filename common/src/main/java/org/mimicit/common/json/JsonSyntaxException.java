package org.mimicit.common.json;

/** Broken JSON text at a known file offset. */
public final class JsonSyntaxException extends Exception {
  private final long offset;

  JsonSyntaxException(String message, long offset) {
    super(message + " at byte " + offset);
    this.offset = offset;
  }

  public long offset() {
    return offset;
  }
}
