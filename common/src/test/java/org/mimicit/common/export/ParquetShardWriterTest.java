package org.mimicit.common.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.schema.ExampleSchema;
import org.mimicit.common.testing.TestExamples;

/** Shards written to a temporary folder and read back with parquet-hadoop, without Spark. */
class ParquetShardWriterTest {
  private static final Configuration CONF = new Configuration();
  private static final long ROW_GROUP_BYTES = 128L << 20;

  @TempDir java.nio.file.Path dir;

  @Test
  void writesEveryExampleInOrderAndReadsBackExactly() throws IOException {
    List<Example> examples = TestExamples.three();
    Path file = shard("parquet/LA/train-00000-of-00001.parquet");

    write(new ParquetShardWriter(CONF, file, ROW_GROUP_BYTES), examples);

    List<Object> rows = readRows(file);
    assertThat(rows).isEqualTo(examples.stream().map(e -> normalize(e.toRow())).toList());
    assertThat(rows.get(1))
        .isEqualTo(List.of("LA_INS_00001", "LA", "zh", "桌子上有什么？", "一只猫。", List.of(), List.of()));
    assertThat(footer(file).getFileMetaData().getKeyValueMetaData())
        .containsExactlyEntriesOf(
            Map.of("org.apache.spark.sql.parquet.row.metadata", ExampleSchema.SCHEMA.json()));
  }

  @Test
  void finishReturnsTheLengthAndHashesOfTheFile() throws IOException {
    Path file = shard("train.parquet");

    FileDigest digest =
        write(new ParquetShardWriter(CONF, file, ROW_GROUP_BYTES), TestExamples.three());

    byte[] bytes = Files.readAllBytes(local(file));
    assertThat(digest)
        .isEqualTo(new FileDigest(bytes.length, hex("SHA-256", bytes), hex("MD5", bytes)));
  }

  @Test
  void startsARowGroupOnceRowGroupBytesAreBuffered() throws IOException {
    // one 30,000-byte image a row: 3 rows buffer less than 100,000 bytes, 4 rows more
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < 18; i++) {
      byte[] image = TestExamples.randomBytes(i, 30_000);
      examples.add(TestExamples.withImage(i, "Question " + i, image));
    }
    Path file = shard("train.parquet");

    write(new ParquetShardWriter(CONF, file, 100_000), examples);

