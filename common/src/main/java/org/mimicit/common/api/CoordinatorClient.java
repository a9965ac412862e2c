package org.mimicit.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.mimicit.common.error.MimicitException;

/**
 * One task attempt's side of the job's {@link ApiCoordinator}, reached over HTTP ({@link
 * CoordinatorServer}): its requests take their start and slot from the job's budget, its units are
 * claimed before they are sent, and a heartbeat keeps its lease. Registers on creation, so the
 * caller must read the cache only after constructing it. Once the coordinator counts the attempt as
 * ended (or cannot be reached for most of the lease), {@link #acquire} refuses: the attempt sends
 * nothing more and fails.
 */
public final class CoordinatorClient implements RequestBudget, UnitClaims, AutoCloseable {
  /** Where the coordinator is, its secret (redacted in {@link #toString}) and the lease. */
  public record Address(String uri, String secret, long leaseMillis) implements Serializable {
    @Override
    public String toString() {
      return "Address[uri=" + uri + ", secret=<redacted>, leaseMillis=" + leaseMillis + "]";
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private static final int TRIES = 5;

  private final Address address;
  private final long attempt;
  private final Supplier<Set<String>> cachedKeys;
  private final long freshNanos;
  private final ScheduledExecutorService beats;
  private volatile long lastContact = System.nanoTime();
  private volatile boolean ended;

  /**
   * Registers the attempt and starts its heartbeat.
   *
   * @param group the attempts that share units (one Spark task's)
   * @param cachedKeys the keys in the group's cache files now (read on a recheck)
   */
  public CoordinatorClient(
      Address address, long attempt, String group, Supplier<Set<String>> cachedKeys)
      throws InterruptedException {
    this.address = address;
    this.attempt = attempt;
    this.cachedKeys = cachedKeys;
    this.freshNanos = TimeUnit.MILLISECONDS.toNanos(address.leaseMillis()) * 3 / 4;
    call("/register", body().put("group", group));
    long every = Math.max(100, address.leaseMillis() / 8);
    beats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mimicit-api-lease");
              t.setDaemon(true);
              return t;
            });
    beats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    try {
      call("/beat", body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // acquire() refuses once the lease is stale; nothing else to do here
    }
  }

  @Override
  public void acquire(int tokens) throws InterruptedException {
    long wait;
    do {
      wait = call("/acquire", body().put("tokens", tokens)).path("wait_nanos").asLong();
    } while (wait < 0);
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    if (ended || System.nanoTime() - lastContact > freshNanos) {
      release(0);
      throw lost("it lost contact with the driver for most of its lease");
    }
  }

  @Override
  public void release(int tokenDifference) {
    quietly("/release", body().put("token_difference", tokenDifference));
  }

  @Override
  public void pauseFor(long nanos) {
    quietly("/pause", body().put("nanos", nanos));
  }

  @Override
  public void stop(ApiCallException fatal) {
    quietly("/stop", body().put("reason", fatal.getMessage()));
  }

  @Override
  public Claim claim(List<String> keys) {
    JsonNode out;
    try {
      out = call("/claim", withKeys(body(), keys));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MimicitException(e, "Interrupted while claiming API units");
    }
    List<String> granted = CoordinatorServer.strings(out.path("granted"));
    List<String> done = CoordinatorServer.strings(out.path("done"));
    List<String> recheck = CoordinatorServer.strings(out.path("recheck"));
    if (!recheck.isEmpty()) {
      // held by an attempt that died: it may have persisted the answer before it died
      Set<String> cached = cachedKeys.get();
      List<String> answered = new ArrayList<>();
      for (String key : recheck) {
        (cached.contains(key) ? answered : granted).add(key);
      }
      if (!answered.isEmpty()) {
        done(answered);
        done.addAll(answered);
      }
    }
    Map<String, String> failed = new LinkedHashMap<>();
    out.path("failed")
        .fields()
        .forEachRemaining(e -> failed.put(e.getKey(), e.getValue().asText()));
    return new Claim(granted, done, failed, CoordinatorServer.strings(out.path("busy")));
  }

  @Override
  public void done(Collection<String> keys) {
    quietly("/done", withKeys(body(), keys));
  }

  @Override
  public void failed(Collection<String> keys, String reason) {
    quietly("/failed", withKeys(body(), keys).put("reason", reason));
  }

  /**
   * Calls whose loss is safe: a slot or a claim not returned stays with this attempt until it ends.
   */
  private void quietly(String path, ObjectNode body) {
    try {
      call(path, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (MimicitException e) {
      // see above; acquire() and claim() fail the attempt if the coordinator is gone for good
    }
  }

  private ObjectNode body() {
    return JSON.createObjectNode().put("attempt", attempt);
  }

  private static ObjectNode withKeys(ObjectNode body, Collection<String> keys) {
    ArrayNode array = body.putArray("keys");
    keys.forEach(array::add);
    return body;
  }

  private JsonNode call(String path, ObjectNode body) throws InterruptedException {
    if (ended) {
      throw lost("the driver counts it as ended");
    }
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(address.uri() + path))
              .timeout(Duration.ofSeconds(60))
              .header(CoordinatorServer.SECRET_HEADER, address.secret())
              .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
              .build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    IOException last = null;
    for (int i = 0; i < TRIES; i++) {
      try {
        HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 409) {
          // another task met an error no request can get past (a wrong key, base or model)
          throw new ApiCallException(
              ApiCallException.Kind.FATAL,
              0,
              null,
              JSON.readTree(response.body()).path("error").asText(),
              null);
        }
        if (response.statusCode() == 410) {
          ended = true;
          throw lost("the driver counts it as ended (Spark reported its end, or it was silent)");
        }
        if (response.statusCode() != 200) {
          throw new MimicitException(
              "The API coordinator at %s answered %s with HTTP %d: %s",
              address.uri(),
              path,
              response.statusCode(),
              new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        lastContact = System.nanoTime();
        return JSON.readTree(response.body());
      } catch (IOException e) {
        last = e;
        TimeUnit.MILLISECONDS.sleep(200L << i);
      }
    }
    throw new MimicitException(
        last,
        "Cannot reach the API coordinator on the driver at %s (%s). Executors must be able to"
            + " connect to the driver host on that port; set spark.mimicit.api.coordinator.port to"
            + " one that is open.",
        address.uri(),
        last.getMessage());
  }

  private MimicitException lost(String why) {
    return new MimicitException(
        "Task attempt %d stops sending API requests: %s. Spark runs the task again (or another"
            + " attempt finishes it); answers already accepted are in the cache.",
        attempt, why);
  }

  /** Stops the heartbeat and tells the coordinator this attempt sends nothing more. */
  @Override
  public void close() {
    beats.shutdownNow();
    if (!ended) {
      quietly("/end", body());
    }
  }
}
