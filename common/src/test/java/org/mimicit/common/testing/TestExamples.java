package org.mimicit.common.testing;

import java.util.List;
import java.util.Random;
import org.mimicit.common.export.Example;

/** Export examples as the export job assembles them, with real encoded images. */
public final class TestExamples {
  private TestExamples() {}

  /**
   * Three examples of task LA in key order: two images (jpeg, png) and an in-context example; a
   * translated one without images or context; one with a single png image.
   */
  public static List<Example> three() {
    return List.of(
        new Example(
            "000000000",
            "LA_INS_00001",
            "LA",
            "en",
            "What is on the table?",
            "A cat — asleep 🐱",
            List.of(
                new Example.ContextEntry(
                    "LA_INS_00002",
                    "Where is the cat?",
                    "On the sofa.",
                    List.of("LA_IMG_2", "LA_IMG_3"))),
            List.of(
                new Example.Image("LA_IMG_1", "jpeg", TestImages.image("jpeg", 32, 24, 1)),
                new Example.Image("LA_IMG_2", "png", TestImages.image("png", 16, 16, 2)))),
        new Example(
            "000000001", "LA_INS_00001", "LA", "zh", "桌子上有什么？", "一只猫。", List.of(), List.of()),
        new Example(
            "000000002",
            "LA_INS_00003",
            "LA",
            "en",
            "What colour is the sky?",
            "Blue.",
            List.of(),
            List.of(new Example.Image("LA_IMG_4", "png", TestImages.image("png", 8, 8, 4)))));
  }

  /** An English example of task LA, key {@code ordinal} zero-padded, with one png image. */
  public static Example withImage(int ordinal, String instruction, byte[] image) {
    String key = String.format("%09d", ordinal);
    return new Example(
        key,
        "LA_INS_" + key,
        "LA",
        "en",
        instruction,
        "Answer " + ordinal,
        List.of(),
        List.of(new Example.Image("LA_IMG_" + key, "png", image)));
  }

  /** {@code size} bytes from a random generator seeded with {@code seed}. */
  public static byte[] randomBytes(long seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
