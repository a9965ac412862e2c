package org.mimicit.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.mimicit.common.testing.FakeChatServer.Fault;
import org.mimicit.common.testing.FakeChatServer.Item;

/**
 * The Batch API on loopback: {@code POST /v1/files} (multipart, purpose batch), {@code GET
 * /v1/files/<id>/content}, {@code POST /v1/batches}, {@code GET /v1/batches/<id>}, {@code GET
 * /v1/batches?limit&after}. Request lines are answered as {@link FakeChatServer#completion} does.
 * It logs every custom id of every batch created ({@link #submitted}) and misbehaves on request:
 * failed uploads (503), batches that stay in progress for some polls, a batch that expires with
 * only the first half of its lines done, error-file lines, malformed output lines, replies a
 * translation check rejects. Batches advance only when polled, so a test controls their pace.
 */
public final class FakeBatchServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One batch as the server holds it. */
  public static final class Batch {
    final String id;
    final String inputFileId;
    final ObjectNode metadata;
    final List<JsonNode> lines = new ArrayList<>();
    final long createdAt;
    String status = "validating";
    int polls;
    String outputFileId;
    String errorFileId;
    int completed;
    int failed;

    Batch(String id, String inputFileId, ObjectNode metadata, long createdAt) {
      this.id = id;
      this.inputFileId = inputFileId;
      this.metadata = metadata;
      this.createdAt = createdAt;
    }

    public String id() {
      return id;
    }

    public String status() {
      return status;
    }

    public int requests() {
      return lines.size();
    }
  }

  private final HttpServer server;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final Map<String, Batch> batches = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<String> submitted = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
  private volatile int failUploads;
  private volatile int pollsInProgress = 1;
  private volatile int expireBatches;
  private volatile boolean failCreateResponse;
  private volatile Predicate<String> errorLine = id -> false;
  private volatile Predicate<String> malformedLine = id -> false;
  private volatile Predicate<Item> untranslated = i -> false;
  private volatile java.util.function.Function<String, String> generationReply =
      FakeChatServer::questions;

  public FakeBatchServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-batch-server");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  /** The API base: {@code http://127.0.0.1:<port>/v1}. */
  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** The next {@code n} uploads fail with 503. */
  public FakeBatchServer failUploads(int n) {
    failUploads = n;
    return this;
  }

  /** Each batch stays in_progress for this many polls before it ends (slow completion). */
  public FakeBatchServer pollsInProgress(int n) {
    pollsInProgress = n;
    return this;
  }

  /** The next {@code n} batches to end expire with only the first half of their lines done. */
  public FakeBatchServer expireBatches(int n) {
    expireBatches = n;
    return this;
  }

  /** Lines whose custom id matches go to the error file (HTTP 500 in the line). */
  public FakeBatchServer errorLines(Predicate<String> customId) {
    errorLine = customId;
    return this;
  }

  /** Lines whose custom id matches are written to the output file cut in half. */
  public FakeBatchServer malformedLines(Predicate<String> customId) {
    malformedLine = customId;
    return this;
  }

  /** Translation items answered in English (the translation check rejects them). */
  public FakeBatchServer untranslated(Predicate<Item> item) {
    untranslated = item;
    return this;
  }

  /** How generation queries are answered; by default {@link FakeChatServer#questions}. */
  public FakeBatchServer generationReply(java.util.function.Function<String, String> reply) {
    generationReply = reply;
    return this;
  }

  /** The next batch creation is done but its reply is lost (a 502 after the batch exists). */
  public FakeBatchServer loseNextCreateReply() {
    failCreateResponse = true;
    return this;
  }

  /** Every custom id of every batch created, in order. */
  public List<String> submitted() {
    return List.copyOf(submitted);
  }

  /** The batches created, in order. */
  public synchronized List<Batch> batches() {
    return List.copyOf(batches.values());
  }

  /** Every request the server got: method and path. */
  public List<String> log() {
    return List.copyOf(log);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      String path = uri.getPath();
      log.add(method + " " + path);
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (method.equals("POST") && path.equals("/v1/files")) {
        upload(exchange, body);
      } else if (method.equals("GET") && path.matches("/v1/files/[^/]+/content")) {
        byte[] content;
        synchronized (this) {
          content = files.get(path.split("/")[3]);
        }
        if (content == null) {
          send(exchange, 404, "{\"error\":{\"message\":\"No such file\"}}");
        } else {
          exchange.sendResponseHeaders(200, content.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(content);
          }
        }
      } else if (method.equals("POST") && path.equals("/v1/batches")) {
        create(exchange, JSON.readTree(body));
      } else if (method.equals("GET") && path.startsWith("/v1/batches/")) {
        Batch b;
        synchronized (this) {
          b = batches.get(path.substring("/v1/batches/".length()));
          if (b != null) {
            advance(b);
          }
        }
        if (b == null) {
          send(exchange, 404, "{\"error\":{\"message\":\"No such batch\"}}");
        } else {
          send(exchange, 200, JSON.writeValueAsString(json(b)));
        }
      } else if (method.equals("GET") && path.equals("/v1/batches")) {
        list(exchange, uri.getQuery());
      } else {
        send(exchange, 404, "{\"error\":{\"message\":\"Unknown path " + path + "\"}}");
      }
    } catch (RuntimeException e) {
      throw new IOException(e);
    }
  }

  private void upload(HttpExchange exchange, byte[] body) throws IOException {
    if (failUploads > 0) {
      failUploads--;
      send(exchange, 503, "{\"error\":{\"message\":\"The upload failed, try again\"}}");
      return;
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    String boundary = "--" + type.substring(type.indexOf("boundary=") + "boundary=".length());
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String purpose = null;
    byte[] content = null;
    for (String part : text.split(java.util.regex.Pattern.quote(boundary))) {
      int split = part.indexOf("\r\n\r\n");
      if (split < 0) {
        continue;
      }
      String headers = part.substring(0, split);
      String value = part.substring(split + 4, part.length() - 2); // the CRLF before a boundary
      if (headers.contains("name=\"purpose\"")) {
        purpose = value;
      } else if (headers.contains("name=\"file\"")) {
        content = value.getBytes(StandardCharsets.ISO_8859_1);
      }
    }
    if (!"batch".equals(purpose) || content == null) {
      send(exchange, 400, "{\"error\":{\"message\":\"purpose batch and a file are required\"}}");
      return;
    }
    String id = "file-" + ids.incrementAndGet();
    synchronized (this) {
      files.put(id, content);
    }
    send(
        exchange,
        200,
        JSON.createObjectNode()
            .put("id", id)
            .put("object", "file")
            .put("bytes", content.length)
            .put("purpose", "batch")
            .toString());
  }

  private void create(HttpExchange exchange, JsonNode request) throws IOException {
    Batch b;
    synchronized (this) {
      byte[] input = files.get(request.path("input_file_id").asText());
      if (input == null || !"24h".equals(request.path("completion_window").asText())) {
        send(exchange, 400, "{\"error\":{\"message\":\"bad input file or window\"}}");
        return;
      }
      b =
          new Batch(
              "batch_" + ids.incrementAndGet(),
              request.path("input_file_id").asText(),
              request.path("metadata").isObject()
                  ? (ObjectNode) request.path("metadata")
                  : JSON.createObjectNode(),
              System.nanoTime());
      for (String line : new String(input, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          JsonNode l = JSON.readTree(line);
          b.lines.add(l);
          submitted.add(l.path("custom_id").asText());
        }
      }
      batches.put(b.id, b);
    }
    if (failCreateResponse) {
      failCreateResponse = false;
      send(exchange, 502, "{\"error\":{\"message\":\"Bad gateway\"}}");
      return;
    }
    send(exchange, 200, JSON.writeValueAsString(json(b)));
  }

  private void list(HttpExchange exchange, String query) throws IOException {
    int limit = 20;
    String after = null;
    if (query != null) {
      for (String kv : query.split("&")) {
        String[] p = kv.split("=", 2);
        if (p[0].equals("limit")) {
          limit = Integer.parseInt(p[1]);
        } else if (p[0].equals("after")) {
          after = p[1];
        }
      }
    }
    List<Batch> newestFirst;
    synchronized (this) {
      newestFirst = new ArrayList<>(batches.values());
    }
    java.util.Collections.reverse(newestFirst);
    int from = 0;
    if (after != null) {
      for (int i = 0; i < newestFirst.size(); i++) {
        if (newestFirst.get(i).id.equals(after)) {
          from = i + 1;
        }
      }
    }
    ObjectNode page = JSON.createObjectNode().put("object", "list");
    ArrayNode data = page.putArray("data");
    int to = Math.min(newestFirst.size(), from + limit);
    for (int i = from; i < to; i++) {
      data.add(json(newestFirst.get(i)));
    }
    page.put("has_more", to < newestFirst.size());
    if (to > from) {
      page.put("first_id", newestFirst.get(from).id).put("last_id", newestFirst.get(to - 1).id);
    }
    send(exchange, 200, page.toString());
  }

  /** One poll: validating, then in progress for some polls, then the end. */
  private void advance(Batch b) throws IOException {
    if (b.outputFileId != null || b.status.equals("expired")) {
      return;
    }
    b.polls++;
    if (b.polls == 1) {
      b.status = "in_progress";
      return;
    }
    if (b.polls <= pollsInProgress) {
      b.completed = b.lines.size() * (b.polls - 1) / (pollsInProgress + 1);
      return;
    }
    boolean expire = expireBatches > 0;
    if (expire) {
      expireBatches--;
    }
    int done = expire ? b.lines.size() / 2 : b.lines.size();
    StringBuilder output = new StringBuilder();
    StringBuilder errors = new StringBuilder();
    b.completed = 0;
    b.failed = 0;
    for (int i = 0; i < done; i++) {
      JsonNode line = b.lines.get(i);
      String customId = line.path("custom_id").asText();
      ObjectNode out = JSON.createObjectNode();
      out.put("id", "batch_req_" + ids.incrementAndGet()).put("custom_id", customId);
      ObjectNode response = out.putObject("response");
      if (errorLine.test(customId)) {
        response.put("status_code", 500).put("request_id", "req_" + i);
        response.putObject("body").putObject("error").put("message", "The server had an error");
        out.putNull("error");
        errors.append(JSON.writeValueAsString(out)).append('\n');
        b.failed++;
        continue;
      }
      JsonNode body = line.path("body");
      boolean english = FakeChatServer.items(body).stream().anyMatch(untranslated);
      response.put("status_code", 200).put("request_id", "req_" + i);
      response.set(
          "body",
          JSON.readTree(
              FakeChatServer.completion(
                  body, english ? Fault.UNTRANSLATED : Fault.NONE, generationReply)));
      out.putNull("error");
      String text = JSON.writeValueAsString(out);
      if (malformedLine.test(customId)) {
        text = text.substring(0, text.length() / 2);
      }
      output.append(text).append('\n');
      b.completed++;
    }
    b.status = expire ? "expired" : "completed";
    b.outputFileId = "file-" + ids.incrementAndGet();
    files.put(b.outputFileId, output.toString().getBytes(StandardCharsets.UTF_8));
    if (errors.length() > 0) {
      b.errorFileId = "file-" + ids.incrementAndGet();
      files.put(b.errorFileId, errors.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static ObjectNode json(Batch b) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", b.id)
        .put("object", "batch")
        .put("endpoint", "/v1/chat/completions")
        .put("input_file_id", b.inputFileId)
        .put("completion_window", "24h")
        .put("status", b.status)
        .put("output_file_id", b.outputFileId)
        .put("error_file_id", b.errorFileId)
        .putNull("errors");
    o.putObject("request_counts")
        .put("total", b.lines.size())
        .put("completed", b.completed)
        .put("failed", b.failed);
    o.set("metadata", b.metadata);
    return o;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
