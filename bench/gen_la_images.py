#!/usr/bin/env python3
"""Write DIR/LA/LA.json with an image for every id bench/gen_instructions.py can give an LA record.

gen_instructions.py draws LA image ids from LA_IMG_000000000001 .. LA_IMG_000000581929 (COCO's
range); this writes all 581,929 of them, each the same 1x1 PNG, as one JSON object
{image_id: base64}, streaming. Converted with convert-images, it gives the join benchmark a
warehouse whose images are all there, as after a real ingest (bench/join_incontext.sh IMAGES=1).

Example:
  bench/gen_la_images.py --out bench/data/join-2800000/images
"""
import argparse
import base64
import os
import struct
import zlib

LAST_ID = 581929


def png_1x1():
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80\x80\x80")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the input folder; LA/LA.json is written in it")
    args = parser.parse_args()
    value = base64.b64encode(png_1x1()).decode("ascii")
    folder = os.path.join(args.out, "LA")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "LA.json")
    with open(path + ".partial", "w", encoding="ascii") as f:
        f.write("{")
        for i in range(1, LAST_ID + 1):
            f.write('%s"LA_IMG_%012d": "%s"' % ("" if i == 1 else ", ", i, value))
        f.write("}")
    os.replace(path + ".partial", path)
    print(f"{path}: {LAST_ID} images")


if __name__ == "__main__":
    main()
