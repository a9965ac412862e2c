package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.mimicit.common.api.ApiCallException.Kind;
import org.mimicit.common.error.MimicitException;

/**
 * The runner's retry rules, with a scripted client (a stand-in for the HTTP client, not for Spark).
 */
class ApiRunnerTest {
  private static final ApiSettings SETTINGS =
      new ApiSettings(
          ApiSettings.OPENAI,
          "http://127.0.0.1:1/v1",
          null,
          null,
          null,
          "m",
          0,
          true,
          100,
          Duration.ofSeconds(1),
          4,
          Duration.ofMillis(1),
          Duration.ofMillis(4));

  /** Batches are lists of letters; a letter is accepted when the reply names it. */
  static final class Letters implements ApiRunner.Work<List<String>> {
    final List<String> accepted = Collections.synchronizedList(new ArrayList<>());
    final List<String> givenUp = Collections.synchronizedList(new ArrayList<>());

    @Override
    public ChatRequest request(List<String> batch) {
      return new ChatRequest(List.of(new ChatMessage("user", String.join("", batch))), 10, 10);
    }

    @Override
    public ApiRunner.Rest<List<String>> accept(List<String> batch, ChatReply reply) {
      List<String> rest = new ArrayList<>();
      for (String s : batch) {
        if (reply.content().contains(s)) {
          accepted.add(s);
        } else {
          rest.add(s);
        }
      }
      return rest.isEmpty() ? null : new ApiRunner.Rest<>(rest, "no " + rest);
    }

    @Override
    public void giveUp(List<String> batch, String reason) {
      batch.forEach(s -> givenUp.add(s + ": " + reason));
    }

    @Override
    public List<List<String>> split(List<String> batch) {
      return batch.stream().map(List::of).toList();
    }

    @Override
    public List<String> keys(List<String> batch) {
      return batch;
    }

    @Override
    public List<String> only(List<String> batch, java.util.Set<String> keys) {
      List<String> kept = batch.stream().filter(keys::contains).toList();
      return kept.isEmpty() ? null : kept;
    }
  }

  static final class Counts implements ApiMetrics {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger retries = new AtomicInteger();
    final AtomicInteger limited = new AtomicInteger();

    @Override
    public void sent(boolean retry) {
      sent.incrementAndGet();
      if (retry) {
        retries.incrementAndGet();
      }
    }

    @Override
    public void rateLimited() {
      limited.incrementAndGet();
    }

    @Override
    public void failedAttempt() {}

    @Override
    public void tokens(int prompt, int completion) {}

    @Override
    public void accepted(int units) {}

    @Override
    public void rejected(int units) {}
  }

  private static ChatReply reply(String content) {
    return new ChatReply(content, "m", "stop", 1, 1, Duration.ZERO);
  }

  private static Letters run(Function<String, ChatReply> server, Counts counts, List<String> batch)
      throws Exception {
    Letters work = new Letters();
    ChatClient client = request -> server.apply(request.messages().get(0).content());
    try (ApiRunner<List<String>> runner =
        new ApiRunner<>(
            client, SETTINGS, new RateLimiter(0, 0, RateLimiter.Clock.SYSTEM), 2, counts, work)) {
      runner.submit(batch);
      runner.finish();
    }
    return work;
  }

  @Test
  void retriesTransientFailuresAndAsksOnlyForWhatIsMissing() throws Exception {
    AtomicInteger n = new AtomicInteger();
    Counts counts = new Counts();
    Letters work =
        run(
            q ->
                switch (n.incrementAndGet()) {
                  case 1 ->
                      throw new ApiCallException(
                          Kind.RATE_LIMITED, 429, Duration.ofMillis(5), "HTTP 429", null);
                  case 2 -> throw new ApiCallException(Kind.SERVER, 503, null, "HTTP 503", null);
                  case 3 -> reply("a"); // b and c left
                  default -> reply(q);
                },
            counts,
            List.of("a", "b", "c"));
    assertThat(work.accepted).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(work.givenUp).isEmpty();
    assertThat(counts.sent.get()).isEqualTo(5); // 429, 503, a, then b and c each on its own
    assertThat(counts.retries.get()).isEqualTo(4);
    assertThat(counts.limited.get()).isEqualTo(1);
  }

  @Test
  void rateLimitsDoNotUseUpAttempts() throws Exception {
    AtomicInteger n = new AtomicInteger();
    Counts counts = new Counts();
    Letters work =
        run(
            q -> {
              if (n.incrementAndGet() <= 6) { // more 429s than the 4 attempts allowed
                throw new ApiCallException(
                    Kind.RATE_LIMITED, 429, Duration.ofMillis(1), "HTTP 429", null);
              }
              return reply(q);
            },
            counts,
            List.of("a"));
    assertThat(work.accepted).containsExactly("a");
    assertThat(work.givenUp).isEmpty();
    assertThat(counts.limited.get()).isEqualTo(6);
    assertThat(counts.retries.get()).isEqualTo(6);
  }

  @Test
  void givesUpAfterTheLastAttemptWithTheLastReason() throws Exception {
    Letters work =
        run(
            q -> q.contains("b") ? reply(q.replace("b", "")) : reply(q),
            new Counts(),
            List.of("a", "b"));
    assertThat(work.accepted).containsExactly("a");
    assertThat(work.givenUp).containsExactly("b: no [b] (after 4 attempts)");
  }

  @Test
  void splitsARefusedBatchAndFailsFastOnAFatalError() throws Exception {
    Letters work =
        run(
            q -> {
              if (q.length() > 1) {
                throw new ApiCallException(Kind.REFUSED, 400, null, "HTTP 400: too long", null);
              }
              return reply(q);
            },
            new Counts(),
            List.of("a", "b"));
    assertThat(work.accepted).containsExactlyInAnyOrder("a", "b");

    Counts counts = new Counts();
    assertThatThrownBy(
            () ->
                run(
                    q -> {
                      throw new ApiCallException(Kind.FATAL, 401, null, "HTTP 401: bad key", null);
                    },
                    counts,
                    List.of("a")))
        .isInstanceOf(MimicitException.class)
        .hasMessageStartingWith(
            "The API refused the requests: HTTP 401: bad key. Check the API base");
    assertThat(counts.sent.get()).isEqualTo(1);
  }
}
