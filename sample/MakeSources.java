import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Builds sample/sources/ (the raw input of convert-sources) from the photographs already in
 * sample/mimicit/ (licences in sample/LICENSES.md): image files copied byte for byte out of the
 * base64 JSON, and two short videos, each a slow pan over one photograph, encoded with the FFmpeg
 * that the project ships (bytedeco): H.264 (OpenH264) in MP4 at 30000/1001 fps, VP9 (libvpx) in
 * WebM at 25 fps. Run through sample/make_sources.sh.
 */
public final class MakeSources {
  public static void main(String[] args) throws Exception {
    Path sample = Path.of(args.length > 0 ? args[0] : "sample");
    Path out = sample.resolve("sources");
    JsonNode la = read(sample.resolve("mimicit/LA/LA.json"));
    JsonNode sd = read(sample.resolve("mimicit/SD/SD_subtle.json"));
    // folder: any folder of images (one grayscale JPEG among them)
    for (String name : new String[] {"coffee", "rocket", "hubble", "camera", "ladybird"}) {
      copy(la, "LA_IMG_" + name, out.resolve("folder/" + name + ".jpg"));
    }
    // spot-the-diff: two real pairs, and 7.jpg without its 7_2.jpg (a deliberate half pair)
    copy(sd, "SD_IMG_00005_1", out.resolve("spot-the-diff/5.jpg"));
    copy(sd, "SD_IMG_00005_2", out.resolve("spot-the-diff/5_2.jpg"));
    copy(sd, "SD_IMG_00006_1", out.resolve("spot-the-diff/6.jpg"));
    copy(sd, "SD_IMG_00006_2", out.resolve("spot-the-diff/6_2.jpg"));
    copy(la, "LA_IMG_yellowflower", out.resolve("spot-the-diff/7.jpg"));
    // video: 3 s each
    pan(photo(la, "LA_IMG_dune"), out.resolve("video/v_dune_pan.mp4"), "mp4", "libopenh264",
        30000.0 / 1001, 90);
    pan(photo(la, "LA_IMG_jetty"), out.resolve("video/v_jetty_pan.webm"), "webm", "libvpx-vp9",
        25.0, 75);
  }

  private static JsonNode read(Path json) throws Exception {
    return new ObjectMapper().readTree(json.toFile());
  }

  private static byte[] bytes(JsonNode images, String id) {
    return Base64.getDecoder().decode(images.get(id).asText());
  }

  private static void copy(JsonNode images, String id, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes(images, id));
  }

  private static BufferedImage photo(JsonNode images, String id) throws Exception {
    return ImageIO.read(new ByteArrayInputStream(bytes(images, id)));
  }

  /** A 256x144 pan: a 16:9 window of 3/4 of the photo's width moving from top left to bottom right. */
  private static void pan(BufferedImage photo, Path file, String format, String codec, double fps,
      int frames) throws Exception {
    Files.createDirectories(file.getParent());
    int w = 256;
    int h = 144;
    int cropW = photo.getWidth() * 3 / 4;
    int cropH = cropW * 9 / 16;
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    Java2DFrameConverter converter = new Java2DFrameConverter();
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(new File(file.toString()), w, h, 0)) {
      r.setFormat(format);
      r.setVideoCodecName(codec);
      r.setFrameRate(fps);
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      r.setVideoBitrate(150_000);
      r.setGopSize(30);
      r.setVideoOption("threads", "1");
      r.start();
      for (int i = 0; i < frames; i++) {
        int x = (photo.getWidth() - cropW) * i / (frames - 1);
        int y = (photo.getHeight() - cropH) * i / (frames - 1);
        BufferedImage frame = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = frame.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(photo, 0, 0, w, h, x, y, x + cropW, y + cropH, null);
        g.dispose();
        r.record(converter.convert(frame));
      }
      r.stop();
    }
    System.out.printf("%s: %d frames at %.3f fps, %d bytes%n", file, frames, fps, Files.size(file));
  }
}
