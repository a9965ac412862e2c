package org.mimicit.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SortedFooterFileTest {
  @TempDir Path tmp;

  @Test
  void hashesTheFileAsWrittenFooterIncludedWhenAsked() throws Exception {
    for (boolean digest : new boolean[] {true, false}) {
      Path file = tmp.resolve("d" + digest + ".parquet");
      TableParquetWriter writer =
          TableParquetWriter.builder(
                  new Configuration(), new StructType().add("kind", DataTypes.StringType, false))
              .digest(digest)
              .files(n -> new org.apache.hadoop.fs.Path(file.toUri()))
              .build();
      for (int i = 0; i < 100; i++) {
        writer.write(new Object[] {i % 2 == 0 ? "even" : "odd"});
      }
      writer.close();
      byte[] bytes = Files.readAllBytes(file);
      TableParquetWriter.WrittenFile written = writer.writtenFiles().get(0);
      if (digest) {
        java.util.HexFormat hex = java.util.HexFormat.of();
        assertThat(written.sha256())
            .isEqualTo(
                hex.formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(written.md5())
            .isEqualTo(hex.formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes)));
      } else {
        assertThat(written.sha256()).isNull();
        assertThat(written.md5()).isNull();
      }
    }
  }

  @Test
  void writesEncodingListsInCodeOrderWhateverOrderParquetGathersThemIn() throws Exception {
    Path file = tmp.resolve("t.parquet");
    TableParquetWriter writer =
        TableParquetWriter.builder(
                new Configuration(),
                new StructType()
                    .add("id", DataTypes.StringType, false)
                    .add("kind", DataTypes.StringType, false))
            .plainColumns("id")
            .files(n -> new org.apache.hadoop.fs.Path(file.toUri()))
            .build();
    for (int i = 0; i < 100; i++) {
      writer.write(new Object[] {"id" + i, i % 2 == 0 ? "even" : "odd"}); // kind: dictionary
    }
    writer.close();
    byte[] bytes = Files.readAllBytes(file);
    assertThat(writer.writtenFiles().get(0).bytes()).isEqualTo(bytes.length);
    FileMetaData footer = footer(bytes);
    List<List<Encoding>> lists = new ArrayList<>();
    for (ColumnChunk c : footer.getRow_groups().get(0).getColumns()) {
      List<Encoding> encodings = c.getMeta_data().getEncodings();
      assertThat(encodings)
          .hasSizeGreaterThan(1)
          .isSortedAccordingTo((a, b) -> Integer.compare(a.getValue(), b.getValue()));
      lists.add(encodings);
      Collections.reverse(c.getMeta_data().getEncodings()); // as another JVM may gather them
    }
    ByteArrayOutputStream reversed = new ByteArrayOutputStream();
    int start = bytes.length - 8 - footerLength(bytes);
    reversed.write(bytes, 0, start);
    int before = reversed.size();
    Util.writeFileMetaData(footer, reversed);
    int length = reversed.size() - before;
    reversed.write(
        new byte[] {
          (byte) length,
          (byte) (length >> 8),
          (byte) (length >> 16),
          (byte) (length >> 24),
          'P',
          'A',
          'R',
          '1'
        });
    assertThat(reversed.toByteArray()).isNotEqualTo(bytes);

    byte[] sorted = SortedFooterFile.sortEncodings(reversed.toByteArray());

    assertThat(sorted).isEqualTo(bytes);
    assertThat(SortedFooterFile.sortEncodings(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
    assertThat(lists).isNotEmpty();
  }

  private static int footerLength(byte[] b) {
    int n = b.length;
    return (b[n - 8] & 0xff)
        | (b[n - 7] & 0xff) << 8
        | (b[n - 6] & 0xff) << 16
        | (b[n - 5] & 0xff) << 24;
  }

  private static FileMetaData footer(byte[] bytes) throws Exception {
    int length = footerLength(bytes);
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length))
        .containsExactly('P', 'A', 'R', '1');
    return Util.readFileMetaData(
        new ByteArrayInputStream(bytes, bytes.length - 8 - length, length));
  }
}
