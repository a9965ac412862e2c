package org.mimicit.common.api;

import java.lang.Character.UnicodeScript;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks a translation must pass (SPEC §5): every {@code <image>}-style tag and every number of
 * the source survives, and zh, ja, ko and ar text is mainly in that language's script. Also catches
 * a reply that is the English source again.
 */
public final class TextChecks {
  private static final Pattern TAG = Pattern.compile("<[^<>\\s]{1,40}>");

  /**
   * A number: decimal digits of any script (Unicode Nd: ASCII, Arabic-Indic, Persian, full-width,
   * Devanagari, ...) in groups joined by one separator: {@code . , :}, the Arabic decimal and
   * thousands separators (U+066B, U+066C), the full-width stop, comma and colon (U+FF0E, U+FF0C,
   * U+FF1A), an apostrophe (Swiss thousands), or a no-break, narrow no-break or thin space (French
   * thousands, U+00A0, U+202F, U+2009).
   */
  private static final Pattern NUMBER =
      Pattern.compile(
          "\\p{Nd}+(?:[.,:\u066B\u066C\uFF0E\uFF0C\uFF1A'\u2019\u00A0\u202F\u2009]\\p{Nd}+)*");

  /** The share of letters that must be in the language's script. */
  static final double MIN_SCRIPT_SHARE = 0.5;

  private TextChecks() {}

  /**
   * Null when {@code translation} of {@code source} into {@code lang} is acceptable, else a short
   * reason (stable words, for {@code rejected/} details).
   */
  public static String problem(String lang, String source, String translation) {
    if (translation == null || translation.isBlank()) {
      return "empty";
    }
    String missing = missing(TAG, source, translation);
    if (missing != null) {
      return "lost tag " + missing;
    }
    missing = missingNumber(source, translation);
    if (missing != null) {
      return "lost number " + missing;
    }
    UnicodeScript[] scripts = scriptsOf(lang);
    if (scripts.length > 0) {
      String text = TAG.matcher(translation).replaceAll(" ");
      int letters = 0;
      int inScript = 0;
      for (int i = 0; i < text.length(); ) {
        int cp = text.codePointAt(i);
        i += Character.charCount(cp);
        if (Character.isLetter(cp)) {
          letters++;
          UnicodeScript s = UnicodeScript.of(cp);
          for (UnicodeScript want : scripts) {
            if (s == want) {
              inScript++;
              break;
            }
          }
        }
      }
      if (letters > 0 && inScript < MIN_SCRIPT_SHARE * letters) {
        return "not in " + lang + " script (" + inScript + " of " + letters + " letters)";
      }
      if (letters == 0 && hasLetters(TAG.matcher(source).replaceAll(" "))) {
        return "no " + lang + " text";
      }
    } else if (normalise(translation).equals(normalise(source)) && words(source) > 3) {
      return "untranslated";
    }
    return null;
  }

  /** The scripts that count as the language's, or none for languages written in Latin script. */
  static UnicodeScript[] scriptsOf(String lang) {
    return switch (lang.toLowerCase(Locale.ROOT)) {
      case "zh", "zh-cn", "zh-tw" -> new UnicodeScript[] {UnicodeScript.HAN};
      case "ja" ->
          new UnicodeScript[] {UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA, UnicodeScript.HAN};
      case "ko" -> new UnicodeScript[] {UnicodeScript.HANGUL, UnicodeScript.HAN};
      case "ar" -> new UnicodeScript[] {UnicodeScript.ARABIC};
      default -> new UnicodeScript[0];
    };
  }

  /** The first tag of {@code source} that {@code translation} has fewer of. */
  private static String missing(Pattern pattern, String source, String translation) {
    Map<String, Integer> need = count(pattern, source);
    if (need.isEmpty()) {
      return null;
    }
    Map<String, Integer> have = count(pattern, translation);
    for (Map.Entry<String, Integer> e : need.entrySet()) {
      if (have.getOrDefault(e.getKey(), 0) < e.getValue()) {
        return e.getKey();
      }
    }
    return null;
  }

  /**
   * The first number of {@code source} whose digits appear in no number of {@code translation}.
   * Numbers are compared by the values of their digits, separators dropped: the script of the
   * digits and the separators may change with the language ({@code 2.5} is {@code 2,5} in German
   * and {@code ٢٫٥} in Arabic; {@code 1,000}, {@code 1 000} and {@code 1000} agree), the digits may
   * not.
   */
  private static String missingNumber(String source, String translation) {
    Set<String> have = new HashSet<>();
    Matcher t = NUMBER.matcher(translation);
    while (t.find()) {
      have.add(digits(t.group()));
    }
    Matcher m = NUMBER.matcher(source);
    while (m.find()) {
      if (!have.contains(digits(m.group()))) {
        return m.group();
      }
    }
    return null;
  }

  /** The ASCII digits of the decimal digits of any script in {@code number}, nothing else. */
  static String digits(String number) {
    StringBuilder out = new StringBuilder(number.length());
    number
        .codePoints()
        .filter(cp -> Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER)
        .forEach(cp -> out.append((char) ('0' + Character.digit(cp, 10))));
    return out.toString();
  }

  private static Map<String, Integer> count(Pattern pattern, String text) {
    Map<String, Integer> counts = new HashMap<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      counts.merge(m.group(), 1, Integer::sum);
    }
    return counts;
  }

  /** The tags of a text, in order. */
  public static List<String> tags(String text) {
    List<String> tags = new ArrayList<>();
    Matcher m = TAG.matcher(text);
    while (m.find()) {
      tags.add(m.group());
    }
    return tags;
  }

  private static boolean hasLetters(String text) {
    return text.codePoints().anyMatch(Character::isLetter);
  }

  private static String normalise(String text) {
    return text.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  private static int words(String text) {
    String t = text.trim();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }
}
