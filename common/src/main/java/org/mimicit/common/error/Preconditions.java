package org.mimicit.common.error;

/** Argument checks with messages that name the offending value. */
public final class Preconditions {
  private Preconditions() {}

  /**
   * Throws {@link IllegalArgumentException} with the formatted message unless {@code condition}.
   */
  public static void checkArgument(boolean condition, String message, Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(message, args));
    }
  }
}
