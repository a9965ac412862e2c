package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationProtocolTest {
  private static final List<QaPair> TWO =
      List.of(
          new QaPair("What is the man holding?", "A red umbrella."),
          new QaPair("Where is he going?", "Towards the station, it seems."));

  @Test
  void readsSyphusLines() {
    assertThat(
            GenerationProtocol.parse(
                "Question: What is the man holding?\nAnswer: A red umbrella.\n\n"
                    + "Question: Where is he going?\nAnswer: Towards the station, it seems.\n"))
        .isEqualTo(TWO);
  }

  @Test
  void toleratesNumberingBoldMarkersBulletsAndShortLabels() {
    assertThat(
            GenerationProtocol.parse(
                "Sure! Here are the pairs:\n\n"
                    + "1. **Question:** What is the man holding?\n"
                    + "   **Answer:** A red umbrella.\n\n"
                    + "2) Q: Where is he going?\n"
                    + "A: Towards the station, it seems."))
        .isEqualTo(TWO);
    assertThat(
            GenerationProtocol.parse(
                "- Question 1: What is the man holding?\n"
                    + "- Answer 1: A red umbrella.\n"
                    + "* __Question 2__: Where is he going?\n"
                    + "* __Answer 2__: Towards the station, it seems."))
        .isEqualTo(TWO);
  }

  @Test
  void keepsAnswersThatGoOnOverSeveralLines() {
    assertThat(
            GenerationProtocol.parse(
                "Question: What happens?\n"
                    + "Answer: First he opens the door.\n"
                    + "Then he steps out into the rain.\n\n"
                    + "Question: Why?\n"
                    + "Answer: To catch the bus."))
        .containsExactly(
            new QaPair(
                "What happens?", "First he opens the door.\nThen he steps out into the rain."),
            new QaPair("Why?", "To catch the bus."));
  }

  @Test
  void readsJsonReplies() {
    assertThat(
            GenerationProtocol.parse(
                "{\"pairs\": [{\"question\": \"What is the man holding?\", \"answer\": \"A red"
                    + " umbrella.\"}, {\"Question\": \"Where is he going?\", \"Answer\": \"Towards"
                    + " the station, it seems.\"}]}"))
        .isEqualTo(TWO);
    assertThat(
            GenerationProtocol.parse(
                "```json\n[{\"instruction\": \"What is the man holding?\", \"response\": "
                    + "\"A red umbrella.\"}]\n```"))
        .containsExactly(TWO.get(0));
  }

  @Test
  void findsNoPairInProseOrAQuestionWithoutAnswer() {
    assertThat(GenerationProtocol.parse("I'm sorry, I need more details about the video."))
        .isEmpty();
    assertThat(GenerationProtocol.parse("Question: What is it?\n\n")).isEmpty();
    assertThat(GenerationProtocol.parse("")).isEmpty();
  }
}
