package org.mimicit.common.api;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API budget and the unit claims of a whole job, held in one place (the Spark driver) for all
 * its task attempts, wherever they run and however many come and go.
 *
 * <p><b>Budget.</b> One {@link RateLimiter} for the job's requests and tokens per minute, and
 * {@code maxConcurrency} slots for requests in flight; a 429 or a spent budget pauses every request
 * of the job. A slot is held from {@link #acquire} to {@link #release}; the slots of an attempt
 * that ends are returned, so a dead task never holds any.
 *
 * <p><b>Claims.</b> An attempt sends a unit only once its claim is granted, and a unit is granted
 * to one live attempt at a time: another attempt of the same group (Spark task) is told {@code
 * busy} until the holder reports it done or failed, or ends. Outcomes are remembered only for
 * groups that have had two attempts at once (for the others the cache, which a starting attempt
 * reads after {@link #register}, says what is answered), and dropped when no attempt of the group
 * is left. Claims held by an attempt that ended are granted again with {@code recheck}: the new
 * holder must look in the cache first, where the dead attempt may have persisted the answer before
 * it died. When an attempt ends by silence (no {@link #beat} for the lease time) rather than by
 * Spark's word, its claims wait a request timeout more, so that a request it may still have in
 * flight is over before the unit is asked again.
 *
 * <p>Thread-safe; the clock is injectable for tests.
 */
public final class ApiCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(ApiCoordinator.class);

  /**
   * What {@link #claim} answers: granted keys, of which {@code recheck} need a look in the cache.
   */
  public record Claim(
      List<String> granted,
      List<String> recheck,
      List<String> done,
      Map<String, String> failed,
      List<String> busy) {}

  /** Thrown at an attempt the coordinator counts as ended: it must not send anything more. */
  public static final class EndedAttemptException extends RuntimeException {
    EndedAttemptException(long attempt) {
      super("Task attempt " + attempt + " has ended for the API coordinator");
    }
  }

  /** Thrown at every {@link #acquire} once the job is {@link #stop stopped}. */
  public static final class StoppedException extends RuntimeException {
    StoppedException(String reason) {
      super(reason);
    }
  }

  private static final class Attempt {
    final long id;
    final String group;
    long lastSeen;
    boolean ended;
    int slots;
    final Set<String> held = new HashSet<>();

    Attempt(long id, String group, long now) {
      this.id = id;
      this.group = group;
      this.lastSeen = now;
    }
  }

  private static final class Group {
    final Set<Long> live = new HashSet<>();
    boolean shared;

    /** key -> "" when answered, else the reason it was given up; only while shared. */
    final Map<String, String> outcomes = new HashMap<>();
  }

  private final RateLimiter rates;
  private final RateLimiter.Clock clock;
  private final int maxConcurrency;
  private final long leaseNanos;
  private final long requestTimeoutNanos;
  private final Map<Long, Attempt> attempts = new HashMap<>();
  private final Map<String, Group> groups = new HashMap<>();
  private final Map<String, Long> holders = new HashMap<>();

  /** Keys an ended attempt held -> the time from which they may be granted again. */
  private final Map<String, Long> released = new HashMap<>();

  private int inFlight;
  private String stopped;
  private long answeredBusy;
  private long answeredDone;
  private long passedOn;

  /**
   * @param requestsPerMinute the job's limit; 0 for none
   * @param tokensPerMinute the job's limit; 0 for none
   * @param maxConcurrency the job's requests in flight at most
   * @param leaseNanos how long an attempt may stay silent before it counts as ended
   * @param requestTimeoutNanos how long a request can take at most
   */
  public ApiCoordinator(
      double requestsPerMinute,
      double tokensPerMinute,
      int maxConcurrency,
      long leaseNanos,
      long requestTimeoutNanos,
      RateLimiter.Clock clock) {
    checkArgument(
        maxConcurrency > 0,
        "Cannot set --max-concurrency to %s, the value must be positive.",
        maxConcurrency);
    checkArgument(
        leaseNanos > 0, "Cannot set the lease to %s ns, it must be positive.", leaseNanos);
    this.rates = new RateLimiter(requestsPerMinute, tokensPerMinute, clock);
    this.clock = clock;
    this.maxConcurrency = maxConcurrency;
    this.leaseNanos = leaseNanos;
    this.requestTimeoutNanos = requestTimeoutNanos;
  }

  /** An attempt of {@code group} starts; it must read the cache only after this returns. */
  public synchronized void register(long attempt, String group) {
    if (attempts.containsKey(attempt)) {
      live(attempt); // refuses an attempt that has ended
      return;
    }
    Attempt a = new Attempt(attempt, group, clock.nanoTime());
    attempts.put(attempt, a);
    Group g = groups.computeIfAbsent(group, k -> new Group());
    if (!g.live.isEmpty() && !g.shared) {
      g.shared = true;
      LOG.info(
          "API coordinator: attempt {} of {} starts while attempt(s) {} still run; their units are"
              + " claimed one attempt at a time",
          attempt,
          group,
          g.live);
    }
    g.live.add(attempt);
  }

  /** The attempt is alive. */
  public synchronized void beat(long attempt) {
    live(attempt);
  }

  /**
   * Takes a slot and books a start within the rates for a request of {@code tokens} tokens, waiting
   * at most {@code maxWaitNanos} for a slot.
   *
   * @return how long to wait before sending, or -1 when no slot was free in time (ask again)
   */
  public synchronized long acquire(long attempt, int tokens, long maxWaitNanos)
      throws InterruptedException {
    Attempt a = live(attempt);
    long deadline = System.nanoTime() + maxWaitNanos;
    throwIfStopped();
    while (inFlight >= maxConcurrency) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return -1;
      }
      wait(Math.max(1, left / 1_000_000));
      if (a.ended) {
        throw new EndedAttemptException(attempt);
      }
      throwIfStopped();
    }
    inFlight++;
    a.slots++;
    return rates.reserve(tokens);
  }

  /** A request of {@code attempt} ended; returns its slot and corrects its token charge. */
  public synchronized void release(long attempt, int tokenDifference) {
    Attempt a = attempts.get(attempt);
    if (a != null && a.slots > 0) {
      a.slots--;
      inFlight--;
      notifyAll();
    }
    if (a != null) {
      a.lastSeen = Math.max(a.lastSeen, clock.nanoTime());
    }
    rates.release(tokenDifference);
  }

  /** Holds back every request of the job for {@code nanos} (a 429, a spent budget). */
  public synchronized void pauseFor(long nanos) {
    rates.pauseFor(nanos);
  }

  /**
   * No request of the job can succeed: from now on {@link #acquire} throws {@link StoppedException}
   * with {@code reason} (the first one given).
   */
  public synchronized void stop(String reason) {
    if (stopped == null) {
      stopped = reason;
      LOG.warn("API coordinator: the job sends no more requests: {}", reason);
    }
    notifyAll();
  }

  private void throwIfStopped() {
    if (stopped != null) {
      throw new StoppedException(stopped);
    }
  }

  /** Claims {@code keys} for {@code attempt}. */
  public synchronized Claim claim(long attempt, List<String> keys) {
    Attempt a = live(attempt);
    Group g = groups.get(a.group);
    long now = clock.nanoTime();
    List<String> granted = new ArrayList<>();
    List<String> recheck = new ArrayList<>();
    List<String> done = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    List<String> busy = new ArrayList<>();
    for (String key : keys) {
      String outcome = g == null ? null : g.outcomes.get(key);
      Long holder = holders.get(key);
      Long from = released.get(key);
      if (outcome != null) {
        answeredDone++;
        if (outcome.isEmpty()) {
          done.add(key);
        } else {
          failed.put(key, outcome);
        }
      } else if (holder != null) {
        (holder == attempt ? granted : busy).add(key);
        answeredBusy += holder == attempt ? 0 : 1;
      } else if (from != null && now < from) {
        busy.add(key);
        answeredBusy++;
      } else {
        passedOn += from != null ? 1 : 0;
        released.remove(key);
        holders.put(key, attempt);
        a.held.add(key);
        (from != null ? recheck : granted).add(key);
      }
    }
    return new Claim(granted, recheck, done, failed, busy);
  }

  /** {@code attempt} persisted the answers of {@code keys}. */
  public synchronized void done(long attempt, Collection<String> keys) {
    settle(attempt, keys, "");
  }

  /** {@code attempt} gave up on {@code keys}. */
  public synchronized void failed(long attempt, Collection<String> keys, String reason) {
    settle(attempt, keys, reason == null || reason.isEmpty() ? "failed" : reason);
  }

  private void settle(long attempt, Collection<String> keys, String outcome) {
    Attempt a = attempts.get(attempt);
    if (a == null) {
      return;
    }
    a.lastSeen = Math.max(a.lastSeen, clock.nanoTime());
    Group g = groups.get(a.group);
    for (String key : keys) {
      Long holder = holders.get(key);
      if (holder != null && holder == attempt) {
        holders.remove(key);
      }
      a.held.remove(key);
      if (g != null && g.shared) {
        g.outcomes.put(key, outcome);
      }
    }
  }

  /**
   * The attempt has ended and sends nothing more (it closed, or Spark reported its end): its slots
   * return and its claims can be granted again at once (with a recheck of the cache).
   */
  public synchronized void ended(long attempt) {
    if (!attempts.containsKey(attempt)) {
      // ended before its registration arrived (or not an API task): it must not register later
      Attempt gone = new Attempt(attempt, "", clock.nanoTime());
      gone.ended = true;
      attempts.put(attempt, gone);
      return;
    }
    end(attempt, clock.nanoTime());
  }

  /**
   * Ends the attempts silent for longer than the lease; their claims wait a request timeout more.
   *
   * @return how many ended
   */
  public synchronized int expireSilent() {
    long now = clock.nanoTime();
    List<Attempt> silent = new ArrayList<>();
    for (Attempt a : attempts.values()) {
      if (!a.ended && now - a.lastSeen > leaseNanos) {
        silent.add(a);
      }
    }
    for (Attempt a : silent) {
      LOG.warn(
          "API coordinator: task attempt {} of {} silent for more than {} s, counted as ended; its"
              + " {} claim(s) wait {} s before they are asked again",
          a.id,
          a.group,
          leaseNanos / 1_000_000_000L,
          a.held.size(),
          requestTimeoutNanos / 1_000_000_000L);
      end(a.id, now + requestTimeoutNanos);
    }
    return silent.size();
  }

  private void end(long attempt, long claimsFreeFrom) {
    Attempt a = attempts.get(attempt);
    if (a == null || a.ended) {
      return;
    }
    a.ended = true;
    inFlight -= a.slots;
    a.slots = 0;
    for (String key : a.held) {
      holders.remove(key);
      released.put(key, claimsFreeFrom);
    }
    a.held.clear();
    Group g = groups.get(a.group);
    if (g != null) {
      g.live.remove(attempt);
      if (g.live.isEmpty()) {
        groups.remove(a.group);
      }
    }
    notifyAll();
  }

  /**
   * What the claims did: units asked for while another attempt held them ({@code busy}), units
   * another attempt had answered or given up ({@code settled}), units passed on from ended
   * attempts.
   */
  public synchronized String claimSummary() {
    return String.format(
        "%d claim(s) of a unit another attempt held (waited for), %d of a unit another attempt had"
            + " settled (skipped), %d unit(s) passed on from ended attempts",
        answeredBusy, answeredDone, passedOn);
  }

  /** Requests in flight now, job-wide. */
  public synchronized int inFlight() {
    return inFlight;
  }

  private Attempt live(long attempt) {
    Attempt a = attempts.get(attempt);
    if (a == null || a.ended) {
      throw new EndedAttemptException(attempt);
    }
    a.lastSeen = clock.nanoTime();
    return a;
  }
}
