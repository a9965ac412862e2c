package org.mimicit.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mimicit.common.error.MimicitException;

class PromptTest {
  private static Prompt parse(String json) throws Exception {
    return Prompt.parse("p.json", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rendersSyphusInContextExamplesBeforeTheQuery() throws Exception {
    Prompt p =
        parse(
            "{\"system_message\": \"You write questions.\", \"in_context\": [{\"role\": \"user\","
                + " \"content\": \"a dog on a sofa\"},{\"role\": \"assistant\", \"content\":"
                + " [{\"Question\": \"Where is the dog?\", \"Answer\": \"On the"
                + " sofa.\"},{\"Question\": \"What colour is it?\", \"Answer\": \"Brown.\"}]}]}");
    assertThat(p.messages("a cat on a mat"))
        .containsExactly(
            new ChatMessage("system", "You write questions."),
            new ChatMessage("user", "a dog on a sofa"),
            new ChatMessage(
                "assistant",
                "Question: Where is the dog?\nAnswer: On the sofa.\n"
                    + "Question: What colour is it?\nAnswer: Brown.\n"),
            new ChatMessage("user", "a cat on a mat"));
  }

  /**
   * conf/prompts/spot_the_difference.json is in Syphus's format; these are the messages Syphus's
   * query_gpt builds from it: the system message, each in-context message (a list of pairs as
   * "<key>: <text>" lines), then the query input's sentences.
   */
  @Test
  void rendersAPromptFileExactlyAsSyphusSendsIt() throws Exception {
    Prompt p;
    try (var in =
        java.nio.file.Files.newInputStream(
            java.nio.file.Path.of(System.getProperty("user.dir"))
                .getParent()
                .resolve("conf/prompts/spot_the_difference.json"))) {
      p = Prompt.parse("spot_the_difference.json", in);
    }
    java.util.List<ChatMessage> m =
        p.messages("The red kite in the sky is missing in the second picture.");
    assertThat(m).hasSize(4);
    assertThat(m.get(0).role()).isEqualTo("system");
    assertThat(m.get(0).content())
        .startsWith("You are an AI assistant that compares two pictures of the same scene.")
        .endsWith("and a blank line between pairs.");
    assertThat(m.get(1))
        .isEqualTo(
            new ChatMessage(
                "user",
                "The blue car parked on the left is missing in the second "
                    + "picture.\nThe shop sign above the door changed from red to green."));
    assertThat(m.get(2))
        .isEqualTo(
            new ChatMessage(
                "assistant",
                "Question: What is different between the two pictures?\n"
                    + "Answer: The blue car parked on the left is gone in the second picture, and"
                    + " the shop sign above the door is green instead of red.\n"
                    + "Question: What happened to the car on the left?\n"
                    + "Answer: It is no longer there in the second picture; the parking space is"
                    + " empty.\n"
                    + "Question: Did the door of the shop change?\n"
                    + "Answer: No, the door looks the same; only the sign above it changed"
                    + " colour.\n"));
    assertThat(m.get(3))
        .isEqualTo(
            new ChatMessage("user", "The red kite in the sky is missing in the second picture."));
  }

  @Test
  void theKeyChangesWithThePromptOnly() throws Exception {
    String a = parse("{\"system_message\": \"A\"}").sha256();
    assertThat(parse("{\"system_message\": \"A\", \"in_context\": []}").sha256()).isEqualTo(a);
    assertThat(parse("{\"system_message\": \"B\"}").sha256()).isNotEqualTo(a).hasSize(64);
    assertThat(Prompt.defaultTranslation().messages("q")).hasSize(4);
  }

  @Test
  void namesWhatIsWrongWithAPromptFile() {
    assertThatThrownBy(() -> parse("{\"in_context\": []}"))
        .isInstanceOf(MimicitException.class)
        .hasMessageContaining(
            "Cannot read the prompt file p.json: it needs a string \"system_message\"");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"system_message\": \"A\", \"in_context\": [{\"role\": \"bot\", \"content\":"
                        + " \"x\"}]}"))
        .hasMessage(
            "Cannot read the prompt file p.json: in_context[0] has role 'bot'; use user or"
                + " assistant.");
  }
}
