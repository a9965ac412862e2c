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

  /**
   * An image of the example; {@code format} as in the images table (jpeg, png, ...); {@code bytes}
   * null when the example refers to its images by {@code sha256} (the images-once layout).
   */
  public record Image(String imageId, String format, byte[] bytes, String sha256) {
    public Image(String imageId, String format, byte[] bytes) {
      this(imageId, format, bytes, null);
    }

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

  /** The row of {@link ExampleSchema#REFERENCING_SCHEMA}: images by id and SHA-256. */
  public Object[] toReferencingRow() {
    Object[] row = toRow();
    List<Object> refs = new ArrayList<>(images.size());
    for (Image i : images) {
      refs.add(new Object[] {i.imageId(), i.sha256()});
    }
    row[6] = refs;
    return row;
  }
}
