package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mimicit.common.api.RateLimiterTest.FakeClock;

/** The job's budget and claims against a hand-moved clock. */
class ApiCoordinatorTest {
  private static final long LEASE = TimeUnit.SECONDS.toNanos(20);
  private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(120);

  private final FakeClock clock = new FakeClock();

  private ApiCoordinator coordinator(double rpm, int concurrency) {
    return new ApiCoordinator(rpm, 0, concurrency, LEASE, TIMEOUT, clock);
  }

  @Test
  void grantsAUnitToOneLiveAttemptAtATime() {
    ApiCoordinator c = coordinator(0, 8);
    c.register(1, "part-3-0");
    c.register(2, "part-3-0"); // a speculative copy
    assertThat(c.claim(1, List.of("a", "b")).granted()).containsExactly("a", "b");
    ApiCoordinator.Claim second = c.claim(2, List.of("a", "b", "c"));
    assertThat(second.busy()).containsExactly("a", "b");
    assertThat(second.granted()).containsExactly("c");

    c.done(1, List.of("a"));
    c.failed(1, List.of("b"), "zh: answer lost number 12 (after 6 attempts)");
    ApiCoordinator.Claim after = c.claim(2, List.of("a", "b"));
    assertThat(after.done()).containsExactly("a");
    assertThat(after.failed())
        .isEqualTo(Map.of("b", "zh: answer lost number 12 (after 6 attempts)"));
    assertThat(after.granted()).isEmpty();
    assertThat(after.busy()).isEmpty();
    // the first attempt is told the same about the unit the second one holds
    assertThat(c.claim(1, List.of("c")).busy()).containsExactly("c");
  }

  @Test
  void passesTheClaimsOfAnEndedAttemptOnWithARecheckOfTheCache() {
    ApiCoordinator c = coordinator(0, 8);
    c.register(1, "part-3-0");
    c.claim(1, List.of("a", "b"));
    c.done(1, List.of("a"));
    c.ended(1); // Spark: the executor was lost
    c.register(2, "part-3-0");
    ApiCoordinator.Claim claim = c.claim(2, List.of("a", "b"));
    assertThat(claim.granted()).containsExactly("a"); // answered before: the cache says so
    assertThat(claim.recheck()).containsExactly("b"); // in flight when it died: look first
    assertThatThrownBy(() -> c.claim(1, List.of("c")))
        .isInstanceOf(ApiCoordinator.EndedAttemptException.class);
    assertThatThrownBy(() -> c.acquire(1, 10, 0))
        .isInstanceOf(ApiCoordinator.EndedAttemptException.class);
    c.ended(7); // Spark's word arrives before the attempt's registration
    assertThatThrownBy(() -> c.register(7, "part-3-1"))
        .isInstanceOf(ApiCoordinator.EndedAttemptException.class);
  }

  @Test
  void silentAttemptsEndAfterTheLeaseAndTheirClaimsWaitARequestTimeoutMore() {
    ApiCoordinator c = coordinator(0, 8);
    c.register(1, "part-3-0");
    c.claim(1, List.of("a"));
    clock.now += LEASE / 2;
    c.beat(1);
    clock.now += LEASE / 2 + 1;
    assertThat(c.expireSilent()).isZero(); // the beat kept it
    clock.now += LEASE / 2;
    assertThat(c.expireSilent()).isEqualTo(1);
    c.register(2, "part-3-0");
    assertThat(c.claim(2, List.of("a")).busy()).containsExactly("a");
    clock.now += TIMEOUT;
    assertThat(c.claim(2, List.of("a")).recheck()).containsExactly("a");
    assertThatThrownBy(() -> c.beat(1)).isInstanceOf(ApiCoordinator.EndedAttemptException.class);
  }

  @Test
  void keepsTheJobsConcurrencyAcrossAttemptsAndReturnsTheSlotsOfEndedOnes() throws Exception {
    ApiCoordinator c = coordinator(0, 2);
    c.register(1, "part-3-0");
    c.register(2, "part-3-1");
    assertThat(c.acquire(1, 10, 0)).isZero();
    assertThat(c.acquire(1, 10, 0)).isZero();
    assertThat(c.acquire(2, 10, TimeUnit.MILLISECONDS.toNanos(20))).isEqualTo(-1);
    c.release(1, 0);
    assertThat(c.acquire(2, 10, 0)).isZero();
    assertThat(c.inFlight()).isEqualTo(2);
    c.ended(1); // its slot comes back, and a late release of it changes nothing
    c.release(1, 0);
    assertThat(c.inFlight()).isEqualTo(1);
    assertThat(c.acquire(2, 10, 0)).isZero();
    assertThat(c.inFlight()).isEqualTo(2);
  }

  @Test
  void pacesEveryAttemptWithOneLimiterAndAPauseHoldsThemAllBack() throws Exception {
    ApiCoordinator c = coordinator(600, 8);
    c.register(1, "part-3-0");
    c.register(2, "part-3-1");
    assertThat(c.acquire(1, 10, 0)).isZero();
    assertThat(c.acquire(2, 10, 0)).isEqualTo(100_000_000L);
    assertThat(c.acquire(1, 10, 0)).isEqualTo(200_000_000L);
    c.release(1, 0);
    c.release(1, 0);
    c.release(2, 0);
    clock.now += 1_000_000_000L;
    c.pauseFor(3_000_000_000L); // attempt 1 got a 429
    assertThat(c.acquire(2, 10, 0)).isEqualTo(3_000_000_000L);
  }

  @Test
  void remembersOutcomesOnlyWhileTwoAttemptsShareATask() {
    ApiCoordinator c = coordinator(0, 8);
    c.register(1, "part-3-0");
    c.claim(1, List.of("a"));
    c.done(1, List.of("a")); // alone: the cache is the record, nothing kept here
    c.register(2, "part-3-0");
    c.claim(1, List.of("b"));
    c.done(1, List.of("b")); // shared from now on: kept
    assertThat(c.claim(2, List.of("b")).done()).containsExactly("b");
    c.ended(1);
    c.ended(2);
    c.register(3, "part-3-0"); // a later attempt alone reads everything from the cache
    assertThat(c.claim(3, List.of("b")).granted()).containsExactly("b");
  }
}
