package org.mimicit.common.schema;

/** The stable reason codes of the {@code rejected} table. Scripts match on these strings. */
public enum RejectReason {
  /** An image value that is not a valid base64 string. */
  INVALID_BASE64("invalid_base64"),
  /** Decoded bytes that are not a JPEG, PNG, GIF, WebP or BMP, or whose header cannot be read. */
  NOT_AN_IMAGE("not_an_image"),
  /** An id that occurs again later (in the same or a later file of the task): the last one wins. */
  DUPLICATE_ID("duplicate_id"),
  /** A required field is absent or null. */
  MISSING_FIELD("missing_field"),
  /** A field of the wrong type, or a record that is not a JSON object. */
  INVALID_FIELD("invalid_field"),
  /** The JSON text is broken at this point (syntax error, truncated file). */
  MALFORMED_JSON("malformed_json"),
  /** An API request that never produced an accepted answer. */
  API_FAILED("api_failed"),
  /** One image of a Spot-the-Difference pair without the other ({@code convert-sources}). */
  MISSING_PAIR("missing_pair"),
  /** A video the decoder cannot open or read ({@code convert-sources}). */
  UNDECODABLE_VIDEO("undecodable_video");

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
