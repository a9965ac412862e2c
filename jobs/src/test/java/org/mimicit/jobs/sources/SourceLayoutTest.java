package org.mimicit.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SourceLayoutTest {
  private static List<String> ids(SourceLayout source, String task, String... relative) {
    List<SourceLayout.Listed> files =
        Arrays.stream(relative)
            .map(r -> new SourceLayout.Listed(r, "/in/" + r, 10))
            .collect(Collectors.toList());
    return source.items(files, task).stream()
        .map(i -> i.id() + (i.kind() == SourceItem.Kind.IMAGE ? "" : " " + i.kind()))
        .collect(Collectors.toList());
  }

  @Test
  void namesCocoImagesByTheirImageId() {
    assertThat(
            ids(
                SourceLayout.COCO,
                "LA",
                "000000000009.jpg",
                "000000000025.jpg",
                "sub/x.jpg",
                "captions.txt"))
        .containsExactly("LA_IMG_000000000009", "LA_IMG_000000000025");
  }

  @Test
  void pairsSpotTheDifferenceImagesAndFlagsHalfPairs() {
    assertThat(
            ids(
                SourceLayout.SPOT_THE_DIFF,
                "SD",
                "1.png",
                "1_2.png",
                "12.jpg",
                "12_2.jpeg",
                "7.jpg",
                "123456_2.png",
                "notes.txt"))
        .containsExactly(
            "SD_IMG_00001_1",
            "SD_IMG_00001_2",
            "SD_IMG_00012_1",
            "SD_IMG_00012_2",
            "SD_IMG_123456_2 HALF_PAIR",
            "SD_IMG_00007_1 HALF_PAIR");
  }

  @Test
  void namesScanNetAndTvqaFramesBySceneOrClipAndFrame() {
    assertThat(
            ids(
                SourceLayout.SCANNET,
                "SN",
                "scene0000_00/color/0.jpg",
                "scene0000_00/color/20.jpg",
                "scene0000_00/depth/0.png",
                "scene0001_01/color/0.jpg"))
        .containsExactly(
            "SN_IMG_scene0000_00_0", "SN_IMG_scene0000_00_20", "SN_IMG_scene0001_01_0");
    assertThat(
            ids(
                SourceLayout.TVQA_FRAMES,
                "TVC",
                "bbt_frames/s01e01_seg01_clip_00/00001.jpg",
                "friends_frames/friends_s01e01_seg01_clip_00/00003.jpg",
                "bbt_frames/readme.txt"))
        .containsExactly(
            "TVC_IMG_s01e01_seg01_clip_00_00001", "TVC_IMG_friends_s01e01_seg01_clip_00_00003");
  }

  @Test
  void namesVideosAndFolderImagesByTheirStem() {
    assertThat(
            ids(
                SourceLayout.VIDEO,
                "DC",
                "v_N1c3C_Npr-E.mp4",
                "more/v_x.webm",
                "v_y.mkv",
                "v_y.json"))
        .containsExactly("DC_IMG_v_N1c3C_Npr-E VIDEO", "DC_IMG_v_x VIDEO", "DC_IMG_v_y VIDEO");
    assertThat(ids(SourceLayout.FOLDER, "MY", "a.JPG", "deep/b.webp", "c.gif", "d.txt"))
        .containsExactly("MY_IMG_a", "MY_IMG_b", "MY_IMG_c");
  }

  @Test
  void rejectsAnUnknownSourceNamingTheValidOnes() {
    assertThatThrownBy(() -> SourceLayout.of("cocoa"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot set --source to cocoa: the value must be one of coco, spot-the-diff, "
                + "scannet, tvqa-frames, video, folder.");
  }

  @Test
  void reportsFilesDoneRateAndEta() {
    long tenSecondsAgo = System.nanoTime() - 10_000_000_000L;
    assertThat(ConvertSourcesJob.progressLine(120, 400, 240, tenSecondsAgo))
        .isEqualTo("; 120/400 files, 24.0 images/s, ETA 0m23s");
    assertThat(ConvertSourcesJob.progressLine(0, 400, 0, tenSecondsAgo))
        .isEqualTo("; 0/400 files, 0.0 images/s, ETA unknown");
  }

  @Test
  void balancesTasksByBytes() {
    List<SourceItem> items =
        List.of(
            new SourceItem(SourceItem.Kind.IMAGE, "a", 100, "a"),
            new SourceItem(SourceItem.Kind.IMAGE, "b", 60, "b"),
            new SourceItem(SourceItem.Kind.IMAGE, "c", 50, "c"),
            new SourceItem(SourceItem.Kind.IMAGE, "d", 40, "d"),
            new SourceItem(SourceItem.Kind.IMAGE, "e", 10, "e"));
    assertThat(
            TaskBalancer.balance(items, 2).stream()
                .map(t -> t.stream().map(SourceItem::id).collect(Collectors.joining())))
        .containsExactly("ad", "bce"); // 140 and 120 bytes
    assertThat(TaskBalancer.taskCount(items, 2)).isEqualTo(5);
    assertThat(TaskBalancer.taskCount(items, 1)).isEqualTo(4);
  }
}
