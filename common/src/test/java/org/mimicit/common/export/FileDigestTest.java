package org.mimicit.common.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FileDigestTest {
  @Test
  void hashesKnownBytes() throws Exception {
    FileDigest d = FileDigest.of(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)));

    assertThat(d)
        .isEqualTo(
            new FileDigest(
                3,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "900150983cd24fb0d6963f7d28e17f72"));
  }

  @Test
  void hashingWhileWritingEqualsReadingBack() throws Exception {
    byte[] data = new byte[3_000_017];
    new Random(7).nextBytes(data);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    FileDigest.HashingOutputStream out = new FileDigest.HashingOutputStream(sink);

    out.write(data, 0, 10);
    out.write(data[10]);
    out.write(data, 11, data.length - 11);
    out.close();

    assertThat(sink.toByteArray()).isEqualTo(data);
    assertThat(out.digest()).isEqualTo(FileDigest.of(new ByteArrayInputStream(data)));
  }
}
