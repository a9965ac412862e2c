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
    Prompt p = parse("{\"system_message\": \"You write questions.\", \"in_context\": ["
        + "{\"role\": \"user\", \"content\": \"a dog on a sofa\"},"
        + "{\"role\": \"assistant\", \"content\": [{\"Question\": \"Where is the dog?\", \"Answer\": \"On the sofa.\"},"
        + "{\"Question\": \"What colour is it?\", \"Answer\": \"Brown.\"}]}]}");
    assertThat(p.messages("a cat on a mat")).containsExactly(
        new ChatMessage("system", "You write questions."),
        new ChatMessage("user", "a dog on a sofa"),
        new ChatMessage("assistant", "Question: Where is the dog?\nAnswer: On the sofa.\n"
            + "Question: What colour is it?\nAnswer: Brown.\n"),
        new ChatMessage("user", "a cat on a mat"));
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
    assertThatThrownBy(() -> parse("{\"in_context\": []}")).isInstanceOf(MimicitException.class)
        .hasMessageContaining("Cannot read the prompt file p.json: it needs a string \"system_message\"");
    assertThatThrownBy(() -> parse("{\"system_message\": \"A\", \"in_context\": [{\"role\": \"bot\", \"content\": \"x\"}]}"))
        .hasMessage("Cannot read the prompt file p.json: in_context[0] has role 'bot'; use user or assistant.");
  }
}
