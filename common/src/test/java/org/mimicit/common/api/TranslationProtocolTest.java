package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mimicit.common.api.TranslationProtocol.Accepted;
import org.mimicit.common.api.TranslationProtocol.Verdict;

class TranslationProtocolTest {
  private static final TranslationItem A =
      new TranslationItem(
          "LA_INS_1",
          "<image> What is it?",
          "A bus with 2 doors.",
          List.of("zh", "de"),
          List.of("kzh1", "kde1"));
  private static final TranslationItem B =
      new TranslationItem(
          "LA_INS_2",
          "Is it red?",
          "Yes, it is bright red.",
          List.of("zh", "de"),
          List.of("kzh2", "kde2"));

  @Test
  void queryIsTheSpecsJsonDocument() {
    assertThat(TranslationProtocol.query(List.of(A, B)))
        .isEqualTo(
            "{\"languages\":[\"zh\",\"de\"],\"items\":[{\"id\":\"LA_INS_1\",\"instruction\":\"<image>"
                + " What is it?\",\"answer\":\"A bus with 2"
                + " doors.\"},{\"id\":\"LA_INS_2\",\"instruction\":\"Is it red?\",\"answer\":\"Yes,"
                + " it is bright red.\"}]}");
  }

  @Test
  void acceptsEachItemAndLanguageOnItsOwn() {
    String reply =
        "{\"items\":[{\"id\":\"LA_INS_1\",\"translations\":{"
            + "\"zh\":{\"instruction\":\"这是什么？\",\"answer\":\"一辆有2扇门的公共汽车。\"},\"de\":{\"instruction\":\"<image>"
            + " Was ist das?\",\"answer\":\"Ein Bus mit 2"
            + " Türen.\"}}},{\"id\":\"LA_INS_2\",\"translations\":{\"zh\":{\"instruction\":\"Is it"
            + " red?\",\"answer\":\"Yes.\"},\"de\":{\"instruction\":\"Ist er"
            + " rot?\",\"answer\":\"Ja, er ist leuchtend rot.\"}}},"
            + "{\"id\":\"NOT_ASKED\",\"translations\":{}}]}";
    Verdict v = TranslationProtocol.judge(List.of(A, B), reply);
    assertThat(v.accepted()).extracting(Accepted::key).containsExactly("kde1", "kde2");
    assertThat(v.rest())
        .containsExactly(
            new TranslationItem(
                "LA_INS_1", A.instruction(), A.answer(), List.of("zh"), List.of("kzh1")),
            new TranslationItem(
                "LA_INS_2", B.instruction(), B.answer(), List.of("zh"), List.of("kzh2")));
    assertThat(v.reason()).isEqualTo("LA_INS_1 zh: instruction lost tag <image> (and 1 more)");
  }

  @Test
  void acceptsAReplyThatWritesNumbersInArabicAndFullWidthDigits() {
    TranslationItem c =
        new TranslationItem(
            "LA_INS_3",
            "How many doors?",
            "A bus with 12 doors, 2.5 m high.",
            List.of("ar", "zh"),
            List.of("kar3", "kzh3"));
    String reply =
        "{\"items\":[{\"id\":\"LA_INS_3\",\"translations\":{"
            + "\"ar\":{\"instruction\":\"كم عدد الأبواب؟\",\"answer\":\"حافلة بها ١٢ بابًا،"
            + " ارتفاعها ٢٫٥ م.\"},"
            + "\"zh\":{\"instruction\":\"有几扇门？\",\"answer\":\"一辆有１２扇门的公共汽车，高２．５米。\"}}}]}";
    Verdict v = TranslationProtocol.judge(List.of(c), reply);
    assertThat(v.accepted()).extracting(Accepted::key).containsExactly("kar3", "kzh3");
    assertThat(v.rest()).isEmpty();
  }

  @Test
  void readsAReplyWrappedInACodeFenceAndReportsAMissingItem() {
    String reply =
        "```json\n"
            + "{\"items\":[{\"id\":\"LA_INS_2\",\"translations\":{"
            + "\"zh\":{\"instruction\":\"它是红色的吗？\",\"answer\":\"是的，它是鲜红色的。\"},\"de\":{\"instruction\":\"Ist"
            + " er rot?\",\"answer\":\"Ja, er ist leuchtend rot.\"}}}]}\n"
            + "```";
    Verdict v = TranslationProtocol.judge(List.of(A, B), reply);
    assertThat(v.accepted()).extracting(Accepted::key).containsExactly("kzh2", "kde2");
    assertThat(v.rest()).containsExactly(A);
    assertThat(v.reason()).isEqualTo("LA_INS_1 zh: missing item (and 1 more)");
  }

  @Test
  void anUnparseableReplyAsksEverythingAgain() {
    Verdict v = TranslationProtocol.judge(List.of(A), "Sorry, I can't help with that.");
    assertThat(v.accepted()).isEmpty();
    assertThat(v.rest()).containsExactly(A);
    assertThat(v.reason())
        .isEqualTo("reply is not the JSON items document: Sorry, I can't help with that.");
  }

  @Test
  void everyRequestSetsMaxTokensWithinTheCap() {
    ChatRequest r = TranslationProtocol.request(Prompt.defaultTranslation(), List.of(A, B), 4096);
    assertThat(r.maxTokens())
        .isBetween(TranslationProtocol.completionEstimate(List.of(A, B)), 4096);
    assertThat(r.messages()).hasSize(4).last().extracting(ChatMessage::role).isEqualTo("user");
    assertThat(
            TranslationProtocol.request(Prompt.defaultTranslation(), List.of(A, B), 50).maxTokens())
        .isEqualTo(50);
  }

  @Test
  void batcherKeepsLanguageSetsApartAndBatchesFit() {
    TranslationBatcher batcher = new TranslationBatcher(2, 4096);
    TranslationItem zhOnly = new TranslationItem("X", "Hi?", "Hello.", List.of("zh"), List.of("k"));
    assertThat(batcher.add(A)).isNull();
    assertThat(batcher.add(B)).isNull();
    assertThat(batcher.add(zhOnly)).containsExactly(A, B); // full
    assertThat(batcher.add(A)).containsExactly(zhOnly); // other languages
    assertThat(batcher.flush()).containsExactly(A);
    assertThat(batcher.flush()).isNull();
    TranslationBatcher small = new TranslationBatcher(10, 120);
    assertThat(small.add(A)).isNull();
    assertThat(small.add(B)).containsExactly(A); // two would not fit twice in 120 tokens
  }
}
