package org.mimicit.common.media;

/**
 * A file that cannot be decoded as an image or a video. The message is the decoder's own, short and
 * meant for the {@code detail} of a rejected row; no stack trace is kept (these are data, possibly
 * one per file, not bugs).
 */
public final class MediaException extends Exception {
  private static final long serialVersionUID = 1L;

  public MediaException(String message, Object... args) {
    super(args.length == 0 ? message : String.format(message, args), null, false, false);
  }
}
