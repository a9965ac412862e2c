package org.mimicit.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.Version;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.testing.SparkTestBase;

class TableParquetWriterTest extends SparkTestBase {
  private static final StructType OBJECT =
      new StructType()
          .add("label", DataTypes.StringType, false)
          .add("index", DataTypes.IntegerType, true)
          .add("area", DataTypes.LongType, true)
          .add("crowd", DataTypes.BooleanType, true)
          .add("score", DataTypes.DoubleType, true)
          .add("mask", DataTypes.BinaryType, true);
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("caption", DataTypes.StringType, true)
          .add("width", DataTypes.IntegerType, true)
          .add("flagged", DataTypes.BooleanType, true)
          .add("score", DataTypes.DoubleType, true)
          .add("thumbnail", DataTypes.BinaryType, true)
          .add("tags", DataTypes.createArrayType(DataTypes.StringType, true), true)
          .add("objects", DataTypes.createArrayType(OBJECT, false), true)
          .add("bytes", DataTypes.BinaryType, false);
  private static final StructType IMAGES =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("bytes", DataTypes.BinaryType, false);
  private static final String CAPTION = "猫がソファで寝ている 🐱 قطة نائمة على الأريكة";
  private static final int FIVE_MB = 5 << 20;
  private static final Configuration CONF = new Configuration();

  @TempDir java.nio.file.Path dir;

  @Test
  void roundTripsAllTypesExactly() throws IOException {
    List<Object[]> rows = allTypesRows();
    List<TableParquetWriter.WrittenFile> files = write(allTypesWriter(dir), rows);

    Path file = new Path(dir.toString(), "part-00000.parquet");
    assertThat(files)
        .containsExactly(new TableParquetWriter.WrittenFile(file, 3, Files.size(local(file))));
    assertThat(readRows(file, SCHEMA)).isEqualTo(normalizeRows(rows));
  }

