package org.mimicit.common.api;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server says about waiting: {@code Retry-After} (seconds or an HTTP date), {@code
 * retry-after-ms} (OpenAI, Azure), and the {@code x-ratelimit-remaining-*} / {@code
 * x-ratelimit-reset-*} pairs (resets such as {@code 1s}, {@code 6m0s}, {@code 20ms}).
 */
final class RateLimitHeaders {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private RateLimitHeaders() {}

  /** How long the server asks us to wait before the next request, or null when it does not say. */
  static Duration retryAfter(HttpHeaders headers) {
    Duration best = null;
    Optional<String> ms = headers.firstValue("retry-after-ms");
    if (ms.isPresent()) {
      best = max(best, parseMillis(ms.get()));
    }
    Optional<String> after = headers.firstValue("retry-after");
    if (after.isPresent()) {
      best = max(best, parseRetryAfter(after.get()));
    }
    if (best == null) {
      best = max(exhaustedReset(headers, "requests"), exhaustedReset(headers, "tokens"));
    }
    return best;
  }

  /** After a 200: the wait until the reset of a budget the server reports as spent, else zero. */
  static Duration holdBack(HttpHeaders headers) {
    Duration d = max(exhaustedReset(headers, "requests"), exhaustedReset(headers, "tokens"));
    return d == null ? Duration.ZERO : d;
  }

  private static Duration exhaustedReset(HttpHeaders headers, String what) {
    Optional<String> remaining = headers.firstValue("x-ratelimit-remaining-" + what);
    Optional<String> reset = headers.firstValue("x-ratelimit-reset-" + what);
    if (remaining.isEmpty() || reset.isEmpty() || !"0".equals(remaining.get().trim())) {
      return null;
    }
    return parseResetDuration(reset.get());
  }

  static Duration parseRetryAfter(String value) {
    String v = value.trim();
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
    } catch (NumberFormatException e) {
      try {
        Duration d =
            Duration.between(
                ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** {@code 1s}, {@code 6m0s}, {@code 1h2m3.5s}, {@code 20ms}, or plain seconds. */
  static Duration parseResetDuration(String value) {
    String v = value.trim();
    Matcher m = DURATION_PART.matcher(v);
    double millis = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      millis +=
          switch (m.group(2)) {
            case "h" -> n * 3_600_000;
            case "m" -> n * 60_000;
            case "s" -> n * 1000;
            default -> n;
          };
      end = m.end();
    }
    if (end == v.length() && end > 0) {
      return Duration.ofMillis((long) Math.ceil(millis));
    }
    return parseRetryAfter(v);
  }

  private static Duration parseMillis(String value) {
    try {
      double ms = Double.parseDouble(value.trim());
      return ms < 0 ? null : Duration.ofMillis((long) Math.ceil(ms));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Duration max(Duration a, Duration b) {
    if (a == null) {
      return b;
    }
    return b == null || a.compareTo(b) >= 0 ? a : b;
  }
}
