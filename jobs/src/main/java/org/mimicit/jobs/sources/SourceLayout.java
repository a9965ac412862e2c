package org.mimicit.jobs.sources;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The public datasets' own folder layouts and the MIMIC-IT id each file gets. Paths are relative to
 * {@code --input}, with {@code /} separators; the id prefix is {@code <TASK>_IMG_}.
 */
enum SourceLayout {
  /** {@code <image_id>.jpg} (COCO train2017) -> {@code LA_IMG_<image_id>}. */
  COCO("coco", "<input>/<image_id>.jpg"),
  /**
   * {@code <n>.jpg} + {@code <n>_2.jpg} -> {@code SD_IMG_<n zero-padded to 5>_1} and {@code _2}.
   */
  SPOT_THE_DIFF("spot-the-diff", "<input>/<n>.jpg and <input>/<n>_2.jpg (jpg, jpeg or png)"),
  /** {@code <scene>/color/<frame>.jpg} -> {@code SN_IMG_<scene>_<frame>}. */
  SCANNET("scannet", "<input>/<scene>/color/<frame>.jpg"),
  /** {@code <show>_frames/<clip>/<frame>.jpg} -> {@code TVC_IMG_<clip>_<frame>}. */
  TVQA_FRAMES("tvqa-frames", "<input>/<show>_frames/<clip>/<frame>.jpg"),
  /** Any video below the input -> {@code <TASK>_IMG_<video stem>_<frame index>}. */
  VIDEO("video", "<input>/**/<video>.mp4|webm|mkv|avi|mov|m4v"),
  /** Any image below the input -> {@code <TASK>_IMG_<file stem>}. */
  FOLDER("folder", "<input>/**/<name>.jpg|jpeg|png|gif|bmp|webp");

  static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp");
  static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "webm", "mkv", "avi", "mov", "m4v");
  private static final Set<String> PAIR_EXTENSIONS = Set.of("jpg", "jpeg", "png");
  private static final Pattern SECOND_OF_PAIR = Pattern.compile("(.+)_2");

  private final String optionValue;
  private final String layout;

  SourceLayout(String optionValue, String layout) {
    this.optionValue = optionValue;
    this.layout = layout;
  }

  String optionValue() {
    return optionValue;
  }

  /** The layout this source expects, for messages and help. */
  String layout() {
    return layout;
  }

  static SourceLayout of(String value) {
    for (SourceLayout s : values()) {
      if (s.optionValue.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        String.format("Cannot set --source to %s: the value must be one of %s.", value, names()));
  }

  static String names() {
    return Arrays.stream(values()).map(SourceLayout::optionValue).collect(Collectors.joining(", "));
  }

  /** A listed file: its path relative to the input, its full path, its size. */
  record Listed(String relative, String path, long length) {}

  /**
   * The work items of the listed files, in path order; files that do not fit the layout are left
   * out (the caller reports them).
   */
  List<SourceItem> items(List<Listed> files, String task) {
    checkArgument(task != null && !task.isBlank(), "Cannot convert: --task is empty.");
    String prefix = task + "_IMG_";
    List<SourceItem> items = new ArrayList<>();
    if (this == SPOT_THE_DIFF) {
      return pairs(files, prefix);
    }
    for (Listed f : files) {
      String[] parts = f.relative().split("/");
      String name = parts[parts.length - 1];
      String stem = stem(name);
      String ext = extension(name);
      String id =
          switch (this) {
            case COCO -> parts.length == 1 && IMAGE_EXTENSIONS.contains(ext) ? prefix + stem : null;
            case SCANNET ->
                parts.length == 3 && parts[1].equals("color") && IMAGE_EXTENSIONS.contains(ext)
                    ? prefix + parts[0] + "_" + stem
                    : null;
            case TVQA_FRAMES ->
                parts.length == 3 && parts[0].endsWith("_frames") && IMAGE_EXTENSIONS.contains(ext)
                    ? prefix + parts[1] + "_" + stem
                    : null;
            case VIDEO -> VIDEO_EXTENSIONS.contains(ext) ? prefix + stem : null;
            default -> IMAGE_EXTENSIONS.contains(ext) ? prefix + stem : null;
          };
      if (id != null) {
        items.add(
            new SourceItem(
                this == VIDEO ? SourceItem.Kind.VIDEO : SourceItem.Kind.IMAGE,
                f.path(),
                f.length(),
                id));
      }
    }
    return items;
  }

  /** Spot-the-Difference: {@code <n>.ext} is the first image, {@code <n>_2.ext} the second. */
  private static List<SourceItem> pairs(List<Listed> files, String prefix) {
    Map<String, Listed[]> byNumber = new TreeMap<>();
    for (Listed f : files) {
      if (f.relative().contains("/") || !PAIR_EXTENSIONS.contains(extension(f.relative()))) {
        continue;
      }
      String stem = stem(f.relative());
      Matcher second = SECOND_OF_PAIR.matcher(stem);
      boolean isSecond = second.matches();
      Listed[] pair =
          byNumber.computeIfAbsent(isSecond ? second.group(1) : stem, k -> new Listed[2]);
      pair[isSecond ? 1 : 0] = f;
    }
    List<SourceItem> items = new ArrayList<>();
    byNumber.forEach(
        (n, pair) -> {
          String id = prefix + zfill(n, 5);
          for (int i = 0; i < 2; i++) {
            if (pair[i] == null) {
              continue;
            }
            SourceItem.Kind kind =
                pair[1 - i] == null ? SourceItem.Kind.HALF_PAIR : SourceItem.Kind.IMAGE;
            items.add(new SourceItem(kind, pair[i].path(), pair[i].length(), id + "_" + (i + 1)));
          }
        });
    return items;
  }

  /** Python's {@code str.zfill}: zeros on the left up to {@code width} characters. */
  static String zfill(String s, int width) {
    return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
  }

  static String stem(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    return dot > slash + 1 ? name.substring(slash + 1, dot) : name.substring(slash + 1);
  }

  static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