    List<BlockMetaData> blocks = footer(file).getBlocks();
    assertThat(blocks).extracting(BlockMetaData::getRowCount).containsExactly(4L, 4L, 4L, 4L, 2L);
    assertThat(blocks.subList(0, 4))
        .allSatisfy(
            block ->
                assertThat(block.getTotalByteSize())
                    .isBetween(100_000L, 100_000L + 30_000 + 1_000));
    assertThat(readRows(file)).hasSize(18);
  }

  @Test
  void storesImagesUncompressedAndTextWithoutDictionary() throws IOException {
    // the same image and text in every row: Parquet would dictionary-encode them if allowed
    byte[] image = TestExamples.randomBytes(7, 2_000);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      examples.add(TestExamples.withImage(i, "Same question", image));
    }
    Path file = shard("train.parquet");

    write(new ParquetShardWriter(CONF, file, ROW_GROUP_BYTES), examples);

    List<ColumnChunkMetaData> columns = footer(file).getBlocks().get(0).getColumns();
    assertThat(columns)
        .extracting(c -> c.getPath().toDotString())
        .containsExactly(
            "ins_id",
            "task",
            "lang",
            "instruction",
            "answer",
            "context.list.element.ins_id",
            "context.list.element.instruction",
            "context.list.element.answer",
            "context.list.element.image_ids.list.element",
            "images.list.element.image_id",
            "images.list.element.format",
            "images.list.element.bytes");
    for (ColumnChunkMetaData column : columns) {
      String name = column.getPath().toDotString();
      boolean media = name.startsWith("images.");
      boolean dictionary = name.equals("task") || name.equals("lang");
      assertThat(column.getCodec())
          .as(name)
          .isEqualTo(media ? CompressionCodecName.UNCOMPRESSED : CompressionCodecName.SNAPPY);
      assertThat(column.hasDictionaryPage()).as(name).isEqualTo(dictionary);
    }
    ColumnChunkMetaData bytes = columns.get(columns.size() - 1);
    assertThat(bytes.getTotalSize()).isGreaterThan(50L * image.length);
  }

  @Test
  void writesTheSameBytesForTheSameExamples() throws IOException {
    Path first = shard("a/train.parquet");
    Path second = shard("b/train.parquet");

    write(new ParquetShardWriter(CONF, first, ROW_GROUP_BYTES), TestExamples.three());
    write(new ParquetShardWriter(CONF, second, ROW_GROUP_BYTES), TestExamples.three());

    assertThat(Files.readAllBytes(local(first))).isEqualTo(Files.readAllBytes(local(second)));
  }

  @Test
  void abortDeletesTheShard() {
    Path file = shard("train.parquet");
    ParquetShardWriter writer = new ParquetShardWriter(CONF, file, ROW_GROUP_BYTES);
    writer.write(TestExamples.three().get(0));
    assertThat(local(file)).exists();

    writer.abort();

    assertThat(local(file)).doesNotExist();
  }

  @Test
  void cannotFinishAShardWithoutExamples() {
    // the Parquet writer creates its file with the first row: no row, no file
    Path file = shard("train.parquet");
    ParquetShardWriter writer = new ParquetShardWriter(CONF, file, ROW_GROUP_BYTES);

    assertThatThrownBy(writer::finish)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot finish Parquet shard " + file + ": no example was written to it");
    assertThat(local(file)).doesNotExist();
  }

  private Path shard(String relative) {
    return new Path(dir.toString(), relative);
  }

  private static FileDigest write(ShardWriter writer, List<Example> examples) {
    examples.forEach(writer::write);
    return writer.finish();
  }

  private static String hex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static java.nio.file.Path local(Path path) {
    return java.nio.file.Path.of(path.toUri().getPath());
  }

  private static ParquetMetadata footer(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, CONF))) {
      return reader.getFooter();
    }
  }

  /** The rows of a shard as lists: structs and arrays as lists, binaries as byte buffers. */
  private static List<Object> readRows(Path file) throws IOException {
    List<Object> rows = new ArrayList<>();
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), file).withConf(CONF).build()) {
      for (Group group = reader.read(); group != null; group = reader.read()) {
        rows.add(fromGroup(group, ExampleSchema.SCHEMA));
      }
    }
    return rows;
  }

  private static List<Object> fromGroup(Group group, StructType struct) {
    List<Object> values = new ArrayList<>();
    StructField[] fields = struct.fields();
    for (int i = 0; i < fields.length; i++) {
      values.add(fromField(group, i, fields[i].dataType()));
    }
    return values;
  }

  /** ExampleSchema has no nullable field: every value is there. */
  private static Object fromField(Group group, int index, DataType type) {
    if (type instanceof ArrayType array) {
      Group list = group.getGroup(index, 0);
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < list.getFieldRepetitionCount(0); i++) {
        values.add(fromField(list.getGroup(0, i), 0, array.elementType()));
      }
      return values;
    } else if (type instanceof StructType struct) {
      return fromGroup(group.getGroup(index, 0), struct);
    } else if (type instanceof BinaryType) {
      return ByteBuffer.wrap(group.getBinary(index, 0).getBytes());
    }
    return group.getString(index, 0);
  }

  private static Object normalize(Object value) {
    if (value instanceof Object[] struct) {
      return Stream.of(struct).map(ParquetShardWriterTest::normalize).toList();
    } else if (value instanceof List<?> list) {
      return list.stream().map(ParquetShardWriterTest::normalize).toList();
    } else if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    return value;
  }
}
