package org.mimicit.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;

/**
 * A prompt in Syphus's file format: {@code {"system_message": str, "in_context": [{"role":
 * "user"|"assistant", "content": str | [{"Question": .., "Answer": ..}]}]}}. A request is the
 * system message, the in-context messages, then the query as the last user message.
 */
public final class Prompt implements Serializable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The default translation prompt, {@code conf/prompts/translate.json}, packaged in the jar. */
  public static final String TRANSLATE_RESOURCE = "/org/mimicit/prompts/translate.json";

  private final String name;
  private final List<ChatMessage> preamble;

  Prompt(String name, List<ChatMessage> preamble) {
    this.name = name;
    this.preamble = List.copyOf(preamble);
  }

  /** Reads a prompt file, local or on any Hadoop file system. */
  public static Prompt read(String path, Configuration conf) {
    Path p = new Path(path);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      return parse(path, in);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read the prompt file %s: %s", path, e.getMessage());
    }
  }

  /** The default translation prompt. */
  public static Prompt defaultTranslation() {
    try (InputStream in = Prompt.class.getResourceAsStream(TRANSLATE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The jar lacks " + TRANSLATE_RESOURCE);
      }
      return parse("conf/prompts/translate.json", in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Prompt parse(String name, InputStream in) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new MimicitException(
          e, "Cannot read the prompt file %s: it is not JSON (%s).", name, e.getMessage());
    }
    JsonNode system = root == null ? null : root.get("system_message");
    if (system == null || !system.isTextual()) {
      throw new MimicitException(
          "Cannot read the prompt file %s: it needs a string \"system_message\" "
              + "(Syphus's format: {\"system_message\": ..., \"in_context\": [...]}).",
          name);
    }
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(new ChatMessage("system", system.asText()));
    JsonNode inContext = root.path("in_context");
    for (int i = 0; i < inContext.size(); i++) {
      JsonNode m = inContext.get(i);
      String role = m.path("role").asText("");
      if (!role.equals("user") && !role.equals("assistant")) {
        throw new MimicitException(
            "Cannot read the prompt file %s: in_context[%d] has role '%s'; "
                + "use user or assistant.",
            name, i, role);
      }
      messages.add(new ChatMessage(role, content(name, i, m.get("content"))));
    }
    return new Prompt(name, messages);
  }

  private static String content(String name, int index, JsonNode content) {
    if (content != null && content.isTextual()) {
      return content.asText();
    }
    if (content != null && content.isArray()) {
      StringBuilder text = new StringBuilder();
      // as Syphus renders it: every field of every pair, in file order, as "<key>: <text>\n"
      for (JsonNode pair : content) {
        pair.fields()
            .forEachRemaining(
                f ->
                    text.append(f.getKey())
                        .append(": ")
                        .append(f.getValue().asText())
                        .append('\n'));
      }
      return text.toString();
    }
    throw new MimicitException(
        "Cannot read the prompt file %s: in_context[%d].content must be a string "
            + "or a list of {\"Question\", \"Answer\"} objects.",
        name, index);
  }

  /** The messages of one request whose query is {@code query}. */
  public List<ChatMessage> messages(String query) {
    List<ChatMessage> all = new ArrayList<>(preamble);
    all.add(new ChatMessage("user", query));
    return all;
  }

  /** The prompt's part of every request key: SHA-256 of its messages. */
  public String sha256() {
    List<String> parts = new ArrayList<>();
    for (ChatMessage m : preamble) {
      parts.add(m.role());
      parts.add(m.content());
    }
    return RequestKey.of(parts.toArray(new String[0]));
  }

  /** Characters of the preamble, for token estimates. */
  int length() {
    int n = 0;
    for (ChatMessage m : preamble) {
      n += m.content().length();
    }
    return n;
  }

  public String name() {
    return name;
  }
}
