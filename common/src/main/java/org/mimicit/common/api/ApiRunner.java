package org.mimicit.common.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.mimicit.common.api.ApiCallException.Kind;
import org.mimicit.common.error.MimicitException;

/**
 * Runs one task's requests: at most {@code concurrency} in flight, each let through by the {@link
 * RequestBudget} (the job's, on the driver, or a {@link RateLimiter} of its own), retried with
 * {@link Backoff} on 429, 5xx, timeouts and bad replies (a 429 pauses the whole budget and, up to
 * {@link #RATE_LIMIT_PATIENCE} per attempt, costs no attempt), and asked again for what the reply
 * left out or got wrong, until the attempts run out; then the remaining units are given up ({@code
 * api_failed}). Before a batch is sent its units are claimed ({@link UnitClaims}): units another
 * attempt of the same task holds wait until it has answered them (then they are skipped) or ended.
 * What a request is, and what of a reply is accepted, is the {@link Work}'s: the translation stage
 * and the generation stage share this.
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

    /** The cache keys of the units of {@code batch}. */
    List<String> keys(B batch);

    /** {@code batch} with only the units whose keys are in {@code keys}; null when none is left. */
    B only(B batch, Set<String> keys);
  }

  /** What a reply left to ask again, and why. */
  public record Rest<B>(B batch, String reason) {}

  /** 429s one batch may take, per allowed attempt, before they count as failed attempts. */
  static final int RATE_LIMIT_PATIENCE = 10;

  /** How long to wait before claiming again units another attempt holds. */
  static final long CLAIM_POLL_MILLIS = 250;

  private final ChatClient client;
  private final RequestBudget budget;
  private final UnitClaims claims;
  private final Backoff backoff;
  private final int maxAttempts;
  private final ApiMetrics metrics;
  private final Work<B> work;
  private final Semaphore slots;
  private final int concurrency;
  private final ExecutorService pool;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /** A runner alone with its units, under {@code budget}. */
  public ApiRunner(
      ChatClient client,
      ApiSettings settings,
      RequestBudget budget,
      int concurrency,
      ApiMetrics metrics,
      Work<B> work) {
    this(client, settings, budget, UnitClaims.ALONE, concurrency, metrics, work);
  }

  public ApiRunner(
      ChatClient client,
      ApiSettings settings,
      RequestBudget budget,
      UnitClaims claims,
      int concurrency,
      ApiMetrics metrics,
      Work<B> work) {
    this.client = client;
    this.budget = budget;
    this.claims = claims;
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
              admit(batch);
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

  /**
   * Claims the units of a batch and runs the granted ones; skips what another attempt answered,
   * gives up what it gave up on, and waits for what it holds.
   */
  private void admit(B batch) throws InterruptedException {
    B waiting = batch;
    while (waiting != null && failure.get() == null) {
      UnitClaims.Claim claim = claims.claim(work.keys(waiting));
      Map<String, List<String>> byReason = new java.util.LinkedHashMap<>();
      claim.failed().forEach((k, r) -> byReason.computeIfAbsent(r, x -> new ArrayList<>()).add(k));
      for (Map.Entry<String, List<String>> f : byReason.entrySet()) {
        B failed = work.only(waiting, new HashSet<>(f.getValue()));
        if (failed != null) {
          work.giveUp(failed, f.getKey());
        }
      }
      B granted = work.only(waiting, new HashSet<>(claim.granted()));
      if (granted != null) {
        runParts(granted, 0, null);
      }
      B busy = work.only(waiting, new HashSet<>(claim.busy()));
      if (busy != null && granted == null) {
        TimeUnit.MILLISECONDS.sleep(CLAIM_POLL_MILLIS);
      }
      waiting = busy;
    }
  }

  private void giveUp(B batch, String reason) {
    work.giveUp(batch, reason);
    claims.failed(work.keys(batch), reason);
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
        giveUp(a.batch, a.lastError + " (after " + a.attempt + " attempts)");
        return;
      }
      a.attempt++;
      ChatRequest request = work.request(a.batch);
      budget.acquire(request.estimatedTokens());
      metrics.sent(a.attempt > 1 || a.limited > 0 || a.lastError != null);
      ChatReply reply;
      try {
        reply = client.complete(request);
      } catch (ApiCallException e) {
        if (e.kind() == Kind.FATAL) {
          budget.stop(e); // before the slot is free again: nobody else sends after it
        }
        budget.release(0);
        if (!retryAfter(e, a)) {
          return;
        }
        continue;
      } catch (RuntimeException | Error e) {
        budget.release(0);
        throw e;
      }
      budget.release(reply.totalTokens() > 0 ? reply.totalTokens() - request.estimatedTokens() : 0);
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
        giveUp(a.batch, a.lastError);
      }
      return false;
    }
    Duration wait = backoff.delay(a.attempt, e.retryAfter(), ThreadLocalRandom.current());
    if (e.kind() == Kind.RATE_LIMITED) {
      metrics.rateLimited();
      budget.pauseFor(wait.toNanos()); // every request of the job waits
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
    if (!reply.holdBack().isZero()) {
      budget.pauseFor(reply.holdBack().toNanos());
    }
    Rest<B> rest = work.accept(a.batch, reply);
    List<String> asked = work.keys(a.batch);
    if (rest == null) {
      claims.done(asked);
      return false;
    }
    Set<String> left = new HashSet<>(work.keys(rest.batch()));
    List<String> answered = asked.stream().filter(k -> !left.contains(k)).toList();
    if (!answered.isEmpty()) {
      claims.done(answered);
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

  /**
   * Stops the requests and waits (a little) for their threads, so that no answer of this runner is
   * persisted after it is closed.
   */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
