package org.mimicit.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.mimicit.common.api.ApiCallException.Kind;

/**
 * The Batch API over HTTP on the JDK's {@link HttpClient}: uploads streamed as multipart/form-data
 * (never held in memory), file contents streamed back. OpenAI ({@code Authorization: Bearer}) and
 * Azure OpenAI ({@code api-key}, {@code api-version}).
 */
final class HttpBatchClient implements BatchClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Uploads and downloads of up to 200 MB take longer than one chat request. */
  private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);

  private final ApiSettings settings;
  private final HttpClient http;

  HttpBatchClient(ApiSettings settings) {
    this.settings = settings;
    this.http = HttpChatClient.httpClient(settings);
  }

  @Override
  public String upload(String name, long length, Supplier<InputStream> content) {
    String boundary = "mimicit-" + UUID.randomUUID();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name
                + "\"\r\nContent-Type: application/jsonl\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpRequest.BodyPublisher body =
        HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.ofInputStream(content),
                HttpRequest.BodyPublishers.ofByteArray(tail)),
            head.length + length + tail.length);
    HttpRequest request =
        authorised(HttpRequest.newBuilder(settings.batchUri("/files", null)))
            .timeout(TRANSFER_TIMEOUT)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(body)
            .build();
    JsonNode file = json(send(request, "upload " + name));
    String id = file.path("id").asText(null);
    if (id == null) {
      throw new ApiCallException(
          Kind.BAD_REPLY, 200, null, "the upload's reply has no file id: " + file, null);
    }
    return id;
  }

  @Override
  public Status create(String inputFileId, String window, Map<String, String> metadata) {
    ObjectNode body = JSON.createObjectNode();
    body.put("input_file_id", inputFileId);
    body.put("endpoint", settings.batchEndpoint());
    body.put("completion_window", window);
    ObjectNode meta = body.putObject("metadata");
    metadata.forEach(meta::put);
    HttpRequest request;
    try {
      request =
          authorised(HttpRequest.newBuilder(settings.batchUri("/batches", null)))
              .timeout(settings.timeout())
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
              .build();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return status(json(send(request, "create a batch of " + inputFileId)));
  }

  @Override
  public Status get(String batchId) {
    return status(json(send(jsonGet(settings.batchUri("/batches/" + batchId, null)), batchId)));
  }

  @Override
  public Page list(String after, int limit) {
    String query =
        "limit="
            + limit
            + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
    JsonNode page = json(send(jsonGet(settings.batchUri("/batches", query)), "list batches"));
    List<Status> batches = new ArrayList<>();
    page.path("data").forEach(b -> batches.add(status(b)));
    return new Page(
        batches,
        page.path("has_more").asBoolean(false),
        page.path("last_id")
            .asText(batches.isEmpty() ? null : batches.get(batches.size() - 1).id()));
  }

  @Override
  public InputStream content(String fileId) {
    HttpRequest request =
        authorised(HttpRequest.newBuilder(settings.batchUri("/files/" + fileId + "/content", null)))
            .timeout(TRANSFER_TIMEOUT)
            .GET()
            .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw connectionFailed(e, "download " + fileId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiCallException(Kind.CONNECTION, 0, null, "interrupted", e);
    }
    if (response.statusCode() != 200) {
      String start;
      try (InputStream in = response.body()) {
        start = new String(in.readNBytes(2000), StandardCharsets.UTF_8);
      } catch (IOException e) {
        start = "";
      }
      throw HttpChatClient.failure(response.statusCode(), response.headers(), start);
    }
    return response.body();
  }

  private HttpRequest jsonGet(URI uri) {
    return authorised(HttpRequest.newBuilder(uri)).timeout(settings.timeout()).GET().build();
  }

  private HttpRequest.Builder authorised(HttpRequest.Builder builder) {
    if (settings.key() != null) {
      if (ApiSettings.AZURE.equals(settings.type())) {
        builder.header("api-key", settings.key());
      } else {
        builder.header("Authorization", "Bearer " + settings.key());
      }
    }
    return builder;
  }

  private byte[] send(HttpRequest request, String what) {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw connectionFailed(e, what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiCallException(Kind.CONNECTION, 0, null, "interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw HttpChatClient.failure(
          response.statusCode(),
          response.headers(),
          new String(response.body(), StandardCharsets.UTF_8));
    }
    return response.body();
  }

  private ApiCallException connectionFailed(IOException e, String what) {
    if (e instanceof HttpTimeoutException) {
      return new ApiCallException(Kind.TIMEOUT, 0, null, what + ": no reply in time", e);
    }
    return new ApiCallException(Kind.CONNECTION, 0, null, what + ": connection failed: " + e, e);
  }

  private static JsonNode json(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new ApiCallException(
          Kind.BAD_REPLY, 200, null, "the reply is not JSON: " + e.getMessage(), e);
    }
  }

  static Status status(JsonNode b) {
    JsonNode counts = b.path("request_counts");
    Map<String, String> metadata = new LinkedHashMap<>();
    b.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    JsonNode errors = b.path("errors");
    return new Status(
        b.path("id").asText(null),
        b.path("status").asText("unknown"),
        b.path("input_file_id").asText(null),
        nullIfEmpty(b.path("output_file_id")),
        nullIfEmpty(b.path("error_file_id")),
        counts.path("total").asLong(0),
        counts.path("completed").asLong(0),
        counts.path("failed").asLong(0),
        errors.isMissingNode() || errors.isNull() ? null : errors.toString(),
        metadata);
  }

  private static String nullIfEmpty(JsonNode n) {
    return n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
  }
}
