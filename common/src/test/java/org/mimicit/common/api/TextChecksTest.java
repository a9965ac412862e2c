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
  void acceptsNumbersWrittenInTheLanguagesOwnDigits() {
    // Arabic-Indic digits and the Arabic decimal separator
    assertThat(TextChecks.problem("ar", "The room has 12 chairs.", "في الغرفة ١٢ كرسيًا."))
        .isNull();
    assertThat(TextChecks.problem("ar", "It is 2.5 metres long.", "طوله ٢٫٥ متر.")).isNull();
    // Persian (extended Arabic-Indic) digits
    assertThat(TextChecks.problem("fa", "There are 12 books.", "۱۲ کتاب وجود دارد.")).isNull();
    // full-width digits in Chinese and Japanese, with a full-width stop
    assertThat(TextChecks.problem("zh", "There are 012 items.", "有０１２件物品。")).isNull();
    assertThat(TextChecks.problem("ja", "It weighs 12.5 kg.", "重さは１２．５キロです。")).isNull();
    // Devanagari
    assertThat(TextChecks.problem("hi", "He has 12 apples.", "उसके पास १२ सेब हैं।")).isNull();
    // thousands written the French way (narrow no-break space) or with a comma
    assertThat(TextChecks.problem("fr", "It costs 1000 euros.", "Il coûte 1\u202F000 euros."))
        .isNull();
    assertThat(TextChecks.problem("de", "1,000 people came.", "1.000 Menschen kamen.")).isNull();
  }

  @Test
  void aChangedNumberInAnotherScriptIsStillLost() {
    assertThat(TextChecks.problem("ar", "The room has 12 chairs.", "في الغرفة ١٣ كرسيًا."))
        .isEqualTo("lost number 12");
    assertThat(TextChecks.problem("zh", "It is 2.5 metres.", "它是２．６米。"))
        .isEqualTo("lost number 2.5");
    assertThat(TextChecks.problem("fa", "Room 12 and room 7.", "اتاق ۱۲ و اتاق ۸."))
        .isEqualTo("lost number 7");
    assertThat(TextChecks.digits("٢٫٥")).isEqualTo("25");
    assertThat(TextChecks.digits("１２３")).isEqualTo("123");
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
