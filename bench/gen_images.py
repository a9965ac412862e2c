#!/usr/bin/env python3
"""Generate a MIMIC-IT images file of any size from real image bytes.

Writes DIR/<TASK>/<TASK>.json, one JSON object {image_id: base64}, in the layout of the
release's xx.json files, streaming: only the source images and one write buffer are in memory,
whatever the target size.

Image bytes are real images, cycled (reshuffled on every pass) under distinct ids:
  - by default every image found in the bundled sample (sample/mimicit/*/<image file>.json,
    i.e. every *.json there that is not *_instructions*.json or *_train.json), decoded;
  - or the files given with --source-images (files or directories, searched recursively for
    JPEG/PNG/GIF/WebP/BMP, recognised by their magic bytes, not by their name).

Ids look like the Ego4D converter's: <TASK>_IMG_<video uuid>_<8-digit frame index>, frames
numbered from 0 within each synthetic video of 20-400 frames. Everything is deterministic for a
given --seed and set of source images.

With --unique every record's bytes differ (a JPEG COM segment or a PNG tEXt chunk carrying the
record number, inserted after SOI / IHDR; other formats are not used), so a content-addressed
export stores every image: the export benchmark's "every image used once".

Example:
  bench/gen_images.py --out bench/data/images --task E4D --size 3G
"""
import argparse
import base64
import glob
import json
import os
import random
import re
import sys
import time
import uuid
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SAMPLE_GLOB = os.path.join(REPO, "sample", "mimicit", "*", "*.json")
FLUSH_BYTES = 16 << 20  # one write() per ~16 MiB


def parse_size(text):
    """'3G', '200M', '512K', '1.5G', '3GB', '1000' -> bytes (K/M/G/T are powers of 1024)."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if not m or float(m.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"invalid size {text!r}: use e.g. 3G, 200M, 512K or a byte count")
    mult = 1024 ** ("KMGT".index(m.group(2)) + 1) if m.group(2) else 1
    return int(float(m.group(1)) * mult)


def image_format(data):
    """Format name from magic bytes, or None when the bytes are not a recognised image."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:2] == b"BM" and len(data) > 26:
        return "bmp"
    return None


def usable_image(data):
    """A recognised image that is not visibly truncated (the sample holds deliberate bad records)."""
    fmt = image_format(data)
    if fmt == "png":
        return data.rstrip(b"\0").endswith(b"IEND\xaeB`\x82")
    if fmt == "jpeg":
        return b"\xff\xd9" in data[-64:]
    return fmt is not None


def is_image_json(path):
    name = os.path.basename(path)
    return name.endswith(".json") and "_instructions" not in name and not name.endswith("_train.json")


def images_from_sample(pattern):
    """Decoded images from the bundled sample's image files (small; loaded whole)."""
    found = []
    for path in sorted(glob.glob(pattern)):
        if not is_image_json(path):
            continue
        with open(path, encoding="utf-8") as f:
            obj = json.load(f)
        if not isinstance(obj, dict):
            continue
        for key in sorted(obj):
            value = obj[key]
            if not isinstance(value, str):
                continue
            try:
                data = base64.b64decode(value.replace("\r", "").replace("\n", ""), validate=True)
            except ValueError:
                continue
            if usable_image(data):
                found.append((f"{path}#{key}", data))
    return found


