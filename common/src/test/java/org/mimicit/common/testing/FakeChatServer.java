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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A chat-completions server on loopback that speaks the translation protocol and misbehaves on
 * request: 429 with Retry-After, 5xx, replies slower than the client's timeout, invalid JSON,
 * replies cut mid-body, a missing language, an untranslated (English) reply. It enforces a
 * requests-per-minute limit like a real API (429 beyond it) and logs every request it answers. Its
 * translations are made up but deterministic ({@link #translate}), so tests know what to expect.
 * Run {@link #main} to use it from a benchmark.
 */
public final class FakeChatServer implements AutoCloseable {
  /** What to do with one request. */
  public enum Fault {
    NONE,
    RATE_LIMITED,
    SERVER_ERROR,
    SLOW,
    INVALID_JSON,
    CUT_REPLY,
    NOT_JSON_CONTENT,
    MISSING_LANGUAGE,
    UNTRANSLATED,
    UNAUTHORIZED
  }

  /** One source item of a request. */
  public record Item(String id, String instruction, String answer) {}

  /** One request as the server saw it, and how it answered. */
  public record Call(
      int seq,
      long nanos,
      String path,
      String auth,
      List<String> languages,
      List<Item> items,
      String query,
      int maxTokens,
      Fault fault,
      int status) {
    /**
     * True when the reply carried translations the client can accept for every item and language.
     */
    public boolean answeredFully() {
      return status == 200 && (fault == Fault.NONE || fault == Fault.SLOW);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final AtomicInteger seq = new AtomicInteger();
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Fault> faultsBySeq = new ConcurrentHashMap<>();
  private volatile BiFunction<Integer, List<Item>, Fault> faultRule = (n, items) -> Fault.NONE;
  private volatile java.util.function.Function<String, String> generationReply =
      FakeChatServer::questions;
  private volatile int retryAfterSeconds = 1;
  private volatile long slowMillis = 3000;
  private volatile long latencyMillis;
  private volatile double requestsPerMinute;
  private double bucket;
  private long bucketAt = System.nanoTime();

  public FakeChatServer() throws IOException {
    this(0);
  }

  public FakeChatServer(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/", this::handle);
    server.createContext("/stats", this::stats);
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-chat-server");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  /** The API base to configure: {@code http://127.0.0.1:<port>/v1}. */
  public String base() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort()
        + "/v1";
  }

  /** The fault for the n-th request (1-based), once. */
  public FakeChatServer faultAt(int n, Fault fault) {
    faultsBySeq.put(n, fault);
    return this;
  }

  /** A rule deciding a fault from the request number and its items (when no faultAt applies). */
  public FakeChatServer faultRule(BiFunction<Integer, List<Item>, Fault> rule) {
    this.faultRule = rule;
    return this;
  }

  /** How generation requests (a plain-text query) are answered; by default {@link #questions}. */
  public FakeChatServer generationReply(java.util.function.Function<String, String> reply) {
    this.generationReply = reply;
    return this;
  }

  /**
   * The made-up reply to a generation query: two pairs in the line format, numbered and with bold
   * labels, as models write them: what the first sentence says, and how many sentences there are.
   */
  public static String questions(String query) {
    String[] sentences = query.strip().split("(?<=[.!?])\\s+");
    return "Here are some questions about the video.\n\n"
        + "1. **Question:** What is described first?\n"
        + "**Answer:** "
        + sentences[0]
        + "\n\n2. **Question:** How many sentences describe it?\n**Answer:** There are "
        + sentences.length
        + ".\n";
  }

  public FakeChatServer retryAfterSeconds(int seconds) {
    this.retryAfterSeconds = seconds;
    return this;
  }

  public FakeChatServer slowMillis(long millis) {
    this.slowMillis = millis;
    return this;
  }

  /** Time every reply takes. */
  public FakeChatServer latencyMillis(long millis) {
    this.latencyMillis = millis;
    return this;
  }

  /** Answers 429 beyond this rate (a bucket holding one second's requests); 0 for no limit. */
  public FakeChatServer requestsPerMinute(double rpm) {
    synchronized (this) {
      this.requestsPerMinute = rpm;
      this.bucket = rpm / 60;
      this.bucketAt = System.nanoTime();
    }
    return this;
  }

  /** Every request answered so far, in arrival order. */
  public List<Call> calls() {
    List<Call> list = new ArrayList<>(calls);
    list.sort((a, b) -> Integer.compare(a.seq(), b.seq()));
    return Collections.unmodifiableList(list);
  }

  public void clearCalls() {
    calls.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int n = seq.incrementAndGet();
      long at = System.nanoTime();
      JsonNode body = JSON.readTree(exchange.getRequestBody());
      String text = lastUserMessage(body);
      JsonNode query = text.startsWith("{") ? JSON.readTree(text) : JSON.createObjectNode();
      List<String> langs = languages(query);
      List<Item> items = queryItems(query);
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null) {
        auth = exchange.getRequestHeaders().getFirst("api-key");
      }
      Fault fault = faultsBySeq.remove(n);
      if (fault == null) {
        fault = overLimit() ? Fault.RATE_LIMITED : faultRule.apply(n, items);
      }
      int status =
          switch (fault) {
            case RATE_LIMITED -> 429;
            case SERVER_ERROR -> 503;
            case UNAUTHORIZED -> 401;
            default -> 200;
          };
      calls.add(
          new Call(
              n,
              at,
              exchange.getRequestURI().toString(),
              auth,
              langs,
              items,
              text,
              body.path("max_tokens").asInt(-1),
              fault,
              status));
      if (latencyMillis > 0) {
        sleep(latencyMillis);
      }
      respond(exchange, fault, body, langs, items, query.has("items") ? null : text);
    } catch (RuntimeException e) {
      throw new IOException(e);
    }
  }

  /**
   * {@code GET /stats}: requests, 429s, requests per minute from the first to the last, and
   * duplicates (an item and language answered in full more than once).
   */
  public ObjectNode summary() {
    List<Call> all = calls();
    ObjectNode s = JSON.createObjectNode();
    s.put("requests", all.size());
    s.put("http_429", all.stream().filter(c -> c.status() == 429).count());
    s.put("http_200", all.stream().filter(c -> c.status() == 200).count());
    if (all.size() > 1) {
      long first = all.stream().mapToLong(Call::nanos).min().getAsLong();
      long last = all.stream().mapToLong(Call::nanos).max().getAsLong();
      s.put("seconds", (last - first) / 1e9);
      s.put("requests_per_minute", (all.size() - 1) / ((last - first) / 60e9));
    }
    Map<String, Integer> answered = new java.util.HashMap<>();
    for (Call c : all) {
      if (c.answeredFully()) {
        for (Item i : c.items()) {
          for (String lang : c.languages()) {
            answered.merge(i.instruction() + "\0" + i.answer() + "\0" + lang, 1, Integer::sum);
          }
        }
      }
    }
    s.put("units_answered", answered.size());
    s.put("duplicates", answered.values().stream().filter(n -> n > 1).mapToInt(n -> n - 1).sum());
    return s;
  }

  private void stats(HttpExchange exchange) throws IOException {
    try (exchange) {
      send(exchange, 200, JSON.writeValueAsString(summary()));
    }
  }

  private synchronized boolean overLimit() {
    if (requestsPerMinute <= 0) {
      return false;
    }
    long now = System.nanoTime();
    double perSecond = requestsPerMinute / 60;
    bucket = Math.min(perSecond, bucket + (now - bucketAt) / 1e9 * perSecond);
    bucketAt = now;
    if (bucket >= 1 - 1e-9) {
      bucket -= 1;
      return false;
    }
    return true;
  }

  /**
   * @param generation the query of a generation request (not the translation protocol), else null
   */
  private void respond(
      HttpExchange exchange,
      Fault fault,
      JsonNode body,
      List<String> langs,
      List<Item> items,
      String generation)
      throws IOException {
    if (generation != null
        && fault != Fault.RATE_LIMITED
        && fault != Fault.SERVER_ERROR
        && fault != Fault.UNAUTHORIZED
        && fault != Fault.INVALID_JSON
        && fault != Fault.CUT_REPLY) {
      if (fault == Fault.SLOW) {
        sleep(slowMillis);
      }
      String reply =
          fault == Fault.NOT_JSON_CONTENT || fault == Fault.UNTRANSLATED
              ? "I'm sorry, but I need more details about the video to write questions."
              : generationReply.apply(generation);
      send(exchange, 200, reply(body, reply));
      return;
    }
    switch (fault) {
      case RATE_LIMITED -> {
        exchange.getResponseHeaders().add("Retry-After", Integer.toString(retryAfterSeconds));
        send(
            exchange,
            429,
            "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}");
      }
      case SERVER_ERROR ->
          send(exchange, 503, "{\"error\":{\"message\":\"The server is overloaded\"}}");
      case UNAUTHORIZED ->
          send(exchange, 401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}");
      case INVALID_JSON ->
          send(exchange, 200, "{\"id\": \"chatcmpl-1\", \"choices\": [{\"message\": ");
      case CUT_REPLY -> {
        byte[] full =
            reply(body, content(langs, items, Fault.NONE)).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, full.length);
        OutputStream out = exchange.getResponseBody();
        out.write(full, 0, full.length / 2);
        out.flush();
        throw new IOException("cut on purpose"); // the connection closes with half the body sent
      }
      case SLOW -> {
        sleep(slowMillis);
        send(exchange, 200, reply(body, content(langs, items, Fault.NONE)));
      }
      case NOT_JSON_CONTENT ->
          send(exchange, 200, reply(body, "I am sorry, I can only translate one item."));
      default -> send(exchange, 200, reply(body, content(langs, items, fault)));
    }
  }

  /**
   * The reply body a server gives to a chat request body, as {@link #handle} answers with no fault
   * (or with {@code fault} for a translation query: MISSING_LANGUAGE, UNTRANSLATED,
   * NOT_JSON_CONTENT). The Batch API fake answers its request lines with it.
   */
  public static String completion(JsonNode body, Fault fault) throws IOException {
    return completion(body, fault, FakeChatServer::questions);
  }

  /** As {@link #completion(JsonNode, Fault)}, generation queries answered by {@code generation}. */
  public static String completion(
      JsonNode body, Fault fault, java.util.function.Function<String, String> generation)
      throws IOException {
    String text = lastUserMessage(body);
    JsonNode query = text.startsWith("{") ? JSON.readTree(text) : JSON.createObjectNode();
    if (!query.has("items")) {
      return reply(body, generation.apply(text));
    }
    if (fault == Fault.NOT_JSON_CONTENT) {
      return reply(body, "I am sorry, I can only translate one item.");
    }
    return reply(body, content(languages(query), queryItems(query), fault));
  }

  /** The languages a translation query asks for. */
  private static List<String> languages(JsonNode query) {
    List<String> langs = new ArrayList<>();
    query.path("languages").forEach(l -> langs.add(l.asText()));
    return langs;
  }

  /** The items of a translation query. */
  private static List<Item> queryItems(JsonNode query) {
    List<Item> items = new ArrayList<>();
    query
        .path("items")
        .forEach(
            i ->
                items.add(
                    new Item(
                        i.path("id").asText(),
                        i.path("instruction").asText(),
                        i.path("answer").asText())));
    return items;
  }

  /** The items of a translation request body (empty for generation). */
  public static List<Item> items(JsonNode body) throws IOException {
    String text = lastUserMessage(body);
    return text.startsWith("{") ? queryItems(JSON.readTree(text)) : new ArrayList<>();
  }

  private static String lastUserMessage(JsonNode body) {
    JsonNode messages = body.path("messages");
    for (int i = messages.size() - 1; i >= 0; i--) {
      if ("user".equals(messages.get(i).path("role").asText())) {
        return messages.get(i).path("content").asText();
      }
    }
    return "{}";
  }

  private static String content(List<String> langs, List<Item> items, Fault fault)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode out = root.putArray("items");
    for (Item item : items) {
      ObjectNode t = out.addObject().put("id", item.id()).putObject("translations");
      for (int i = 0; i < langs.size(); i++) {
        String lang = langs.get(i);
        if (fault == Fault.MISSING_LANGUAGE && i == 0) {
          continue;
        }
        boolean english = fault == Fault.UNTRANSLATED;
        t.putObject(lang)
            .put("instruction", english ? item.instruction() : translate(lang, item.instruction()))
            .put("answer", english ? item.answer() : translate(lang, item.answer()));
      }
    }
    return JSON.writeValueAsString(root);
  }

  private static String reply(JsonNode request, String content) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-fake")
        .put("object", "chat.completion")
        .put("model", request.path("model").asText("fake") + "-fake");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0).put("finish_reason", "stop");
    choice.putObject("message").put("role", "assistant").put("content", content);
    root.putObject("usage")
        .put("prompt_tokens", request.toString().length() / 4)
        .put("completion_tokens", content.length() / 4)
        .put("total_tokens", request.toString().length() / 4 + content.length() / 4);
    return JSON.writeValueAsString(root);
  }

  /**
   * The made-up translation: letters outside tags become a letter of the language's script (zh 中,
   * ja あ, ko 한, ar ع), or for other languages the text gets a {@code [lang]} prefix. Tags and
   * digits stay.
   */
  public static String translate(String lang, String text) {
    String letter =
        switch (lang) {
          case "zh" -> "中";
          case "ja" -> "あ";
          case "ko" -> "한";
          case "ar" -> "ع";
          default -> null;
        };
    if (letter == null) {
      return "[" + lang + "] " + text;
    }
    StringBuilder out = new StringBuilder();
    boolean inTag = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '<') {
        inTag = text.indexOf('>', i) > 0;
      }
      out.append(!inTag && Character.isLetter(c) ? letter : String.valueOf(c));
      if (c == '>') {
        inTag = false;
      }
    }
    return out.toString();
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /**
   * {@code FakeChatServer <port> <requests-per-minute> <latency-ms> [<slow-share> <slow-ms>]}:
   * serves until killed; with a slow share s > 0, every (1/s)-th request takes slow-ms more.
   */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    try (FakeChatServer server = new FakeChatServer(port)) {
      server.requestsPerMinute(Double.parseDouble(args[1])).latencyMillis(Long.parseLong(args[2]));
      double slowShare = args.length > 3 ? Double.parseDouble(args[3]) : 0;
      if (slowShare > 0) {
        long every = Math.max(1, Math.round(1 / slowShare));
        server
            .slowMillis(Long.parseLong(args[4]))
            .faultRule((n, items) -> n % every == 0 ? Fault.SLOW : Fault.NONE);
      }
      System.out.println("listening on " + server.base());
      Thread.currentThread().join();
    }
  }
}
