package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextChecksTest {
  @Test
  void acceptsATranslationKeepingTagsAndNumbers() {
    assertThat(TextChecks.problem("zh", "<image> There are 3 dogs.", "<image> 有3只狗。")).isNull();
    assertThat(TextChecks.problem("de", "It costs 2.5 dollars.", "Es kostet 2,5 Dollar.")).isNull();
    assertThat(TextChecks.problem("ar", "The room has 12 chairs.", "في الغرفة 12 كرسيًا."))
        .isNull();
  }

  @Test
  void rejectsALostTagOrNumber() {
    assertThat(TextChecks.problem("zh", "<image> What is this?", "这是什么？"))
        .isEqualTo("lost tag <image>");
    assertThat(TextChecks.problem("ja", "<image><image> Compare.", "<image> 比べてください。"))
        .isEqualTo("lost tag <image>");
    assertThat(TextChecks.problem("fr", "There are 3 cats.", "Il y a trois chats."))
        .isEqualTo("lost number 3");
  }

  @Test
  void rejectsTextNotMainlyInTheLanguagesScript() {
    assertThat(TextChecks.problem("zh", "What is the man holding?", "What is the man holding?"))
        .isEqualTo("not in zh script (0 of 19 letters)");
    assertThat(TextChecks.problem("ko", "A cat.", "고양이 한 마리입니다.")).isNull();
    assertThat(TextChecks.problem("ja", "A cat.", "猫です。")).isNull();
    assertThat(TextChecks.problem("ar", "A red bus.", "A red bus: حافلة"))
        .startsWith("not in ar script");
  }

  @Test
  void rejectsEmptyAndUntranslatedText() {
    assertThat(TextChecks.problem("de", "What is it?", " ")).isEqualTo("empty");
    assertThat(TextChecks.problem("es", "The dog runs in the park.", "The dog runs  in the park. "))
        .isEqualTo("untranslated");
    assertThat(TextChecks.problem("de", "OK.", "OK.")).isNull(); // too short to tell
    assertThat(TextChecks.problem("zh", "42", "42")).isNull(); // no letters in the source either
    assertThat(TextChecks.problem("zh", "Yes, 42.", "42")).isEqualTo("no zh text");
  }
}