def images_from_paths(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs.sort()
                files.extend(os.path.join(root, n) for n in sorted(names))
        elif os.path.isfile(p):
            files.append(p)
        else:
            sys.exit(f"gen_images: --source-images {p}: no such file or directory")
    found = []
    for path in files:
        with open(path, "rb") as f:
            if not image_format(f.read(16) + b"\0" * 16):
                continue
            f.seek(0)
            data = f.read()
        if usable_image(data):
            found.append((path, data))
    return found


def load_sources(args):
    if args.source_images:
        found = images_from_paths(args.source_images)
        origin = "--source-images " + " ".join(args.source_images)
    else:
        found = images_from_sample(args.sample_glob)
        origin = args.sample_glob
    if args.max_image_bytes:
        found = [(n, d) for n, d in found if len(d) <= args.max_image_bytes]
    # Same bytes twice add nothing: keep the first of each.
    seen, unique = set(), []
    for name, data in found:
        if data not in seen:
            seen.add(data)
            unique.append((name, data))
    if not unique:
        sys.exit(
            f"gen_images: no real images found in {origin}. Build the sample first, or pass "
            "--source-images with JPEG/PNG files or directories holding them."
        )
    return unique, origin


def make_unique(data, n):
    """data with a comment carrying n: a JPEG COM segment after SOI, a PNG tEXt chunk after IHDR."""
    note = b"mimicit-bench %d" % n
    if data[:2] == b"\xff\xd8":
        return data[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + data[2:]
    body = b"tEXt" + b"Comment\x00" + note
    chunk = (len(body) - 4).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    return data[:33] + chunk + data[33:]  # 8-byte signature + 25-byte IHDR chunk


def generate(args):
    sources, origin = load_sources(args)
    if args.unique:
        sources = [(n, d) for n, d in sources if d[:2] == b"\xff\xd8" or d[:8] == b"\x89PNG\r\n\x1a\n"]
        if not sources:
            sys.exit("gen_images.py: --unique needs JPEG or PNG source images")
    encoded = [base64.b64encode(data) for _, data in sources]
    rng = random.Random(args.seed)
    task = args.task.encode("ascii")

    task_dir = os.path.join(args.out, args.task)
    os.makedirs(task_dir, exist_ok=True)
    final_path = os.path.join(task_dir, f"{args.task}.json")
    # Not *.json while incomplete, so a reader of the folder never takes a half-written file.
    tmp_path = os.path.join(task_dir, f".{args.task}.json.partial")

    target = args.size
    written = records = videos = 0
    decoded_total = 0
    order = list(range(len(encoded)))
    pos = len(order)
    used_uuids = set()
    started = time.monotonic()
    with open(tmp_path, "wb", buffering=0) as f:
        parts = [b"{"]
        pending = 1
        while written + pending < target or records == 0:
            # One synthetic video: a uuid and a run of consecutive frames.
            vid = uuid.UUID(int=rng.getrandbits(128), version=4)
            while vid in used_uuids:
                vid = uuid.UUID(int=rng.getrandbits(128), version=4)
            used_uuids.add(vid)
            videos += 1
            prefix = task + b"_IMG_" + str(vid).encode("ascii") + b"_"
            for frame in range(rng.randint(20, 400)):
                if pos == len(order):
                    rng.shuffle(order)
                    pos = 0
                idx = order[pos]
                pos += 1
                if args.unique:
                    raw = make_unique(sources[idx][1], records)
                    b64 = base64.b64encode(raw)
                    decoded_total += len(raw) - len(sources[idx][1])
                else:
                    b64 = encoded[idx]
                sep = b", " if records else b""
                parts.append(b'%s"%s%08d": "' % (sep, prefix, frame))
                parts.append(b64)
                parts.append(b'"')
                pending += len(sep) + len(prefix) + 8 + 5 + len(b64)
                records += 1
                decoded_total += len(sources[idx][1])
                if pending >= FLUSH_BYTES:
                    f.write(b"".join(parts))
                    written += pending
                    parts, pending = [], 0
                if written + pending >= target:
                    break
        parts.append(b"}")
        pending += 1
        f.write(b"".join(parts))
        written += pending
        if args.fsync:
            os.fsync(f.fileno())
    os.replace(tmp_path, final_path)
    elapsed = time.monotonic() - started

    summary = {
        "file": final_path,
        "task": args.task,
        "records": records,
        "bytes": os.path.getsize(final_path),
        "target_bytes": target,
        "decoded_image_bytes": decoded_total,
        "videos": videos,
        "distinct_source_images": len(sources),
        "source": origin,
        "seed": args.seed,
        "seconds": round(elapsed, 2),
        "mb_per_s": round(written / (1 << 20) / elapsed, 1) if elapsed > 0 else None,
    }
    print(json.dumps(summary))
    return summary


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Stream a MIMIC-IT images file {image_id: base64} of a given size from real images.")
    p.add_argument("--out", required=True, help="output root; writes OUT/<TASK>/<TASK>.json")
    p.add_argument("--task", default="E4D", help="task name (folder and id prefix), default E4D")
    p.add_argument("--size", required=True, type=parse_size,
                   help="target file size, e.g. 3G, 200M, 512K (powers of 1024) or a byte count; "
                        "the file stops at the first record that reaches it")
    p.add_argument("--source-images", nargs="+", metavar="PATH",
                   help="real image files or directories (recursive) to take bytes from; "
                        "default: the images of the bundled sample")
    p.add_argument("--sample-glob", default=DEFAULT_SAMPLE_GLOB, help=argparse.SUPPRESS)
    p.add_argument("--max-image-bytes", type=parse_size, default=0,
                   help="skip source images larger than this (default: no limit)")
    p.add_argument("--seed", type=int, default=42, help="random seed (ids and order), default 42")
    p.add_argument("--fsync", action="store_true", help="fsync the file before renaming it into place")
    p.add_argument("--unique", action="store_true",
                   help="make every record's bytes distinct (JPEG/PNG sources only; see above)")
    args = p.parse_args(argv)
    generate(args)


if __name__ == "__main__":
    main()
