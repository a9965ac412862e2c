package org.mimicit.common.api;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.mimicit.common.api.ApiCallException.Kind;
import org.mimicit.common.error.MimicitException;

/**
 * Runs one task's requests: at most {@code concurrency} in flight, each paced by the task's {@link
 * RateLimiter}, retried with {@link Backoff} on 429, 5xx, timeouts and bad replies (a 429 pauses
 * the task and, up to {@link #RATE_LIMIT_PATIENCE} per attempt, costs no attempt), and asked again
 * for what the reply left out or got wrong, until the attempts run out; then the remaining units
 * are given up ({@code api_failed}). What a request is, and what of a reply is accepted, is the
 * {@link Work}'s: the translation stage and the generation stage share this.
 *
 * @param <B> a batch: the units one request asks for
 */
public final class ApiRunner<B> implements AutoCloseable {
  /** The stage-specific part: building requests and judging replies. */
  public interface Work<B> {
    ChatRequest request(B batch);

    /**
     * Validates a reply, persists the accepted units (before returning) and returns what must be
     * asked again, or null when every unit of the batch was accepted.
     */
    Rest<B> accept(B batch, ChatReply reply);

    /**
     * Gives up on every unit of {@code batch}: rejected as {@code api_failed} with {@code reason}.
     */
    void giveUp(B batch, String reason);

    /**
     * Smaller batches for a request the server refused as it was (HTTP 400), or {@code [batch]}.
     */
    List<B> split(B batch);
  }

  /** What a reply left to ask again, and why. */
  public record Rest<B>(B batch, String reason) {}

  /** 429s one batch may take, per allowed attempt, before they count as failed attempts. */
  static final int RATE_LIMIT_PATIENCE = 10;

  private final ChatClient client;
  private final RateLimiter limiter;
  private final Backoff backoff;
  private final int maxAttempts;
  private final ApiMetrics metrics;
  private final Work<B> work;
  private final Semaphore slots;
  private final int concurrency;
  private final ExecutorService pool;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  public ApiRunner(
      ChatClient client,
      ApiSettings settings,
      RateLimiter limiter,
      int concurrency,
      ApiMetrics metrics,
      Work<B> work) {
    this.client = client;
    this.limiter = limiter;
    this.backoff = new Backoff(settings.backoffBase(), settings.backoffMax());
    this.maxAttempts = settings.maxAttempts();
    this.metrics = metrics;
    this.work = work;
    this.concurrency = concurrency;
    this.slots = new Semaphore(concurrency);
    this.pool =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "mimicit-api");
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues a batch; blocks while {@code concurrency} batches are in flight. */
  public void submit(B batch) throws InterruptedException {
    throwIfFailed();
    slots.acquire();
    pool.execute(
        () -> {
          try {
            if (failure.get() == null) {
              run(batch, 0);
            }
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
          } finally {
            slots.release();
          }
        });
  }

  /** Waits for every batch submitted; throws when one failed the task (a fatal API error). */
  public void finish() throws InterruptedException {
    slots.acquire(concurrency);
    slots.release(concurrency);
    throwIfFailed();
  }

  private void throwIfFailed() {
    Throwable t = failure.get();
    if (t instanceof ApiCallException e) {
      throw new MimicitException(
          e,
          "The API refused the requests: %s. Check the API base, the key (OPENAI_API_KEY or"
              + " --api-key), the model and, for Azure, the deployment and API version.",
          e.getMessage());
    }
    if (t != null) {
      throw new MimicitException(t, "The API stage failed: %s", t);
    }
  }

  private void run(B first, int attemptsSoFar) throws InterruptedException {
    runParts(first, attemptsSoFar, null);
  }

  /** Where one batch's requests stand: the batch still to ask for, attempts, the last error. */
  private final class Attempts {
    B batch;
    int attempt;
    String lastError;
    int limited;

    Attempts(B batch, int attempt, String lastError) {
      this.batch = batch;
      this.attempt = attempt;
      this.lastError = lastError;
    }
  }

  private void runParts(B first, int attemptsSoFar, String error) throws InterruptedException {
    Attempts a = new Attempts(first, attemptsSoFar, error);
    while (a.batch != null) {
      if (failure.get() != null) {
        return;
      }
      if (a.attempt >= maxAttempts) {
        work.giveUp(a.batch, a.lastError + " (after " + a.attempt + " attempts)");
        return;
      }
      a.attempt++;
      ChatRequest request = work.request(a.batch);
      limiter.acquire(request.estimatedTokens());
      metrics.sent(a.attempt > 1 || a.limited > 0 || a.lastError != null);
      ChatReply reply;
      try {
        reply = client.complete(request);
      } catch (ApiCallException e) {
        if (!retryAfter(e, a)) {
          return;
        }
        continue;
      }
      if (!continueAfter(reply, request, a)) {
        return;
      }
    }
  }

  /** Handles a failed request; true when the batch is to be asked again (after waiting). */
  private boolean retryAfter(ApiCallException e, Attempts a) throws InterruptedException {
    a.lastError = e.getMessage();
    if (e.kind() == Kind.FATAL) {
      failure.compareAndSet(null, e);
      return false;
    }
    if (e.kind() == Kind.REFUSED) {
      if (!runSplit(a.batch, a.attempt, a.lastError)) {
        work.giveUp(a.batch, a.lastError);
      }
      return false;
    }
    Duration wait = backoff.delay(a.attempt, e.retryAfter(), ThreadLocalRandom.current());
    if (e.kind() == Kind.RATE_LIMITED) {
      metrics.rateLimited();
      limiter.pauseFor(wait.toNanos()); // every request of the task waits
      if (++a.limited <= maxAttempts * RATE_LIMIT_PATIENCE) {
        a.attempt--; // a 429 says nothing about the items: it does not use up their attempts
      }
    } else {
      metrics.failedAttempt();
      TimeUnit.MILLISECONDS.sleep(wait.toMillis());
    }
    return true;
  }

  /**
   * Accounts a reply and keeps its accepted units; true when the rest of the batch is to be asked
   * again, now {@code a.batch}.
   */
  private boolean continueAfter(ChatReply reply, ChatRequest request, Attempts a)
      throws InterruptedException {
    metrics.tokens(reply.promptTokens(), reply.completionTokens());
    if (reply.totalTokens() > 0) {
      limiter.correct(reply.totalTokens() - request.estimatedTokens());
    }
    if (!reply.holdBack().isZero()) {
      limiter.pauseFor(reply.holdBack().toNanos());
    }
    Rest<B> rest = work.accept(a.batch, reply);
    if (rest == null) {
      return false;
    }
    metrics.failedAttempt();
    a.lastError = rest.reason();
    // one bad item must not fail the others with it: each is asked on its own from now on
    if (runSplit(rest.batch(), a.attempt, a.lastError)) {
      return false;
    }
    a.batch = rest.batch();
    return true;
  }

  /** Asks for the parts of a batch one after the other; false when it does not split. */
  private boolean runSplit(B batch, int attempt, String lastError) throws InterruptedException {
    List<B> parts = work.split(batch);
    if (parts.size() <= 1) {
      return false;
    }
    for (B part : parts) {
      runParts(part, attempt, lastError);
    }
    return true;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
