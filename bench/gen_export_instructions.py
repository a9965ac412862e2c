#!/usr/bin/env python3
"""Generate instructions for the images of a generated images file, for the export benchmark.

Reads the image ids of IMAGES (a {image_id: base64} file from gen_images.py, scanned in 8 MB
chunks without parsing the base64) and writes OUT/<TASK>/<TASK>_instructions.json in the release
format: one instruction per FRAMES consecutive frames of a video (so every image is used once and
an export carries each image's bytes once), or --per-set N of them (N instructions sharing each
frame group, as DC's instructions share their video's frames), with rel_ins_ids naming the next
three instructions.
Text comes from gen_instructions.TextMaker. Deterministic for a given --seed.

Example:
  bench/gen_export_instructions.py --images bench/data/images/E4D/E4D.json --out DIR --task E4D
"""
import argparse
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_instructions import TextMaker  # noqa: E402

KEY = re.compile(rb'"([A-Za-z0-9_\-]+)"\s*:\s*"')
CHUNK = 8 << 20


def image_ids(path):
    """The keys of a {id: base64} file, in file order; base64 never holds a quote."""
    with open(path, "rb") as f:
        tail = b""
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            data = tail + chunk
            last = 0
            for m in KEY.finditer(data):
                yield m.group(1).decode()
                last = m.end()
            # keep an unfinished key at the end for the next chunk
            quote = data.rfind(b'"', max(last, len(data) - 512))
            tail = data[quote:] if quote >= last else b""


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--images", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--task", required=True)
    p.add_argument("--frames", type=int, default=8)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--per-set", type=int, default=1,
                   help="instructions per frame group (MIMIC-IT's DC: 16 per 8-frame video)")
    args = p.parse_args()
    rng = random.Random(args.seed)
    text = TextMaker(rng)
    groups, current, video = [], [], None
    for image_id in image_ids(args.images):
        v = image_id.rsplit("_", 1)[0]
        if current and (v != video or len(current) == args.frames):
            groups.append(current)
            current = []
        current.append(image_id)
        video = v
    if current:
        groups.append(current)
    out_dir = os.path.join(args.out, args.task)
    os.makedirs(out_dir, exist_ok=True)
    groups = [g for g in groups for _ in range(args.per_set)]
    ids = [f"{args.task}_INS_{i + 1:06d}" for i in range(len(groups))]
    tmp = os.path.join(out_dir, f".{args.task}_instructions.json.partial")
    with open(tmp, "w", encoding="ascii") as f:
        f.write('{"meta": {"version": "0.0.1", "time": "2023-06", "author": "bench"}, "data": {')
        for i, (ins_id, frames) in enumerate(zip(ids, groups)):
            record = {"instruction": text.instruction(), "answer": text.answer(), "image_ids": frames,
                      "rel_ins_ids": [ids[(i + k) % len(ids)] for k in (1, 2, 3)]}
            f.write(("" if i == 0 else ", ") + json.dumps(ins_id) + ": " + json.dumps(record))
        f.write("}}")
    os.replace(tmp, os.path.join(out_dir, f"{args.task}_instructions.json"))
    print(json.dumps({"instructions": len(ids), "image_refs": sum(len(g) for g in groups)}))


if __name__ == "__main__":
    main()
