package org.mimicit.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A stage's {@link ApiRunner.Work} whose batches can also go through the Batch API: a batch is
 * written to the request records of the warehouse cache and read back when its reply arrives, a day
 * later or in another run.
 */
public interface BatchWork<B> extends ApiRunner.Work<B> {
  /** The batch as JSON, complete enough for {@link #read} to give it back. */
  ObjectNode write(B batch);

  B read(JsonNode json);
}
