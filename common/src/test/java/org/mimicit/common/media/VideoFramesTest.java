package org.mimicit.common.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.TestVideos;

class VideoFramesTest {
  @TempDir static Path tmp;
  static Path ntsc;
  static Path vp9;

  @BeforeAll
  static void videos() {
    // 100 frames at 30000/1001 (29.97) fps: 3.34 s
    ntsc = TestVideos.h264(tmp.resolve("ntsc.mp4"), 160, 120, 30000, 1001, 100);
    // 60 frames at 25 fps: 2.4 s
    vp9 = TestVideos.vp9(tmp.resolve("pal.webm"), 96, 64, 25, 1, 60);
  }

  private static List<String> frames(Path video, double fps, FrameSampling sampling)
      throws MediaException {
    List<String> out = new ArrayList<>();
    try (VideoFrames frames = new VideoFrames(video.toString(), fps, sampling)) {
      for (VideoFrames.Sampled s = frames.next(); s != null; s = frames.next()) {
        out.add(
            s.index()
                + "@"
                + Math.round(s.micros() / 1000.0)
                + "ms:"
                + s.image().width()
                + "x"
                + s.image().height());
      }
      out.add("decoded=" + frames.decodedFrames());
    }
    return out;
  }

  @Test
  void keepsEveryFloorOfNativeFpsThFrameOfANonIntegerRateVideo() throws MediaException {
    try (VideoFrames frames = new VideoFrames(ntsc.toString(), 1, FrameSampling.INDEX)) {
      assertThat(frames.nativeFps()).isCloseTo(29.97, org.assertj.core.data.Offset.offset(0.001));
    }
    // floor(29.97 / 1) = 29: decoded frames 0, 29, 58, 87 -> indices 0..3
    assertThat(frames(ntsc, 1, FrameSampling.INDEX))
        .containsExactly(
            "0@0ms:160x120",
            "1@968ms:160x120",
            "2@1935ms:160x120",
            "3@2903ms:160x120",
            "decoded=100");
    // floor(29.97 / 2) = 14: frames 0, 14, ..., 98
    assertThat(frames(ntsc, 2, FrameSampling.INDEX)).hasSize(8 + 1);
  }

  @Test
  void samplesByTimestamp() throws MediaException {
    // slots of 1 s: the first frame at or after 0, 1, 2, 3 s (frame 30 is at 1.001 s)
    assertThat(frames(ntsc, 1, FrameSampling.TIMESTAMP))
        .containsExactly(
            "0@0ms:160x120",
            "1@1001ms:160x120",
            "2@2002ms:160x120",
            "3@3003ms:160x120",
            "decoded=100");
  }

  @Test
  void decodesVp9WebM() throws MediaException {
    assertThat(frames(vp9, 1, FrameSampling.INDEX))
        .containsExactly("0@0ms:96x64", "1@1000ms:96x64", "2@2000ms:96x64", "decoded=60");
  }

  @Test
  void rejectsATruncatedVideoWithTheDecodersMessage() throws IOException {
    byte[] whole = Files.readAllBytes(ntsc);
    Path cut = Files.write(tmp.resolve("cut.mp4"), Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> frames(cut, 1, FrameSampling.INDEX))
        .isInstanceOf(MediaException.class)
        .hasMessage(
            "cannot open: avformat_open_input: Invalid data found when processing input "
                + "(error -1094995529)");
  }

  @Test
  void rejectsAFileThatIsNoVideo() throws IOException {
    Path text = Files.writeString(tmp.resolve("notes.mp4"), "not a video");
    assertThatThrownBy(() -> frames(text, 1, FrameSampling.INDEX))
        .isInstanceOf(MediaException.class)
        .hasMessage(
            "cannot open: avformat_open_input: Invalid data found when processing input "
                + "(error -1094995529)");
  }
}
