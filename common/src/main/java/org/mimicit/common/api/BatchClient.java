package org.mimicit.common.api;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Batch API's files and batches endpoints (OpenAI's {@code /v1/files}, {@code /v1/batches}, and
 * Azure OpenAI's {@code /openai/files}, {@code /openai/batches}). Each call is made once: retries
 * are the caller's ({@link BatchRunner}). Implementations are thread-safe.
 */
public interface BatchClient {
  /** A batch as the API describes it. */
  record Status(
      String id,
      String status,
      String inputFileId,
      String outputFileId,
      String errorFileId,
      long total,
      long completed,
      long failed,
      String errors,
      Map<String, String> metadata) {
    /** True when the batch will not change any more: its files can be read. */
    public boolean terminal() {
      return switch (status) {
        case "completed", "expired", "cancelled", "failed" -> true;
        default -> false;
      };
    }
  }

  /** A page of batches, newest first. */
  record Page(List<Status> batches, boolean hasMore, String lastId) {}

  /**
   * Uploads a JSONL request file ({@code purpose=batch}) streamed from {@code content}, of {@code
   * length} bytes; returns its file id.
   *
   * @throws ApiCallException when the upload failed; its kind says whether to retry
   */
  String upload(String name, long length, Supplier<InputStream> content);

  /** Creates a batch of an uploaded file for the chat-completions endpoint. */
  Status create(String inputFileId, String window, Map<String, String> metadata);

  Status get(String batchId);

  /** The batches after {@code after} (null: from the newest), up to {@code limit}. */
  Page list(String after, int limit);

  /** A file's content, streamed; the caller closes it. */
  InputStream content(String fileId);

  /** The client for these settings. */
  static BatchClient of(ApiSettings settings) {
    return new HttpBatchClient(settings);
  }
}
