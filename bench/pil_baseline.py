#!/usr/bin/python3
"""The original Convert-It image processing, as the baseline of bench/convert_sources.sh.

  /usr/bin/python3 bench/pil_baseline.py DIR [--workers N]

For every *.jpg in DIR, in a ThreadPoolExecutor with as many workers as cores (as Convert-It's
--num_threads): Image.open, convert("RGB"), resize((224, 224), Image.LANCZOS), save as PNG into
memory. Keeps the PNG bytes (Convert-It holds every image until it writes its JSON) and writes
nothing. Prints one JSON line: images, seconds (in-script, start-up excluded), images_per_second.
Run it with Debian's /usr/bin/python3 and python3-pil (libjpeg-turbo).
"""
import argparse
import glob
import io
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import PIL
from PIL import Image, features


def convert(path):
    img = Image.open(path).convert("RGB")
    img = img.resize((224, 224), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(args.dir, "*.jpg")))
    start = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as ex:
        out = list(ex.map(convert, files))
    seconds = time.perf_counter() - start
    print(json.dumps({"images": len(out), "png_bytes": sum(len(b) for b in out),
                      "seconds": round(seconds, 3),
                      "images_per_second": round(len(out) / seconds, 2),
                      "workers": args.workers, "pillow": PIL.__version__,
                      "libjpeg_turbo": features.check_feature("libjpeg_turbo")}))


if __name__ == "__main__":
    main()
