package org.mimicit.common.export;

import java.util.List;
import java.util.Optional;

/**
 * The MD5 checksums the MIMIC-IT authors published for the release zips (the MIMIC-IT README's
 * download table, copied in REFERENCE.md). A downloaded zip is recognised by its MD5, whatever its
 * file name.
 */
public final class ReleaseChecksums {
  /** One published zip: its name in the table, MD5 and unzipped size as published. */
  public record Zip(String name, String md5, String unzipped) {}

  public static final List<Zip> PUBLISHED =
      List.of(
          new Zip("LA-In-Context", "fdc2427451bcfd8a04bab7a1c2305259", "338 MB"),
          new Zip("DC", "0d373a5f511fd1d9f03ac81bb12e04fe", "171 MB"),
          new Zip("TVC", "ea16ec0ef7f35e810e0920e85ed467af", "166 MB"),
          new Zip("VST", "988569e39aaa24da0df547644514b0d4", "32 MB"),
          new Zip("SN", "1c4751c5b2c0bcaaeb94dbc5fb39e7a6", "8 MB"),
          new Zip("SD (General Diff)", "7fd998c10baaba9c6e39b66761a456a0", "8.1 MB"),
          new Zip("SD (Subtle Diff)", "5175198daebb997672a21307e8b18a96", "5 MB"),
          new Zip("E4D (1st part)", "504b779dbc852c943adbe7862d6924d7", "3.2 GB"));

  private ReleaseChecksums() {}

  /** The published zip with this MD5 (lower-case hex), if any. */
  public static Optional<Zip> byMd5(String md5) {
    return PUBLISHED.stream().filter(z -> z.md5().equals(md5)).findFirst();
  }
}
