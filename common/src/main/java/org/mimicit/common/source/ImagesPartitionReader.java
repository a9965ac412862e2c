package org.mimicit.common.source;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.image.ImageHeaders;
import org.mimicit.common.image.ImageInfo;
import org.mimicit.common.image.UnreadableImageException;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.json.ImagesJsonParser;
import org.mimicit.common.json.KeySync;
import org.mimicit.common.schema.RejectReason;

/** Reads the image records of one byte range: decode, sha256, header check. */
final class ImagesPartitionReader implements PartitionReader<InternalRow> {
  private static final StructType FULL = SourceFormat.IMAGES.schema(ReadMode.PERMISSIVE);
  private static final int TASK = 0;
  private static final int ID = 1;
  private static final int FORMAT = 2;
  private static final int WIDTH = 3;
  private static final int HEIGHT = 4;
  private static final int SHA = 5;
  private static final int SOURCE = 6;
  private static final int OFFSET = 7;
  private static final int BYTES = 8;
  private static final int REASON = 9;
  private static final int DETAIL = 10;

  private final FileRange range;
  private final ReadMode mode;
  private final RowProjection projection;
  private final boolean decode;
  private final FSDataInputStream in;
  private final ImagesJsonParser parser;
  private final MessageDigest sha256;
  private final UTF8String task;
  private final UTF8String source;
  private InternalRow current;

  ImagesPartitionReader(FileRange range, StructType readSchema, ReadMode mode, Configuration conf)
      throws IOException {
    this.range = range;
    this.mode = mode;
    this.projection = new RowProjection(FULL, readSchema);
    // Only ids and offsets wanted (the duplicate check): skip values without decoding them.
    this.decode =
        mode != ReadMode.PERMISSIVE
            || projection.wants(FULL, "bytes")
            || projection.wants(FULL, "sha256")
            || projection.wants(FULL, "format")
            || projection.wants(FULL, "width")
            || projection.wants(FULL, "height")
            || projection.wants(FULL, "reason")
            || projection.wants(FULL, "detail");
    Path path = new Path(range.path());
    FileSystem fs = DataFiles.fileSystem(path, conf);
    long syncEnd = Long.MAX_VALUE;
    if (range.end() < range.fileLength()) {
      try (FSDataInputStream probe = fs.open(path)) {
        probe.seek(range.end() - 1);
        long found = KeySync.find(probe, range.end() - 1, range.end());
        syncEnd = found < 0 ? Long.MAX_VALUE : found;
      }
    }
    this.in = fs.open(path);
    long streamOffset = range.start() == 0 ? 0 : range.start() - 1;
    in.seek(streamOffset);
    this.parser = new ImagesJsonParser(in, streamOffset, range.start(), syncEnd, decode);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    this.task = UTF8String.fromString(range.task());
    this.source = UTF8String.fromString(range.path());
  }

  @Override
  public boolean next() throws IOException {
    Object[] row = projection.newFullRow();
    while (true) {
      try {
        if (!parser.next()) {
          return false;
        }
      } catch (ImagesJsonParser.NotAnObjectException e) {
        throw new MimicitException(
            e, "Cannot read images from %s: %s", range.path(), e.getMessage());
      }
      Arrays.fill(row, null);
      row[TASK] = task;
      row[ID] = parser.id() == null ? null : UTF8String.fromString(parser.id());
      row[SOURCE] = source;
      row[OFFSET] = parser.offset();
      String reason = fill(row);
      if (reason != null
          && !mode.keepBadRecord(
              "image", parser.id(), parser.offset(), range.path(), reason, row[DETAIL])) {
        continue;
      }
      current = new GenericInternalRow(projection.project(row));
      return true;
    }
  }

  /** Fills the data or the reject columns; returns the reject reason, or null. */
  private String fill(Object[] row) {
    String reason = null;
    String detail = parser.detail();
    switch (parser.status()) {
      case MALFORMED -> reason = RejectReason.MALFORMED_JSON.code();
      case INVALID_BASE64, NOT_A_STRING -> reason = RejectReason.INVALID_BASE64.code();
      case IMAGE -> {
        if (decode) {
          byte[] data = parser.bytes();
          int length = parser.length();
          try {
            ImageInfo info = ImageHeaders.read(data, length);
            sha256.update(data, 0, length);
            row[FORMAT] = UTF8String.fromString(info.format());
            row[WIDTH] = info.width();
            row[HEIGHT] = info.height();
            row[SHA] = UTF8String.fromString(HexFormat.of().formatHex(sha256.digest()));
            row[BYTES] = Arrays.copyOf(data, length);
          } catch (UnreadableImageException e) {
            reason = RejectReason.NOT_AN_IMAGE.code();
            detail = e.getMessage();
          }
        }
      }
    }
    if (reason != null) {
      row[REASON] = UTF8String.fromString(reason);
      row[DETAIL] = UTF8String.fromString(detail);
    }
    return reason;
  }

  @Override
  public InternalRow get() {
    return current;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
