package org.mimicit.common.json;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * The record a streaming parser of a MIMIC-IT file stands on: its id, the file offset of its key,
 * what was found ({@code S}, the parser's status enum) and why it is not a good record. The three
 * parsers share these accessors and the way a syntax error becomes the last record of a range.
 */
abstract class RecordParser<S extends Enum<S>> {
  /** No record left: {@code next()} returns false from now on. */
  boolean done;

  String id;
  long offset;
  S status;
  String detail;

  /** The record's id (its key), or null when a syntax error came before it. */
  public String id() {
    return id;
  }

  /** File offset of the record's key (its opening quote), or of the syntax error. */
  public long offset() {
    return offset;
  }

  public S status() {
    return status;
  }

  /** Why the record is not good; null for a good one. */
  public String detail() {
    return detail;
  }

  /** Sets the record's status and why; returns true, as {@code next()} does for a record. */
  final boolean fail(S s, String message) {
    status = s;
    detail = message;
    return true;
  }

  /**
   * Reports Jackson's syntax error as the last record: {@code base} turns its byte offset into a
   * file offset; {@code rest} says what was not read.
   */
  final boolean malformed(S s, JsonProcessingException e, long base, String rest) {
    done = true;
    status = s;
    offset = e.getLocation() == null ? offset : base + e.getLocation().getByteOffset();
    detail = e.getOriginalMessage() + " at byte " + offset + rest;
    return true;
  }
}
