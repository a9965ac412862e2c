#!/usr/bin/env python3
"""Builds the bundled MIMIC-IT sample (sample/mimicit/) from real photographs.

Inputs
  --src DIR   unpacked Debian packages, one folder per package (what make_sample.sh
              prepares): DIR/mate-backgrounds/, DIR/python3-skimage/,
              DIR/plasma-workspace-wallpapers/ (each the output of `dpkg-deb -x`).
  src/instructions.json (next to this script): the hand-written instruction-response
              text, the picture groups and the question types.

Output
  --out DIR   default: sample/mimicit next to this script, in the MIMIC-IT release layout:
              LA/LA.json LA/LA_instructions.json LA/LA_train.json
              DC/DC.json DC/DC_instructions.json
              SD/SD_general.json SD/SD_subtle.json SD/SD_instructions.json

Image processing is done by ImageMagick 6 (`convert`, default /usr/bin/convert, override
with $MAGICK_CONVERT); everything else is the Python standard library. Photos are
downscaled (max side 256 px; video frames 224x224), JPEG quality 80, metadata stripped, so
the output is byte-for-byte repeatable with the same ImageMagick version.

`--check` only validates an existing output folder (JSON parses, ids resolve, images decode).
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CONVERT = os.environ.get("MAGICK_CONVERT", "/usr/bin/convert")

MATE = "mate-backgrounds/usr/share/backgrounds/mate/nature/"
SKIMAGE = "python3-skimage/usr/lib/python3/dist-packages/skimage/data/"
PLASMA = "plasma-workspace-wallpapers/usr/share/wallpapers/"


def plasma(name):
    return PLASMA + name + "/contents/images/2560x1600.jpg"


# ---------------------------------------------------------------------------------------------
# Picture recipes. Every source file is listed with its licence in ../LICENSES.md.
# ---------------------------------------------------------------------------------------------

# LA: still photos, one picture each, max side 256 px.  (name, source path, format)
LA_IMAGES = [
    ("astronaut", SKIMAGE + "astronaut.png", "png"),
    ("chelsea", SKIMAGE + "chelsea.png", "png"),
    ("coffee", SKIMAGE + "coffee.png", "jpeg"),
    ("rocket", SKIMAGE + "rocket.jpg", "jpeg"),
    ("camera", SKIMAGE + "camera.png", "jpeg"),  # stays a one-channel (grayscale) JPEG
    ("hubble", SKIMAGE + "hubble_deep_field.jpg", "jpeg"),
    ("ladybird", MATE + "LadyBird.jpg", "jpeg"),
    ("marigold", MATE + "Garden.jpg", "jpeg"),
    ("dandelion", MATE + "TwoWings.jpg", "jpeg"),
    ("dune", MATE + "Dune.jpg", "jpeg"),
    ("waterdrop", MATE + "Aqua.jpg", "jpeg"),
    ("yellowflower", MATE + "YellowFlower.jpg", "jpeg"),
    ("forestpath", plasma("Path"), "jpeg"),
    ("jetty", plasma("BytheWater"), "jpeg"),
]

# LA deliberate bad image entries (see README.md): value is written verbatim.
LA_BAD_IMAGES = [
    # not valid base64 at all ('*' and '!' are outside the alphabet) -> invalid_base64
    ("LA_IMG_broken", "not*base64!"),
    # valid base64, but the bytes are plain text, not an image -> not_an_image
    ("LA_IMG_textfile", base64.b64encode(
        b"This is a plain text file, not a picture. It was put here on purpose so that "
        b"convert-images has a not_an_image record to reject.\n").decode("ascii")),
]

# DC: each "video" is a slow pan over ONE photo: square crops moving across it, each resized
# to 224x224. (video id, source, [(x, y, side) of the first crop], [(x, y, side) of the last
# crop], number of frames). Coordinates are in source pixels; crops are interpolated linearly.
DC_VIDEOS = [
    ("v_Lk3uE9x_bQw", plasma("EveningGlow"), (0, 430, 1100), (1460, 430, 1100), 8),
    ("v_r2T-8pZmHcY", MATE + "Storm.jpg", (0, 0, 900), (1000, 380, 900), 7),
]
DC_FRAME = 224

# SD: pairs <n>_1 / <n>_2. The second picture is either a second real photo (the stereo
# pair) or the first one with an ImageMagick edit applied at 512 px width, then both are
# downscaled to max side 256.  (set, n, source(s), edit, format)
SD_PAIRS = [
    ("general", 1, (SKIMAGE + "motorcycle_left.png", SKIMAGE + "motorcycle_right.png"), None, "png"),
    ("general", 2, plasma("Kite"),
     # the kite is painted out: its box is refilled from the surrounding sky
     # (normalised-convolution fill: blur(image*mask) / blur(mask))
     {"fill": {"box": (327, 94, 369, 135), "sigma": 10}}, "png"),
    ("general", 3, plasma("OneStandsOut"),
     # the single orange moss star is recoloured green like the others
     {"recolour": {"box": (300, 128, 372, 192), "hue_lo": 0.0, "hue_hi": 0.16,
                   "sat_min": 0.30, "modulate": "92,55,140"}}, "png"),
    ("general", 4, plasma("FallenLeaf"),
     # the sharp maple leaf in the foreground is blurred (out of focus)
     {"blur": {"box": (262, 94, 484, 260), "sigma": 5}}, "png"),
    ("subtle", 5, MATE + "RainDrops.jpg",
     # one water drop on the leaf is covered by a patch of the same leaf
     {"patch": {"size": (28, 28), "from": (284, 205), "to": (259, 203), "feather": 2}}, "jpeg"),
    ("subtle", 6, plasma("ColorfulCups"),
     # one blue cup, just below and right of the centre, is recoloured teal-green
     {"ellipse_hue": {"centre": (273, 238), "radii": (66, 58), "modulate": "100,100,82"}}, "jpeg"),
]

# SHA-256 of every source file as shipped in the package versions named in make_sample.sh and
# ../LICENSES.md. A different package version still builds, with a warning.
SOURCE_SHA256 = {
    MATE + "Aqua.jpg": "5c30118205982da441bf7e6a1ada636a8a0be879408140b3148280c665ed6bce",
    MATE + "Dune.jpg": "8a67c2cb0be8c46b70c237311a4fa4d2b4ac7d39568135384787801fa5cc9a91",
    MATE + "Garden.jpg": "d3095ee09d425ef23d27155412136cf14fc3c9af76ca58b452f55e23da324e78",
    MATE + "LadyBird.jpg": "e35a9a4126ef969c90b29c038058c5a575a20eadd84106a37bf1fa9931e7b61d",
    MATE + "RainDrops.jpg": "3e4ea9671c28c90a86cf67b3db9daf18c4741587c596333a7529ca589aaa0c16",
    MATE + "Storm.jpg": "77ca53077831d3237f73393a91fc879158abc046d852941c26e90de336356957",
    MATE + "TwoWings.jpg": "665e5abf8a5399070a91a9a8e455fe071e5b61697ff78fdeda4e9843ef545aeb",
    MATE + "YellowFlower.jpg": "254da96256acb7add685679775a04d1e4a5bc8cd13e5a5a3d61351ce198a5306",
    SKIMAGE + "astronaut.png": "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
    SKIMAGE + "camera.png": "b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a",
    SKIMAGE + "chelsea.png": "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
    SKIMAGE + "coffee.png": "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7",
    SKIMAGE + "hubble_deep_field.jpg": "3a19c5dd8a927a9334bb1229a6d63711b1c0c767fb27e2286e7c84a3e2c2f5f4",
    SKIMAGE + "motorcycle_left.png": "db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179",
    SKIMAGE + "motorcycle_right.png": "5fc913ae870e42a4b662314bc904d1786bcad8e2f0b9b67dba5a229406357797",
    SKIMAGE + "rocket.jpg": "c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c",
    plasma("BytheWater"): "c272434ef39f2abf1ed48a15a8910088020f3165329a5092f3940ec9464bc05f",
    plasma("ColorfulCups"): "6e0f3a72feb5a4a9fec191b77e34874c3c69e2d93040deb3f07773e73385023d",
    plasma("EveningGlow"): "586682dcb362b9f620068f10138f87d0d3649939aef238adc5807cb951976a7a",
    plasma("FallenLeaf"): "95603a6560c7e8d50e0e03b3f4adbe39c5258c72528e74e4ecaea1daf4e499de",
    plasma("Kite"): "bdca288ce296a981e80659c021cf707caddc702c0c8d4247e60bd618476d47f8",
    plasma("OneStandsOut"): "cb507baf1dafdcae362264f3aba9483ed4be5f6c9fdd770f0ec0920c6d9e80fd",
    plasma("Path"): "7477457d7f17b736259f1b021864778ad4ba802cf3214e6728181ff29126bba8",
}

LA_MAX = 256
SD_MAX = 256
JPEG_QUALITY = "80"
PNG_OPTS = ["-define", "png:exclude-chunks=date,time", "-define", "png:compression-level=9"]


def run(args):
    subprocess.run([CONVERT] + [str(a) for a in args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def out_opts(fmt):
    if fmt == "png":
        return ["-strip"] + PNG_OPTS
    return ["-strip", "-quality", JPEG_QUALITY, "-sampling-factor", "2x2,1x1,1x1"]


def ext(fmt):
    return "png" if fmt == "png" else "jpg"


def src_path(src_root, rel):
    path = os.path.join(src_root, rel)
    if not os.path.isfile(path):
        sys.exit("missing source photo %s (run make_sample.sh, or pass --src)" % path)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if SOURCE_SHA256.get(rel) != digest:
        print("warning: %s differs from the file the sample was made from" % rel, file=sys.stderr)
    return path


def downscale(src, dst, fmt, max_side):
    # '>' only shrinks; no upscaling of the small skimage pictures that are already < max_side.
    run([src, "-resize", "%dx%d>" % (max_side, max_side)] + out_opts(fmt) + [dst])


def pan_frames(src, dst_pattern, first, last, n):
    paths = []
    for i in range(n):
        t = i / (n - 1)
        x, y, side = (round(a + (b - a) * t) for a, b in zip(first, last))
        dst = dst_pattern % i
        run([src, "-crop", "%dx%d+%d+%d" % (side, side, x, y), "+repage",
             "-resize", "%dx%d!" % (DC_FRAME, DC_FRAME)] + out_opts("jpeg") + [dst])
        paths.append(dst)
    return paths


def edit(base, dst, spec, tmp):
    """Applies the SD edit(s) in spec to base (a 512 px wide PNG) and writes dst (PNG)."""
    if isinstance(spec, list):
        step = base
        for i, one in enumerate(spec):
            out = dst if i == len(spec) - 1 else os.path.join(tmp, "step%d.png" % i)
            edit(step, out, one, tmp)
            step = out
        return
    kind, p = next(iter(spec.items()))
    if kind == "patch":
        w, h = p["size"]
        fx, fy = p["from"]
        tx, ty = p["to"]
        f = p["feather"]
        # soft-edged patch: copy a region, feather its alpha, paste it over the target
        run([base, "(", "+clone", "-crop", "%dx%d+%d+%d" % (w, h, fx, fy), "+repage",
             "(", "-size", "%dx%d" % (w, h), "xc:black", "-fill", "white", "-draw",
             "roundrectangle %d,%d %d,%d %d,%d" % (f, f, w - 1 - f, h - 1 - f, 2 * f, 2 * f),
             "-blur", "0x%s" % (f * 0.6), ")",
             "-alpha", "off", "-compose", "CopyOpacity", "-composite", ")",
             "-geometry", "+%d+%d" % (tx, ty), "-compose", "Over", "-composite", dst])
    elif kind == "fill":
        x0, y0, x1, y1 = p["box"]
        mask, num, den, fill = (os.path.join(tmp, n) for n in ("m.png", "n.png", "d.png", "f.png"))
        run([base, "-fill", "white", "-colorize", "100", "-fill", "black",
             "-draw", "rectangle %d,%d %d,%d" % (x0, y0, x1, y1), mask])
        run([base, mask, "-compose", "Multiply", "-composite", "-blur", "0x%s" % p["sigma"], num])
        run([mask, "-blur", "0x%s" % p["sigma"], den])
        run([num, den, "-compose", "Divide_Src", "-composite", fill])
        run([fill, base, "(", mask, "-blur", "0x1.5", ")", "-compose", "Over", "-composite", dst])
    elif kind == "recolour":
        x0, y0, x1, y1 = p["box"]
        mask = os.path.join(tmp, "mask.png")
        run([base, "-fx",
             "(i>=%d && i<%d && j>=%d && j<%d && hue>=%s && hue<=%s && saturation>=%s) ? 1 : 0"
             % (x0, x1, y0, y1, p["hue_lo"], p["hue_hi"], p["sat_min"]),
             "-morphology", "Dilate", "Disk:1.5", "-blur", "0x1", mask])
        run([base, "(", "+clone", "-modulate", p["modulate"], ")", mask, "-composite", dst])
    elif kind == "blur":
        x0, y0, x1, y1 = p["box"]
        run([base, "-region", "%dx%d+%d+%d" % (x1 - x0, y1 - y0, x0, y0),
             "-blur", "0x%s" % p["sigma"], "+region", dst])
    elif kind == "ellipse_hue":
        (cx, cy), (rx, ry) = p["centre"], p["radii"]
        run([base, "(", "+clone", "-modulate", p["modulate"], ")",
             "(", "+clone", "-fill", "black", "-colorize", "100", "-fill", "white", "-draw",
             "ellipse %d,%d %d,%d 0,360" % (cx, cy, rx, ry), "-blur", "0x2", ")",
             "-composite", dst])
    else:
        raise ValueError("unknown edit " + kind)


def b64(path):
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode("ascii")


def build_images(src_root, tmp):
    """Returns {task file name: [(image_id, base64 or verbatim value)]} and the frame ids."""
    files = {}
    la = []
    for name, rel, fmt in LA_IMAGES:
        dst = os.path.join(tmp, "LA_IMG_%s.%s" % (name, ext(fmt)))
        downscale(src_path(src_root, rel), dst, fmt, LA_MAX)
        la.append(("LA_IMG_" + name, b64(dst)))
    # the two bad entries go in the middle of the file, not at an edge
    files["LA/LA.json"] = la[:7] + LA_BAD_IMAGES[:1] + la[7:11] + LA_BAD_IMAGES[1:] + la[11:]

    dc, videos = [], {}
    for vid, rel, first, last, n in DC_VIDEOS:
        pattern = os.path.join(tmp, "DC_IMG_%s_%%04d.jpg" % vid)
        paths = pan_frames(src_path(src_root, rel), pattern, first, last, n)
        ids = ["DC_IMG_%s_%04d" % (vid, i) for i in range(n)]
        videos[vid] = ids
        dc += [(i, b64(p)) for i, p in zip(ids, paths)]
    files["DC/DC.json"] = dc

    sd = {"general": [], "subtle": []}
    for subset, n, rel, spec, fmt in SD_PAIRS:
        stem = "SD_IMG_%05d" % n
        one = os.path.join(tmp, "%s_1.%s" % (stem, ext(fmt)))
        two = os.path.join(tmp, "%s_2.%s" % (stem, ext(fmt)))
        if spec is None:
            downscale(src_path(src_root, rel[0]), one, fmt, SD_MAX)
            downscale(src_path(src_root, rel[1]), two, fmt, SD_MAX)
        else:
            base = os.path.join(tmp, stem + "_base.png")
            edited = os.path.join(tmp, stem + "_edited.png")
            run([src_path(src_root, rel), "-resize", "512x512>", base])
            edit(base, edited, spec, tmp)
            downscale(base, one, fmt, SD_MAX)
            downscale(edited, two, fmt, SD_MAX)
        sd[subset] += [(stem + "_1", b64(one)), (stem + "_2", b64(two))]
    files["SD/SD_general.json"] = sd["general"]
    files["SD/SD_subtle.json"] = sd["subtle"]
    return files, videos


# ---------------------------------------------------------------------------------------------
# Instruction files
# ---------------------------------------------------------------------------------------------

def load_text():
    with open(os.path.join(HERE, "src", "instructions.json"), encoding="utf-8") as f:
        return json.load(f)


def record(instruction, answer, image_ids, rel_ins_ids, omit=()):
    rec = {"instruction": instruction, "answer": answer,
           "image_ids": image_ids, "rel_ins_ids": rel_ins_ids}
    for field in omit:
        del rec[field]
    return rec


def build_la(text):
    """Returns (ordered list of (ins_id, record) INCLUDING the duplicate, train dict)."""
    la = text["LA"]
    groups = la["groups"]
    recs = la["records"]
    known = {name for name, _, _ in LA_IMAGES}
    for r in recs:
        assert r["image"] in known, r
    by_image = {}
    for r in recs:
        by_image.setdefault(r["image"], []).append(r["id"])

    def related(r):
        # other pairs about the same picture first, then pairs about similar pictures
        same = [i for i in by_image[r["image"]] if i != r["id"]]
        similar = [s["id"] for s in recs
                   if s["image"] != r["image"] and set(groups[s["image"]]) & set(groups[r["image"]])]
        return (same + similar)[:5]

    pairs = []
    for r in recs:
        rec = record(r["instruction"], r.get("answer"), ["LA_IMG_" + r["image"]], related(r),
                     r.get("omit", ()))
        if r["id"] == la["duplicate"]["id"]:
            wrong = dict(rec, answer=la["duplicate"]["answer"])
            pairs.append((r["id"], wrong))      # first occurrence: the stale draft
            correct = (r["id"], rec)            # written again at the very end
        else:
            pairs.append((r["id"], rec))
    pairs.append(correct)

    # LA_train.json groups by question type instead of by picture: the next (up to) five
    # pairs of the same type, cyclically. The rejected LA_INS_09001 is left out.
    valid = [r for r in recs if not r.get("omit")]
    train = {}
    for r in valid:
        same_type = [s["id"] for s in valid if s["type"] == r["type"]]
        k = same_type.index(r["id"])
        train[r["id"]] = [same_type[(k + j) % len(same_type)]
                          for j in range(1, min(6, len(same_type)))]
    return pairs, train


def build_dc(text, videos):
    data, n = {}, 0
    for vid, items in text["DC"]["videos"].items():
        ids = ["DC_INS_%05d" % (n + i + 1) for i in range(len(items))]
        n += len(items)
        for ins_id, it in zip(ids, items):
            data[ins_id] = record(it["instruction"], it["answer"], videos[vid],
                                  [i for i in ids if i != ins_id])
    return data


def build_sd(text):
    data, n = {}, 0
    for pair, items in text["SD"]["pairs"].items():
        stem = "SD_IMG_%05d" % int(pair)
        ids = ["SD_INS_%05d" % (n + i + 1) for i in range(len(items))]
        n += len(items)
        for ins_id, it in zip(ids, items):
            data[ins_id] = record(it["instruction"], it["answer"], [stem + "_1", stem + "_2"],
                                  [i for i in ids if i != ins_id])
    return data


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_outputs(out, images, la_pairs, la_train, dc, sd, meta):
    # image files: one JSON object on one line, as json.dump writes it
    for rel, entries in images.items():
        write(os.path.join(out, rel), json.dumps(dict(entries)) + "\n")

    # LA: meta first, non-ASCII escaped (json.dump's default), one record per line, and one
    # key twice, so it is serialised by hand
    lines = ["        %s: %s" % (json.dumps(k), json.dumps(v)) for k, v in la_pairs]
    write(os.path.join(out, "LA", "LA_instructions.json"),
          '{\n    "meta": %s,\n    "data": {\n%s\n    }\n}\n' % (json.dumps(meta), ",\n".join(lines)))
    write(os.path.join(out, "LA", "LA_train.json"), json.dumps(la_train, indent=4) + "\n")

    # DC: data BEFORE meta, raw UTF-8, pretty-printed
    write(os.path.join(out, "DC", "DC_instructions.json"),
          json.dumps({"data": dc, "meta": meta}, indent=2, ensure_ascii=False) + "\n")

    # SD: meta first, raw UTF-8, everything on one line
    write(os.path.join(out, "SD", "SD_instructions.json"),
          json.dumps({"meta": meta, "data": sd}, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

# Deliberate bad records and the reason code the pipeline must give them (see README.md).
EXPECTED_BAD_IMAGES = {"LA_IMG_broken": "invalid_base64", "LA_IMG_textfile": "not_an_image"}
EXPECTED_BAD_INSTRUCTIONS = {"LA_INS_09001": "missing_field"}
EXPECTED_DUPLICATES = {"LA": ["LA_INS_00015"]}
MAX_BYTES = 3 * 1024 * 1024


def image_info(data):
    """(format, width, height) from the header bytes, or None if not a JPEG/PNG."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png", int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:3] == b"\xff\xd8\xff":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            size = int.from_bytes(data[i + 2:i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                return ("jpeg", int.from_bytes(data[i + 7:i + 9], "big"),
                        int.from_bytes(data[i + 5:i + 7], "big"))
            i += 2 + size
    return None


def check(out):
    problems, summary = [], {}

    def problem(msg):
        problems.append(msg)

    for task in sorted(os.listdir(out)):
        folder = os.path.join(out, task)
        if not os.path.isdir(folder):
            continue
        images, bad_seen, duplicates = {}, {}, []
        data, train, meta_first = None, None, None
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            dups = []

            def hook(pairs, dups=dups):
                seen = set()
                for k, _ in pairs:
                    if k in seen:
                        dups.append(k)
                    seen.add(k)
                return dict(pairs)

            with open(path, encoding="utf-8") as f:
                doc = json.load(f, object_pairs_hook=hook)  # fails loudly if not JSON
            if "_instructions" in name:
                data = doc["data"]
                meta_first = list(doc)[0] == "meta"
                duplicates += [d for d in dups if d.startswith(task + "_INS_")]
            elif name.endswith("_train.json"):
                train = doc
            else:
                for image_id, value in doc.items():
                    try:
                        raw = base64.b64decode(value, validate=True)
                    except ValueError:
                        bad_seen[image_id] = "invalid_base64"
                        continue
                    info = image_info(raw)
                    if info is None:
                        bad_seen[image_id] = "not_an_image"
                        continue
                    images[image_id] = info
        expected_bad = {k: v for k, v in EXPECTED_BAD_IMAGES.items() if k.startswith(task + "_")}
        if bad_seen != expected_bad:
            problem("%s: bad images %s, expected %s" % (task, bad_seen, expected_bad))
        if sorted(duplicates) != sorted(EXPECTED_DUPLICATES.get(task, [])):
            problem("%s: duplicate ids %s" % (task, duplicates))
        for image_id, (fmt, w, h) in images.items():
            limit = DC_FRAME if task == "DC" else LA_MAX
            if max(w, h) > limit:
                problem("%s is %dx%d" % (image_id, w, h))
        missing_field = []
        for ins_id, rec in data.items():
            absent = [k for k in ("instruction", "answer", "image_ids", "rel_ins_ids") if k not in rec]
            if absent:
                missing_field.append(ins_id)
            for image_id in rec.get("image_ids", []):
                if image_id not in images:
                    problem("%s refers to image %s, which is missing or bad" % (ins_id, image_id))
            for rel in rec.get("rel_ins_ids", []):
                if rel not in data:
                    problem("%s refers to unknown instruction %s" % (ins_id, rel))
        expected_missing = [k for k in EXPECTED_BAD_INSTRUCTIONS if k.startswith(task + "_")]
        if sorted(missing_field) != sorted(expected_missing):
            problem("%s: records with a missing field %s" % (task, missing_field))
        if train is not None:
            valid = set(data) - set(missing_field)
            if set(train) != valid:
                problem("%s_train.json keys differ from the valid ids: %s" % (task, set(train) ^ valid))
            for k, rels in train.items():
                for rel in rels:
                    if rel not in valid:
                        problem("%s_train.json: %s -> unknown %s" % (task, k, rel))
            differing = sum(1 for k in train if train[k] != data[k]["rel_ins_ids"])
        formats = {}
        for fmt, _, _ in images.values():
            formats[fmt] = formats.get(fmt, 0) + 1
        summary[task] = {
            "images_ok": len(images), "images_bad": len(bad_seen), "formats": formats,
            "instruction_keys": len(data), "duplicate_keys": len(duplicates),
            "missing_field": len(missing_field), "meta_first": meta_first,
        }
        if train is not None:
            summary[task]["train_keys"] = len(train)
            summary[task]["train_differs_from_rel_ins_ids"] = differing
    total = 0
    for root, _, names in os.walk(os.path.dirname(os.path.abspath(out))):
        for n in names:
            total += os.path.getsize(os.path.join(root, n))
    summary["sample_bytes"] = total
    if total >= MAX_BYTES:
        problem("sample/ is %d bytes, over %d" % (total, MAX_BYTES))
    return problems, summary


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default="/tmp/mimicit-sample-work",
                    help="folder with the unpacked Debian packages (see make_sample.sh)")
    ap.add_argument("--out", default=os.path.join(HERE, "mimicit"))
    ap.add_argument("--check", action="store_true", help="only validate --out")
    args = ap.parse_args()
    if not args.check:
        if not os.access(CONVERT, os.X_OK):
            sys.exit("ImageMagick not found at %s (apt-get install imagemagick, or set "
                     "MAGICK_CONVERT)" % CONVERT)
        text = load_text()
        tmp = tempfile.mkdtemp(prefix="mimicit-sample-")
        try:
            images, videos = build_images(args.src, tmp)
        finally:
            shutil.rmtree(tmp)
        la_pairs, la_train = build_la(text)
        dc = build_dc(text, videos)
        sd = build_sd(text)
        if os.path.isdir(args.out):
            shutil.rmtree(args.out)
        write_outputs(args.out, images, la_pairs, la_train, dc, sd, text["meta"])
    problems, summary = check(args.out)
    print(json.dumps(summary, indent=2))
    for root, _, names in sorted(os.walk(args.out)):
        for n in sorted(names):
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()[:16]
            print("%9d  %s  %s" % (os.path.getsize(p), digest, os.path.relpath(p, HERE)))
    if problems:
        print("\n".join(["PROBLEMS:"] + problems), file=sys.stderr)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
