package org.mimicit.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExportShardsConfigTest {
  @Test
  void parsesShardSizesInPowersOf1024() {
    assertThat(ExportShardsConfig.parseSize("256MB")).isEqualTo(256L << 20);
    assertThat(ExportShardsConfig.parseSize("1g")).isEqualTo(1L << 30);
    assertThat(ExportShardsConfig.parseSize("64 KiB")).isEqualTo(64L << 10);
    assertThat(ExportShardsConfig.parseSize("500000")).isEqualTo(500_000L);
  }

  @Test
  void rejectsBadValuesNamingThem() {
    assertThatThrownBy(() -> ExportShardsConfig.parseSize("big"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot set --shard-size to 'big': expected a size such as 256MB, 1G or 500000.");
    assertThatThrownBy(() -> parse(List.of("parquet", "tfrecord"), List.of(), List.of(), "1MB"))
        .hasMessage(
            "Cannot export in format 'tfrecord': the formats are mimicit, parquet, "
                + "webdataset.");
    assertThatThrownBy(() -> parse(List.of("parquet"), List.of(), List.of(), "1K"))
        .hasMessage(
            "Cannot set --shard-size to 1024 bytes, the value must be at least 16384 (16K).");
    assertThatThrownBy(() -> parse(List.of("parquet"), List.of(), List.of("zh_CN"), "1MB"))
        .hasMessage("Cannot use language 'zh_CN': expected a code such as en, zh, ja, pt-BR.");
    assertThatThrownBy(() -> parse(List.of("mimicit"), List.of("parquet"), List.of(), "1MB"))
        .hasMessage(
            "Cannot export task 'parquet' in the mimicit format: its folder would be the "
                + "parquet shards'.");
    assertThatThrownBy(() -> parse(List.of("parquet"), List.of("images"), List.of(), "1MB"))
        .hasMessage(
            "Cannot export task 'images' in the parquet format: parquet/images/ holds the image"
                + " shards.");
    assertThatThrownBy(
            () ->
                ExportShardsConfig.parse(
                    "wh", "out", List.of("parquet"), List.of(), List.of(), "1MB", "shared"))
        .hasMessageStartingWith("Cannot use --image-layout 'shared': the layouts are once");
    assertThat(
            ExportShardsConfig.parse(
                    "wh", "out", List.of("parquet"), List.of(), List.of(), "1MB", " Per-Example")
                .imageLayout())
        .isEqualTo(ImageLayout.PER_EXAMPLE);
    assertThat(ExportShardsConfig.defaults("wh", "out").imageLayout()).isEqualTo(ImageLayout.ONCE);
  }

  @Test
  void keepsFormatsInTheOrderAskedWithoutRepeats() {
    ExportShardsConfig config =
        parse(List.of("webdataset", "PARQUET", "webdataset"), List.of("LA"), List.of("en"), "2M");
    assertThat(config.formats()).containsExactly(ExportFormat.WEBDATASET, ExportFormat.PARQUET);
    assertThat(config.shardBytes()).isEqualTo(2L << 20);
    assertThat(ExportFormat.PARQUET.shardPath("LA", 3, 12))
        .isEqualTo("parquet/LA/train-00003-of-00012.parquet");
  }

  private static ExportShardsConfig parse(
      List<String> formats, List<String> tasks, List<String> languages, String size) {
    return ExportShardsConfig.parse("wh", "out", formats, tasks, languages, size, "once");
  }
}
