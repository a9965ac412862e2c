package org.mimicit.jobs.report;

import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Words of a text in one pass over its characters: runs of non-whitespace, or none (null) when the
 * text uses a script written without spaces between words (Han, Hiragana, Katakana, Thai, Lao,
 * Khmer, Myanmar), where such a count means nothing. A function rather than a regex split: it
 * allocates nothing per word, which matters over millions of answers.
 */
final class TextMeasures {
  private static final UserDefinedFunction WORDS =
      udf((UDF1<String, Long>) TextMeasures::words, DataTypes.LongType);

  private TextMeasures() {}

  /** The words of {@code text}; null for null or for text in a script without spaces. */
  static Long words(String text) {
    if (text == null) {
      return null;
    }
    long words = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0x0E00 && withoutSpaces(cp)) {
        return null;
      }
      boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
    }
    return words;
  }

  /** The column of {@link #words(String)}. */
  static Column words(Column text) {
    return WORDS.apply(text);
  }

  private static boolean withoutSpaces(int cp) {
    switch (Character.UnicodeScript.of(cp)) {
      case HAN, HIRAGANA, KATAKANA, THAI, LAO, KHMER, MYANMAR:
        return true;
      default:
        return false;
    }
  }
}
