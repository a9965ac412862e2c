package org.mimicit.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mimicit.common.error.MimicitException;

/**
 * Serves an {@link ApiCoordinator} over HTTP (the JDK's server: nothing that could clash with
 * Spark's Jetty or Netty) to the task attempts of a job, which reach it through a {@link
 * CoordinatorClient}. Every request must carry the job's random secret. Attempts silent for longer
 * than the lease are ended once a second.
 */
public final class CoordinatorServer implements AutoCloseable {
  static final String SECRET_HEADER = "X-Mimicit-Secret";

  /** How long an {@code acquire} waits on the server for a slot before the client asks again. */
  static final long SLOT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    // Without TCP_NODELAY the JDK server's small replies wait for the client's delayed ACK: 25 ms a
    // call instead of 2.5 (measured on loopback). Read once, when the JDK's server first starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final ApiCoordinator coordinator;
  private final HttpServer server;
  private final ScheduledExecutorService expiry;
  private final CoordinatorClient.Address address;
  private final byte[] secret;

  /**
   * Starts serving.
   *
   * @param bindHost the address to listen on
   * @param port 0 for any free port
   * @param advertisedHost the host the tasks connect to
   * @param leaseMillis how long an attempt may stay silent before it counts as ended
   */
  public CoordinatorServer(
      ApiCoordinator coordinator,
      String bindHost,
      int port,
      String advertisedHost,
      long leaseMillis) {
    this.coordinator = coordinator;
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String hex = HexFormat.of().formatHex(random);
    this.secret = hex.getBytes(StandardCharsets.US_ASCII);
    try {
      server = HttpServer.create(new InetSocketAddress(bindHost, port), 64);
    } catch (IOException e) {
      throw new MimicitException(
          e,
          "Cannot start the API coordinator on %s:%d: %s. Set spark.mimicit.api.coordinator.port"
              + " to a free port the executors can reach.",
          bindHost,
          port,
          e.getMessage());
    }
    server.createContext("/", this::handle);
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "mimicit-api-coordinator");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    expiry =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mimicit-api-coordinator-expiry");
              t.setDaemon(true);
              return t;
            });
    expiry.scheduleAtFixedRate(coordinator::expireSilent, 1, 1, TimeUnit.SECONDS);
    this.address =
        new CoordinatorClient.Address(
            "http://" + hostForUri(advertisedHost) + ":" + server.getAddress().getPort(),
            hex,
            leaseMillis);
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** Where the tasks reach this server, with its secret. */
  public CoordinatorClient.Address address() {
    return address;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String given = exchange.getRequestHeaders().getFirst(SECRET_HEADER);
      if (given == null
          || !MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII), secret)) {
        send(exchange, 403, JSON.createObjectNode().put("error", "wrong secret"));
        return;
      }
      JsonNode in = JSON.readTree(exchange.getRequestBody());
      try {
        send(exchange, 200, answer(exchange.getRequestURI().getPath(), in));
      } catch (ApiCoordinator.EndedAttemptException e) {
        send(exchange, 410, JSON.createObjectNode().put("error", e.getMessage()));
      } catch (ApiCoordinator.StoppedException e) {
        send(exchange, 409, JSON.createObjectNode().put("error", e.getMessage()));
      } catch (IllegalArgumentException e) {
        send(exchange, 400, JSON.createObjectNode().put("error", e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        send(exchange, 503, JSON.createObjectNode().put("error", "shutting down"));
      }
    }
  }

  private ObjectNode answer(String path, JsonNode in) throws InterruptedException {
    long attempt = in.path("attempt").asLong();
    ObjectNode out = JSON.createObjectNode();
    switch (path) {
      case "/register" -> coordinator.register(attempt, in.path("group").asText());
      case "/beat" -> coordinator.beat(attempt);
      case "/acquire" ->
          out.put(
              "wait_nanos",
              coordinator.acquire(attempt, in.path("tokens").asInt(), SLOT_WAIT_NANOS));
      case "/release" -> coordinator.release(attempt, in.path("token_difference").asInt());
      case "/pause" -> coordinator.pauseFor(in.path("nanos").asLong());
      case "/stop" -> coordinator.stop(in.path("reason").asText());
      case "/claim" -> {
        ApiCoordinator.Claim c = coordinator.claim(attempt, strings(in.path("keys")));
        c.granted().forEach(out.putArray("granted")::add);
        c.recheck().forEach(out.putArray("recheck")::add);
        c.done().forEach(out.putArray("done")::add);
        c.busy().forEach(out.putArray("busy")::add);
        ObjectNode failed = out.putObject("failed");
        for (Map.Entry<String, String> f : c.failed().entrySet()) {
          failed.put(f.getKey(), f.getValue());
        }
      }
      case "/done" -> coordinator.done(attempt, strings(in.path("keys")));
      case "/failed" ->
          coordinator.failed(attempt, strings(in.path("keys")), in.path("reason").asText());
      case "/end" -> coordinator.ended(attempt);
      default -> throw new IllegalArgumentException("Unknown call " + path);
    }
    return out;
  }

  static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>(array.size());
    array.forEach(n -> list.add(n.asText()));
    return list;
  }

  private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    expiry.shutdownNow();
    server.stop(0);
  }
}
