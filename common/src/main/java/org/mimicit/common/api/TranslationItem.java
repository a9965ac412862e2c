package org.mimicit.common.api;

import java.io.Serializable;
import java.util.List;

/**
 * One source text (an instruction and its answer) and the languages still to get for it, each with
 * its cache key. Identical texts of several instructions are one item, asked once.
 *
 * @param id the id sent in the request: the smallest {@code ins_id} with this text
 */
public record TranslationItem(
    String id, String instruction, String answer, List<String> langs, List<String> keys)
    implements Serializable {
  public TranslationItem {
    langs = List.copyOf(langs);
    keys = List.copyOf(keys);
    if (langs.size() != keys.size()) {
      throw new IllegalArgumentException(
          "Cannot pair " + langs.size() + " languages with " + keys.size() + " keys");
    }
  }

  /** This item without the languages whose keys are in {@code done}; null when none is left. */
  public TranslationItem without(java.util.Set<String> done) {
    List<Integer> left = new java.util.ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (!done.contains(keys.get(i))) {
        left.add(i);
      }
    }
    return left.isEmpty() ? null : left.size() == keys.size() ? this : only(left);
  }

  /** This item with only the languages at {@code indexes}. */
  TranslationItem only(List<Integer> indexes) {
    return new TranslationItem(
        id,
        instruction,
        answer,
        indexes.stream().map(langs::get).toList(),
        indexes.stream().map(keys::get).toList());
  }
}
