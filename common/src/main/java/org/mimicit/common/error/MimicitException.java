package org.mimicit.common.error;

/**
 * The root of every error mimicit-spark raises on purpose: input that cannot be read as a whole, a
 * job that passed its reject limit, a failed commit. The message states the problem, the value that
 * caused it and, where there is one, the fix.
 */
public class MimicitException extends RuntimeException {
  public MimicitException(String message, Object... args) {
    super(args.length == 0 ? message : String.format(message, args));
  }

  public MimicitException(Throwable cause, String message, Object... args) {
    super(args.length == 0 ? message : String.format(message, args), cause);
  }
}
