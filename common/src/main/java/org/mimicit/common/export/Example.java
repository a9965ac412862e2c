package org.mimicit.common.export;

import java.util.ArrayList;
import java.util.List;
import org.mimicit.common.schema.ExampleSchema;

/**
 * One training example of an export shard, in the layout of {@link ExampleSchema}.
 *
 * @param key the sample key in its task: a zero-padded ordinal, unique within the task, whose order
 *     is the export order
 */
public record Example(
    String key,
    String insId,
    String task,
    String lang,
    String instruction,
    String answer,
    List<ContextEntry> context,
    List<Image> images) {

  /** An in-context example: its pair (in the example's language where translated) and images. */
  public record ContextEntry(
      String insId, String instruction, String answer, List<String> imageIds) {}

  /** An image of the example; {@code format} as in the images table (jpeg, png, ...). */
  public record Image(String imageId, String format, byte[] bytes) {
    /** The file extension of the format: {@code jpg} for jpeg, else the format. */
    public String extension() {
      return "jpeg".equals(format) ? "jpg" : format;
    }
  }

  /** The row for {@link org.mimicit.common.io.TableParquetWriter} of {@link ExampleSchema}. */
  public Object[] toRow() {
    List<Object> contextRows = new ArrayList<>(context.size());
    for (ContextEntry c : context) {
      contextRows.add(new Object[] {c.insId(), c.instruction(), c.answer(), c.imageIds()});
    }
    List<Object> imageRows = new ArrayList<>(images.size());
    for (Image i : images) {
      imageRows.add(new Object[] {i.imageId(), i.format(), i.bytes()});
    }
    return new Object[] {insId, task, lang, instruction, answer, contextRows, imageRows};
  }
}
