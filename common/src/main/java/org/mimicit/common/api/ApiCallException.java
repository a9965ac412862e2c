package org.mimicit.common.api;

import java.time.Duration;
import org.mimicit.common.error.MimicitException;

/** A request that did not produce a reply: why, whether to try again, and when. */
public class ApiCallException extends MimicitException {
  /** What went wrong; decides whether the request is tried again. */
  public enum Kind {
    /** HTTP 429: try again after the server's Retry-After. */
    RATE_LIMITED(true),
    /** HTTP 5xx, 408, 409: try again with backoff. */
    SERVER(true),
    /** No reply within the timeout. */
    TIMEOUT(true),
    /** The connection failed or closed mid-reply. */
    CONNECTION(true),
    /** A 200 whose body is not a chat-completions document. */
    BAD_REPLY(true),
    /** HTTP 400/413/422: this request as it is will not be accepted. */
    REFUSED(false),
    /** HTTP 401/403/404: the key, the base URL or the model is wrong; no request can succeed. */
    FATAL(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;
  private final int status;
  private final Duration retryAfter;

  public ApiCallException(
      Kind kind, int status, Duration retryAfter, String message, Throwable cause) {
    super(cause, "%s", message);
    this.kind = kind;
    this.status = status;
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status, or 0 when there was none. */
  public int status() {
    return status;
  }

  /** What the server asked us to wait, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
