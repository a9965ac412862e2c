package org.mimicit.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextMeasuresTest {
  @Test
  void countsRunsOfNonSpaceInScriptsWithSpaces() {
    assertThat(TextMeasures.words("What is the  woman\twearing?\n")).isEqualTo(5L);
    assertThat(TextMeasures.words("  ")).isZero();
    assertThat(TextMeasures.words("")).isZero();
    assertThat(TextMeasures.words("Was trägt die Frau auf dem Bild?")).isEqualTo(7L);
    assertThat(TextMeasures.words("ماذا ترتدي المرأة في الصورة؟")).isEqualTo(5L);
    assertThat(TextMeasures.words("그림 속 여자는 무엇을 입고 있나요?")).isEqualTo(6L);
    assertThat(TextMeasures.words("a\u00a0b\u3000c")).isEqualTo(3L);
  }

  @Test
  void hasNoWordCountForScriptsWithoutSpaces() {
    assertThat(TextMeasures.words("图中的女士穿着什么？")).isNull();
    assertThat(TextMeasures.words("写真の女性は何を着ていますか？")).isNull();
    assertThat(TextMeasures.words("ผู้หญิงในภาพสวมอะไร")).isNull();
    assertThat(TextMeasures.words("The <image> shows 猫")).isNull();
    assertThat(TextMeasures.words((String) null)).isNull();
  }

  @Test
  void binsByLowerBounds() {
    long[] bounds = {0, 1, 2, 5, 10};
    assertThat(Buckets.index(bounds, 0)).isZero();
    assertThat(Buckets.index(bounds, 1)).isEqualTo(1);
    assertThat(Buckets.index(bounds, 4)).isEqualTo(2);
    assertThat(Buckets.index(bounds, 5)).isEqualTo(3);
    assertThat(Buckets.index(bounds, 1_000)).isEqualTo(4);
    assertThat(Buckets.index(bounds, -3)).isZero();
    assertThat(Buckets.COUNTS.label(0)).isEqualTo("0");
    assertThat(Buckets.COUNTS.label(4)).isEqualTo("5–6");
    assertThat(Buckets.BYTES.label(1)).isEqualTo("1 KiB–2 KiB");
    assertThat(Buckets.PIXELS.label(Buckets.PIXELS.size() - 1)).isEqualTo("≥ 4096");
  }
}
