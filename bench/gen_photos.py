#!/usr/bin/python3
"""Generates full-size photographs (JPEG) for the convert-sources benchmark.

  /usr/bin/python3 bench/gen_photos.py --source DIR --out DIR [--count 240] [--seed 42]

Needs Debian's python3-pil. Each output is a real photograph from --source (the mate-backgrounds
nature photos, 1280x1024 to 2560x1920) made into a camera-sized picture: a random crop of 70-100%
of its area, flipped half of the time, resized with Lanczos to 3000x2000 (60%), 2000x3000
portrait (20%) or 4032x3024 (20%), brightness and colour jittered by up to 10%, with zero-mean
Gaussian sensor noise (sigma 4 per channel, so the detail, and so the JPEG decode cost, is that of
a camera picture rather than of a smooth upscale), saved as baseline JPEG quality 92, 4:2:0.
Deterministic for a seed; files already there are kept. Prints a JSON summary.
"""
import argparse
import glob
import json
import os
import random
from concurrent.futures import ProcessPoolExecutor

from PIL import Image, ImageChops, ImageEnhance

SIZES = [(3000, 2000)] * 3 + [(2000, 3000), (4032, 3024)]


def make(job):
    i, src, seed, out = job
    path = os.path.join(out, f"photo_{i:05d}.jpg")
    if os.path.exists(path):  # deterministic: a file already made is the same file
        with Image.open(path) as done:
            return os.path.getsize(path), done.width * done.height
    rnd = random.Random(seed * 100003 + i)
    img = Image.open(src).convert("RGB")
    w, h = rnd.choice(SIZES)
    share = rnd.uniform(0.7, 1.0) ** 0.5
    aspect = w / h
    cw = min(img.width, int(img.width * share))
    ch = int(cw / aspect)
    if ch > img.height:
        ch = int(img.height * share)
        cw = int(ch * aspect)
    x = rnd.randint(0, img.width - cw)
    y = rnd.randint(0, img.height - ch)
    img = img.crop((x, y, x + cw, y + ch))
    if rnd.random() < 0.5:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    img = img.resize((w, h), Image.LANCZOS)
    img = ImageEnhance.Brightness(img).enhance(rnd.uniform(0.9, 1.1))
    img = ImageEnhance.Color(img).enhance(rnd.uniform(0.9, 1.1))
    noise = Image.merge("RGB", [Image.effect_noise((w, h), 4) for _ in range(3)])
    img = ImageChops.add(img, noise, 1.0, -128)
    img.save(path + ".partial", "JPEG", quality=92, subsampling=2)
    os.replace(path + ".partial", path)
    return os.path.getsize(path), w * h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=240)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    sources = sorted(glob.glob(os.path.join(args.source, "*.jpg")))
    if not sources:
        raise SystemExit(f"gen_photos.py: no *.jpg under {args.source}")
    os.makedirs(args.out, exist_ok=True)
    random.seed(args.seed)
    jobs = [(i, sources[i % len(sources)], args.seed, args.out) for i in range(args.count)]
    with ProcessPoolExecutor(os.cpu_count()) as ex:
        done = list(ex.map(make, jobs))
    print(json.dumps({"files": len(done), "bytes": sum(d[0] for d in done),
                      "megapixels": round(sum(d[1] for d in done) / 1e6, 1),
                      "sources": len(sources), "seed": args.seed}))


if __name__ == "__main__":
    main()
