package org.mimicit.common.api;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups items into requests: up to {@code batchItems} items asking for the same languages, and no
 * more than fits twice over in {@code maxOutputTokens}. The dry run plans with the same rule as the
 * real run, so its request count is the real one's (before retries).
 */
public final class TranslationBatcher {
  private final int batchItems;
  private final int maxOutputTokens;
  private List<TranslationItem> batch = new ArrayList<>();

  public TranslationBatcher(int batchItems, int maxOutputTokens) {
    checkArgument(
        batchItems > 0, "Cannot set batch items to %s, the value must be positive.", batchItems);
    this.batchItems = batchItems;
    this.maxOutputTokens = maxOutputTokens;
  }

  /** Adds an item; returns the batch it closed, or null. */
  public List<TranslationItem> add(TranslationItem item) {
    List<TranslationItem> closed = null;
    if (!batch.isEmpty()
        && (batch.size() >= batchItems
            || !batch.get(0).langs().equals(item.langs())
            || tooLong(item))) {
      closed = batch;
      batch = new ArrayList<>();
    }
    batch.add(item);
    return closed;
  }

  private boolean tooLong(TranslationItem item) {
    List<TranslationItem> grown = new ArrayList<>(batch);
    grown.add(item);
    return TranslationProtocol.completionEstimate(grown) * 2 + 64 > maxOutputTokens;
  }

  /** The last batch, or null when there is none. */
  public List<TranslationItem> flush() {
    List<TranslationItem> last = batch.isEmpty() ? null : batch;
    batch = new ArrayList<>();
    return last;
  }
}