  @Test
  @SuppressWarnings("deprecation") // BIT_PACKED and PLAIN_DICTIONARY are what v1 pages use
  void storesMediaColumnsUncompressedWithoutDictionaryOrStatistics() throws IOException {
    // small, repeated media values: Parquet would dictionary-encode them and keep their min/max
    // (it leaves min/max over 4 KB out of the footer, but would still put 64-byte prefixes in the
    // column index), so each assertion below fails unless the writer turns these off
    List<Object[]> rows = new ArrayList<>(allTypesRows().subList(0, 2));
    rows.set(0, with(rows.get(0), 8, randomBytes(8, 1000)));
    for (long id = 100; id < 120; id++) {
      rows.add(with(allTypesRows().get(2), 0, id));
    }
    Path file = write(allTypesWriter(dir), rows).get(0).path();

    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, CONF))) {
      ParquetMetadata footer = reader.getFooter();
      assertThat(footer.getFileMetaData().getSchema())
          .isEqualTo(SparkParquetSchemas.toParquet(SCHEMA));
      assertThat(footer.getFileMetaData().getKeyValueMetaData())
          .containsExactlyEntriesOf(
              Map.of("org.apache.spark.sql.parquet.row.metadata", SCHEMA.json()));
      assertThat(footer.getFileMetaData().getCreatedBy()).isEqualTo(Version.FULL_VERSION);
      assertThat(footer.getBlocks()).hasSize(1);
      List<ColumnChunkMetaData> columns = footer.getBlocks().get(0).getColumns();
      assertThat(columns)
          .extracting(column -> column.getPath().toDotString())
          .containsExactly(
              "id",
              "caption",
              "width",
              "flagged",
              "score",
              "thumbnail",
              "tags.list.element",
              "objects.list.element.label",
              "objects.list.element.index",
              "objects.list.element.area",
              "objects.list.element.crowd",
              "objects.list.element.score",
              "objects.list.element.mask",
              "bytes");

      ColumnChunkMetaData media = columns.get(columns.size() - 1);
      assertThat(media.getCodec()).isEqualTo(CompressionCodecName.UNCOMPRESSED);
      assertThat(media.hasDictionaryPage()).isFalse();
      assertThat(media.getEncodings())
          .containsExactlyInAnyOrder(Encoding.BIT_PACKED, Encoding.PLAIN);
      assertThat(media.getStatistics().isEmpty()).isTrue();
      assertThat(media.getStatistics().hasNonNullValue()).isFalse();
      assertThat(media.getSizeStatistics()).isNull();
      assertThat(media.getColumnIndexReference()).isNull();
      assertThat(reader.readColumnIndex(media)).isNull();
      ColumnDescriptor mediaColumn =
          footer.getFileMetaData().getSchema().getColumnDescription(new String[] {"bytes"});
      DataPageV1 page =
          (DataPageV1) reader.readNextRowGroup().getPageReader(mediaColumn).readPage();
      assertThat(page.getStatistics().isEmpty()).isTrue();

      for (ColumnChunkMetaData column : columns.subList(0, columns.size() - 1)) {
        String name = column.getPath().toDotString();
        assertThat(column.getCodec()).as(name).isEqualTo(CompressionCodecName.SNAPPY);
        assertThat(column.getStatistics().isEmpty()).as(name).isFalse();
      }
      ColumnChunkMetaData caption = columns.get(1);
      assertThat(caption.hasDictionaryPage()).isTrue();
      assertThat(caption.getEncodings()).contains(Encoding.PLAIN_DICTIONARY);
    }
  }

  @Test
  void writesFlatSchemasStraightToTheColumnsWithTheSameBytes() throws IOException {
    // every column but the array of structs: a flat schema, written without the record consumer
    StructType flat =
        new StructType(
            Arrays.stream(SCHEMA.fields())
                .filter(f -> !f.name().equals("objects"))
                .toArray(StructField[]::new));
    List<Object[]> rows = new ArrayList<>();
    for (Object[] row : allTypesRows()) {
      List<Object> values = new ArrayList<>(Arrays.asList(row));
      values.remove(7);
      rows.add(values.toArray());
    }
    rows.add(
        new Object[] {9L, "x", 1, true, 1.0, null, Arrays.asList(null, null, "z"), new byte[3]});
    java.nio.file.Path direct = dir.resolve("direct");
    java.nio.file.Path consumer = dir.resolve("consumer");
    for (java.nio.file.Path out : List.of(direct, consumer)) {
      write(
          TableParquetWriter.builder(CONF, flat)
              .mediaColumns("bytes")
              .directColumnWrites(out == direct)
              .files(i -> new Path(out.toString(), "part-" + i + ".parquet"))
              .build(),
          rows);
    }
    Path file = new Path(direct.toString(), "part-0.parquet");
    assertThat(readRows(file, flat)).isEqualTo(normalizeRows(rows));
    assertThat(Files.readAllBytes(local(file)))
        .isEqualTo(Files.readAllBytes(local(new Path(consumer.toString(), "part-0.parquet"))));
  }

  @Test
  void compressesNonMediaColumnsWithTheChosenCodec() throws IOException {
    TableParquetWriter writer =
        TableParquetWriter.builder(CONF, IMAGES)
            .mediaColumns("bytes")
            .compression(CompressionCodecName.ZSTD)
            .files(i -> new Path(dir.toString(), "part-" + i + ".parquet"))
            .build();
    Path file = write(writer, imageRows(3, 1000)).get(0).path();

    assertThat(footer(file).getBlocks().get(0).getColumns())
        .extracting(ColumnChunkMetaData::getCodec)
        .containsExactly(CompressionCodecName.ZSTD, CompressionCodecName.UNCOMPRESSED);
    assertThat(readRows(file, IMAGES)).isEqualTo(normalizeRows(imageRows(3, 1000)));
  }

  @Test
  void sparkReadsTheExactTypesAndValues() {
    write(allTypesWriter(dir), allTypesRows());

    org.apache.spark.sql.Dataset<Row> table = spark.read().parquet(dir.toString());

    // Spark reads every column of a file source as nullable, but keeps the exact types
    assertThat(table.schema()).isEqualTo(nullable(SCHEMA));
    List<Row> rows = table.orderBy("id").collectAsList();
    assertThat(rows).extracting(row -> row.getLong(0)).containsExactly(Long.MIN_VALUE, 1L, 3L);
    assertThat(rows.get(0).isNullAt(1)).isTrue();
    assertThat((byte[]) rows.get(0).getAs("bytes")).isEmpty();
    assertThat(rows.get(1).getString(1)).isEqualTo(CAPTION);
    assertThat(rows.get(1).<String>getList(6)).containsExactly("猫", "😀", null, "");
    assertThat(rows.get(1).<Row>getList(7).get(1).getString(0)).isEqualTo("رجل");
    assertThat((byte[]) rows.get(1).getAs("bytes")).isEqualTo(randomBytes(1, FIVE_MB));
    assertThat(rows.get(2).<String>getList(6)).isEmpty();
  }

  @Test
  void boundsRowGroupsToRowGroupBytesPlusOneRow() throws IOException {
    TableParquetWriter writer =
        TableParquetWriter.builder(CONF, IMAGES)
            .mediaColumns("bytes")
            .rowGroupBytes(1 << 20)
            .files(i -> new Path(dir.toString(), "part-" + i + ".parquet"))
            .build();
    List<TableParquetWriter.WrittenFile> files = write(writer, imageRows(100, 100_000));

    assertThat(files).hasSize(1);
    List<BlockMetaData> blocks = footer(files.get(0).path()).getBlocks();
    // a row buffers 100,000 bytes + 4 (length) + 8 (id): 10 rows are < 1 MiB, 11 are not
    assertThat(blocks)
        .extracting(BlockMetaData::getRowCount)
        .containsExactly(11L, 11L, 11L, 11L, 11L, 11L, 11L, 11L, 11L, 1L);
    long oneRow = 100_000 + 4 + 8;
    assertThat(blocks)
        .allSatisfy(
            block -> {
              assertThat(block.getTotalByteSize()).isLessThanOrEqualTo((1 << 20) + oneRow);
              assertThat(block.getCompressedSize()).isLessThanOrEqualTo((1 << 20) + oneRow);
            });
    assertThat(blocks.get(0).getTotalByteSize()).isGreaterThan(1 << 20);
  }

  @Test
  void startsANewFileOnceMaxFileBytesIsReached() throws IOException {
    TableParquetWriter writer =
        TableParquetWriter.builder(CONF, IMAGES)
            .mediaColumns("bytes")
            .rowGroupBytes(90_000)
            .maxFileBytes(250_000)
            .files(i -> new Path(dir.toString(), String.format("part-%05d.parquet", i)))
            .build();
    List<TableParquetWriter.WrittenFile> files = write(writer, imageRows(100, 20_000));

    // rows of 20,012 bytes: 5 per row group (100,060 bytes), 3 row groups per file (> 250,000)
    assertThat(files)
        .extracting(file -> file.path().getName())
        .containsExactly(
            "part-00000.parquet",
            "part-00001.parquet",
            "part-00002.parquet",
            "part-00003.parquet",
            "part-00004.parquet",
            "part-00005.parquet",
            "part-00006.parquet");
    assertThat(files)
        .extracting(TableParquetWriter.WrittenFile::rows)
        .containsExactly(15L, 15L, 15L, 15L, 15L, 15L, 10L);
    for (TableParquetWriter.WrittenFile file : files) {
      List<BlockMetaData> blocks = footer(file.path()).getBlocks();
      assertThat(blocks.stream().mapToLong(BlockMetaData::getRowCount).sum())
          .isEqualTo(file.rows());
      assertThat(file.bytes()).isEqualTo(Files.size(local(file.path())));
    }
    assertThat(readRows(files.get(6).path(), IMAGES))
        .isEqualTo(normalizeRows(imageRows(100, 20_000).subList(90, 100)));
  }

  @Test
  void writesNoFileWithoutRows() {
    TableParquetWriter writer = allTypesWriter(dir);
    writer.close();
    writer.close();

    assertThat(writer.writtenFiles()).isEmpty();
    assertThat(dir.toFile().list()).isEmpty();
  }

  @Test
  void writesIdenticalBytesForIdenticalRows() throws IOException {
    Path first = write(allTypesWriter(dir.resolve("a")), allTypesRows()).get(0).path();
    Path second = write(allTypesWriter(dir.resolve("b")), allTypesRows()).get(0).path();

    assertThat(Files.readAllBytes(local(first))).isEqualTo(Files.readAllBytes(local(second)));
  }

  @Test
  void abortDeletesFinishedAndOpenFiles() {
    TableParquetWriter writer =
        TableParquetWriter.builder(CONF, IMAGES)
            .mediaColumns("bytes")
            .rowGroupBytes(50_000)
            .maxFileBytes(50_000)
            .files(i -> new Path(dir.toString(), "part-" + i + ".parquet"))
            .build();
    imageRows(7, 20_000).forEach(writer::write);
    assertThat(writer.writtenFiles()).hasSize(2);
    assertThat(dir.resolve("part-2.parquet")).exists();

    writer.abort();
    writer.abort();

    assertThat(writer.writtenFiles()).isEmpty();
    assertThat(dir.toFile().list()).isEmpty();
    assertThatThrownBy(() -> writer.write(new Object[] {1L, new byte[0]}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot write: the writer is aborted");
  }

  @Test
  void failsOnAnExistingFileAndAbortKeepsIt() throws IOException {
    java.nio.file.Path existing = Files.writeString(dir.resolve("part-00000.parquet"), "keep");
    TableParquetWriter writer = allTypesWriter(dir);
    Object[] row = allTypesRows().get(2);

    assertThatThrownBy(() -> writer.write(row))
        .isInstanceOf(MimicitException.class)
        .hasMessage("Cannot create Parquet file " + new Path(existing.toString()))
        .hasCauseInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> writer.write(row))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot write: the writer is failed");
    assertThatThrownBy(writer::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot close a writer after a failed write: call abort() to delete its files");
    writer.abort();

    assertThat(existing).hasContent("keep");
  }

  @Test
  void rejectsRowsThatDoNotFitTheSchemaAndStaysUsable() throws IOException {
    TableParquetWriter writer = allTypesWriter(dir);
    Object[] good = allTypesRows().get(2);
    Object[] noLabel = {null, 1, 2L, true, 0.5, null};

    assertThatThrownBy(() -> writer.write(with(good, 0, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write null to non-nullable column id");
    assertThatThrownBy(() -> writer.write(with(good, 7, List.of(object("a"), noLabel))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write null to non-nullable column objects[1].label");
    assertThatThrownBy(() -> writer.write(with(good, 7, Arrays.asList(object("a"), null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write null to non-nullable column objects[1]");
    assertThatThrownBy(() -> writer.write(with(good, 2, 640L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot write a java.lang.Long to column width of type int: "
                + "expected a java.lang.Integer");
    assertThatThrownBy(() -> writer.write(Arrays.copyOf(good, 8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot write a row of 8 values to a table of 9 columns " + SCHEMA.simpleString());

    writer.write(good);
    writer.close();
    assertThat(readRows(writer.writtenFiles().get(0).path(), SCHEMA))
        .isEqualTo(normalizeRows(List.<Object[]>of(good)));
  }

  @Test
  void rejectsInvalidSettings() {
    TableParquetWriter.Builder builder = TableParquetWriter.builder(CONF, SCHEMA);

    assertThatThrownBy(() -> builder.rowGroupBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set rowGroupBytes to -1, the value must be positive.");
    assertThatThrownBy(() -> builder.maxFileBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set maxFileBytes to 0, the value must be positive.");
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot build a writer without files(...): it names the output files");
    builder.files(i -> new Path(dir.toString(), "part-" + i));
    assertThatThrownBy(() -> builder.mediaColumns("thumbnail").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot use thumbnail as a media column: media columns must be the last "
                + "columns, but tags follows it");
    assertThatThrownBy(() -> writerWithMedia(SCHEMA, "caption"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use caption as a media column: its type is string, not binary");
    assertThatThrownBy(() -> writerWithMedia(SCHEMA, "image"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot use image as a media column: no such column in "
                + "[id, caption, width, flagged, score, thumbnail, tags, objects, bytes]");
    StructType withMap =
        new StructType()
            .add("m", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    assertThatThrownBy(() -> writerWithMedia(withMap))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot write column m of type map<string,string>: supported types are "
                + "string, int, bigint, boolean, double, binary, array and struct of those");
  }

  private TableParquetWriter allTypesWriter(java.nio.file.Path directory) {
    return TableParquetWriter.builder(CONF, SCHEMA)
        .mediaColumns("bytes")
        .files(i -> new Path(directory.toString(), String.format("part-%05d.parquet", i)))
        .build();
  }

  private TableParquetWriter writerWithMedia(StructType schema, String... media) {
    return TableParquetWriter.builder(CONF, schema)
        .mediaColumns(media)
        .files(i -> new Path(dir.toString(), "part-" + i))
        .build();
  }

  private static List<TableParquetWriter.WrittenFile> write(
      TableParquetWriter writer, List<Object[]> rows) {
    rows.forEach(writer::write);
    writer.close();
    return writer.writtenFiles();
  }

  /** A row with every type and edge values, one of nulls, one of empty values. */
  private static List<Object[]> allTypesRows() {
    Object[] full = {
      1L,
      CAPTION,
      Integer.MAX_VALUE,
      true,
      -0.0,
      new byte[] {0, 1, -1, 127, -128},
      Arrays.asList("猫", "😀", null, ""),
      List.of(
          object("猫"),
          new Object[] {"رجل", Integer.MIN_VALUE, Long.MAX_VALUE, false, Double.NaN, new byte[0]}),
      randomBytes(1, FIVE_MB)
    };
    Object[] nulls = {Long.MIN_VALUE, null, null, null, null, null, null, null, new byte[0]};
    Object[] empty = {
      3L, "", 0, false, Double.MIN_VALUE, new byte[0], List.of(), List.of(), new byte[] {42}
    };
    return List.of(full, nulls, empty);
  }

  private static Object[] object(String label) {
    return new Object[] {label, null, null, null, null, null};
  }

  private static List<Object[]> imageRows(int count, int size) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(new Object[] {(long) i, randomBytes(i, size)});
    }
    return rows;
  }

  private static byte[] randomBytes(long seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static Object[] with(Object[] row, int index, Object value) {
    Object[] copy = row.clone();
    copy[index] = value;
    return copy;
  }

  private static java.nio.file.Path local(Path path) {
    return java.nio.file.Path.of(path.toUri().getPath());
  }

  private static ParquetMetadata footer(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, CONF))) {
      return reader.getFooter();
    }
  }

  /** Reads a file with parquet-java's example object model, as {@link #normalizeRows} does. */
  private static List<Object> readRows(Path file, StructType schema) throws IOException {
    List<Object> rows = new ArrayList<>();
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), file).withConf(CONF).build()) {
      for (Group group = reader.read(); group != null; group = reader.read()) {
        rows.add(fromGroup(group, schema));
      }
    }
    return rows;
  }

  private static List<Object> fromGroup(Group group, StructType struct) {
    List<Object> values = new ArrayList<>();
    StructField[] fields = struct.fields();
    for (int i = 0; i < fields.length; i++) {
      boolean isNull = group.getFieldRepetitionCount(i) == 0;
      values.add(isNull ? null : fromField(group, i, fields[i].dataType()));
    }
    return values;
  }

  private static Object fromField(Group group, int index, DataType type) {
    if (type instanceof ArrayType array) {
      Group list = group.getGroup(index, 0);
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < list.getFieldRepetitionCount(0); i++) {
        Group element = list.getGroup(0, i);
        boolean isNull = element.getFieldRepetitionCount(0) == 0;
        values.add(isNull ? null : fromField(element, 0, array.elementType()));
      }
      return values;
    } else if (type instanceof StructType struct) {
      return fromGroup(group.getGroup(index, 0), struct);
    } else if (type instanceof StringType) {
      return group.getString(index, 0);
    } else if (type instanceof IntegerType) {
      return group.getInteger(index, 0);
    } else if (type instanceof LongType) {
      return group.getLong(index, 0);
    } else if (type instanceof BooleanType) {
      return group.getBoolean(index, 0);
    } else if (type instanceof DoubleType) {
      return group.getDouble(index, 0);
    }
    return ByteBuffer.wrap(group.getBinary(index, 0).getBytes());
  }

  /** Rows as comparable values: structs and arrays as lists, binaries as byte buffers. */
  private static List<Object> normalizeRows(List<Object[]> rows) {
    return rows.stream().map(TableParquetWriterTest::normalize).toList();
  }

  private static Object normalize(Object value) {
    if (value instanceof Object[] struct) {
      return Stream.of(struct).map(TableParquetWriterTest::normalize).toList();
    } else if (value instanceof List<?> list) {
      return list.stream().map(TableParquetWriterTest::normalize).toList();
    } else if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    return value;
  }

  private static StructType nullable(StructType struct) {
    StructType result = new StructType();
    for (StructField field : struct.fields()) {
      result = result.add(field.name(), nullable(field.dataType()), true);
    }
    return result;
  }

  private static DataType nullable(DataType type) {
    if (type instanceof ArrayType array) {
      return DataTypes.createArrayType(nullable(array.elementType()), true);
    } else if (type instanceof StructType struct) {
      return nullable(struct);
    }
    return type;
  }
}
