package org.mimicit.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol (a WebSocket of
 * java.net.http): one page, every protocol event kept for the test to inspect (requests, console
 * messages, exceptions). The browser listens on a loopback port it picks itself, read from {@code
 * DevToolsActivePort} in its profile folder.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final String sessionId;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();

  private HeadlessChromium(Process process, WebSocket socket, String sessionId) {
    this.process = process;
    this.socket = socket;
    this.sessionId = sessionId;
  }

  /** Starts the browser with a fresh profile under {@code profile} and opens a blank page. */
  static HeadlessChromium start(Path profile) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless=new",
                // the sandbox needs user namespaces, which containers (and root) often lack;
                // the page is one the test wrote itself
                "--no-sandbox",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                "--user-data-dir=" + profile,
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-sync",
                "--disable-domain-reliability",
                "--disable-client-side-phishing-detection",
                "--metrics-recording-only",
                "--no-pings",
                "--hide-scrollbars",
                "about:blank"));
    Process process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(profile.resolveSibling("chromium.log").toFile())
            .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!(Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IOException(
              "Chromium did not start (exit "
                  + (process.isAlive() ? "none" : process.exitValue())
                  + "): "
                  + Files.readString(profile.resolveSibling("chromium.log")));
        }
        Thread.sleep(50);
      }
      List<String> lines = Files.readAllLines(portFile);
      URI browser = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
      Listener listener = new Listener();
      WebSocket socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .connectTimeout(TIMEOUT)
              .buildAsync(browser, listener)
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      HeadlessChromium chromium = new HeadlessChromium(process, socket, null);
      listener.owner = chromium;
      String target =
          chromium
              .send("Target.createTarget", JSON.createObjectNode().put("url", "about:blank"))
              .path("targetId")
              .asText();
      String session =
          chromium
              .send(
                  "Target.attachToTarget",
                  JSON.createObjectNode().put("targetId", target).put("flatten", true))
              .path("sessionId")
              .asText();
      HeadlessChromium page = new HeadlessChromium(process, socket, session);
      listener.owner = page;
      return page;
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Sends a command to the page (or to the browser before a page is attached). */
  JsonNode send(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode();
    msg.put("id", id);
    msg.put("method", method);
    msg.set("params", params == null ? JSON.createObjectNode() : params);
    if (sessionId != null) {
      msg.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(JSON.writeValueAsString(msg), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    JsonNode r = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IOException(method + " failed: " + r.get("error"));
    }
    return r.path("result");
  }

  JsonNode send(String method) throws Exception {
    return send(method, null);
  }

  /** Turns on the domains whose events the tests read, at a fixed window size. */
  void enableEvents(int width, int height) throws Exception {
    send("Page.enable");
    send("Network.enable");
    send("Runtime.enable");
    send("Log.enable");
    send(
        "Emulation.setDeviceMetricsOverride",
        JSON.createObjectNode()
            .put("width", width)
            .put("height", height)
            .put("deviceScaleFactor", 1)
            .put("mobile", false));
  }

  /** Opens {@code url} and waits for its load event. */
  void navigate(String url) throws Exception {
    int before = events.size();
    send("Page.navigate", JSON.createObjectNode().put("url", url));
    awaitEvent(e -> "Page.loadEventFired".equals(e.path("method").asText()), before);
  }

  /** The value of a JavaScript expression (JSON-serialisable), after its promise resolves. */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode r =
        send(
            "Runtime.evaluate",
            JSON.createObjectNode()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IOException("Cannot evaluate " + expression + ": " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** A PNG of what the window shows. */
  byte[] screenshot() throws Exception {
    return Base64.getDecoder()
        .decode(
            send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"))
                .path("data")
                .asText());
  }

  /** The page printed to PDF (A4, as a person's "Print" would lay it out). */
  byte[] printToPdf() throws Exception {
    return Base64.getDecoder()
        .decode(
            send(
                    "Page.printToPDF",
                    JSON.createObjectNode()
                        .put("paperWidth", 8.27)
                        .put("paperHeight", 11.69)
                        .put("printBackground", true))
                .path("data")
                .asText());
  }

  /** The protocol events received so far (method and params), in order. */
  List<JsonNode> events() {
    return List.copyOf(events);
  }

  private void awaitEvent(Predicate<JsonNode> match, int from) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      List<JsonNode> all = events();
      for (int i = from; i < all.size(); i++) {
        if (match.test(all.get(i))) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new IOException("No matching event within " + TIMEOUT);
  }

  @Override
  public void close() throws Exception {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the browser is stopped below either way
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  private void receive(JsonNode msg) {
    if (msg.has("id")) {
      CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
      if (f != null) {
        f.complete(msg);
      }
    } else {
      events.add(msg);
    }
  }

  /** Joins the frames of each message and hands it to the page object. */
  private static final class Listener implements WebSocket.Listener {
    volatile HeadlessChromium owner;
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          owner.receive(JSON.readTree(text.toString()));
        } catch (IOException e) {
          throw new IllegalStateException("Unreadable DevTools message: " + text, e);
        } finally {
          text.setLength(0);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
