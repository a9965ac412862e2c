package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mimicit.common.api.ApiRunnerTest.Counts;
import org.mimicit.common.api.ApiRunnerTest.Letters;
import org.mimicit.common.error.MimicitException;

/**
 * The coordinator over loopback HTTP with real {@link ApiRunner}s as its task attempts: two
 * attempts of one task given the same units send each unit once between them; attempts of different
 * tasks share one rate; an ended attempt sends nothing more.
 */
class CoordinatorServerIT {
  private static final ApiSettings SETTINGS =
      new ApiSettings(
          "openai",
          "http://127.0.0.1:1/v1",
          null,
          null,
          null,
          "m",
          0,
          true,
          100,
          Duration.ofSeconds(5),
          4,
          Duration.ofMillis(1),
          Duration.ofMillis(4));

  private static CoordinatorServer server(double rpm, int concurrency) {
    ApiCoordinator coordinator =
        new ApiCoordinator(
            rpm,
            0,
            concurrency,
            TimeUnit.SECONDS.toNanos(20),
            TimeUnit.SECONDS.toNanos(5),
            RateLimiter.Clock.SYSTEM);
    return new CoordinatorServer(coordinator, "127.0.0.1", 0, "127.0.0.1", 20_000);
  }

  /** Answers every letter asked for, after {@code millis}; logs each request with its time. */
  private record SlowServer(long millis, ConcurrentLinkedQueue<String> log, List<Long> starts)
      implements ChatClient {
    SlowServer(long millis) {
      this(millis, new ConcurrentLinkedQueue<>(), Collections.synchronizedList(new ArrayList<>()));
    }

    @Override
    public ChatReply complete(ChatRequest request) {
      starts.add(System.nanoTime());
      String content = request.messages().get(0).content();
      log.add(content);
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new ChatReply(content, "m", "stop", 1, 1, Duration.ZERO);
    }
  }

  private static Thread attempt(
      CoordinatorServer server,
      long id,
      String group,
      ChatClient client,
      Letters work,
      List<String> letters,
      CountDownLatch go,
      List<Throwable> errors) {
    Thread t =
        new Thread(
            () -> {
              try (CoordinatorClient c =
                      new CoordinatorClient(server.address(), id, group, Set::of);
                  ApiRunner<List<String>> runner =
                      new ApiRunner<>(client, SETTINGS, c, c, 2, new Counts(), work)) {
                go.await();
                for (String letter : letters) {
                  runner.submit(List.of(letter));
                }
                runner.finish();
              } catch (Throwable e) {
                errors.add(e);
              }
            });
    t.start();
    return t;
  }

  @Test
  void twoAttemptsOfOneTaskSendEachUnitOnceBetweenThem() throws Exception {
    List<String> letters = List.of("abcdefghijklmnopqrst".split(""));
    SlowServer api = new SlowServer(60);
    Letters first = new Letters();
    Letters second = new Letters();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    try (CoordinatorServer server = server(0, 8)) {
      Thread a = attempt(server, 1, "part-0-0", api, first, letters, go, errors);
      Thread b = attempt(server, 2, "part-0-0", api, second, letters, go, errors);
      Thread.sleep(300); // both registered: the task is shared
      go.countDown();
      a.join(30_000);
      b.join(30_000);
    }
    assertThat(errors).isEmpty();
    assertThat(api.log()).hasSize(letters.size()).doesNotHaveDuplicates();
    List<String> accepted = new ArrayList<>(first.accepted);
    accepted.addAll(second.accepted);
    // which attempt sent which unit depends on timing; that none was sent twice does not
    assertThat(accepted).containsExactlyInAnyOrderElementsOf(letters);
  }

  @Test
  void attemptsOfDifferentTasksShareOneRate() throws Exception {
    SlowServer api = new SlowServer(1);
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    try (CoordinatorServer server = server(600, 8)) { // one request every 100 ms, job-wide
      Thread a =
          attempt(
              server, 1, "part-0-0", api, new Letters(), List.of("abcdef".split("")), go, errors);
      Thread b =
          attempt(
              server, 2, "part-0-1", api, new Letters(), List.of("ghijkl".split("")), go, errors);
      Thread.sleep(300);
      go.countDown();
      a.join(30_000);
      b.join(30_000);
    }
    assertThat(errors).isEmpty();
    List<Long> starts = new ArrayList<>(api.starts());
    Collections.sort(starts);
    assertThat(starts).hasSize(12);
    // 12 requests at 10/s: at least 1.1 s from the first to the last (each task alone at the
    // job's rate would take 0.5 s)
    assertThat(starts.get(11) - starts.get(0)).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1050));
  }

  @Test
  void anEndedAttemptSendsNothingMoreAndAFatalErrorStopsEveryTask() throws Exception {
    ApiCoordinator coordinator =
        new ApiCoordinator(0, 0, 4, TimeUnit.SECONDS.toNanos(20), 0, RateLimiter.Clock.SYSTEM);
    try (CoordinatorServer server =
            new CoordinatorServer(coordinator, "127.0.0.1", 0, "127.0.0.1", 20_000);
        CoordinatorClient one = new CoordinatorClient(server.address(), 1, "part-0-0", Set::of);
        CoordinatorClient two = new CoordinatorClient(server.address(), 2, "part-0-1", Set::of)) {
      coordinator.ended(1); // Spark reported its end
      assertThatThrownBy(() -> one.acquire(10))
          .isInstanceOf(MimicitException.class)
          .hasMessage(
              "Task attempt 1 stops sending API requests: the driver counts it as ended (Spark"
                  + " reported its end, or it was silent). Spark runs the task again (or another"
                  + " attempt finishes it); answers already accepted are in the cache.");
      two.acquire(10);
      two.stop(
          new ApiCallException(
              ApiCallException.Kind.FATAL, 401, null, "HTTP 401: Incorrect API key", null));
      two.release(0);
      assertThatThrownBy(() -> two.acquire(10))
          .isInstanceOf(ApiCallException.class)
          .hasMessage("HTTP 401: Incorrect API key");
      assertThat(server.address().toString()).doesNotContain(server.address().secret());
    }
  }
}
