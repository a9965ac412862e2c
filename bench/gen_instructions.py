#!/usr/bin/env python3
"""Generate a MIMIC-IT instructions file with any number of pairs.

Streams DIR/<TASK>/<TASK>_instructions.json in the release's format:

  {"meta": {"version": "0.0.1", "time": "2023-06", "author": "ntu"},
   "data": {"LA_INS_0000001": {"instruction": "...", "answer": "...",
                               "image_ids": ["LA_IMG_000000123456", ...],
                               "rel_ins_ids": ["LA_INS_0000002", ... 7 ids ...]}, ...}}

Text is drawn from an English word list with Zipf-like frequencies: instructions 10-25 words
ending in '?', answers 20-80 words in sentences. A small share of records (--special-share,
default 3%) carries what a JSON reader must get right: quotes and backslashes (\\" and \\\\),
newlines and tabs, accented Latin (e.g. \\u00e9), CJK, Arabic and characters outside the
BMP (surrogate pairs). By default every non-ASCII character is written as a \\uXXXX escape,
as Python's json.dump does by default (so the file is pure ASCII). --ensure-ascii mixed writes
half of the special records as raw UTF-8 instead, and --ensure-ascii no all of them. Raw
non-ASCII text makes Python's json.load hold the whole file as a 2- or 4-byte-per-character
str, about twice as slow with twice the memory, so keep the default for baseline timings.

Each record has 1-8 image ids (LA: COCO-style LA_IMG_<12 digits>; other tasks: video frames
<TASK>_IMG_v_<11 chars>_<4 digits>) and 7 rel_ins_ids naming other records of the file.
Skew on demand: --hot-relations N makes N records name the first one, --shared-frame N makes N
records show one image. Everything is deterministic for a given --seed; memory stays small
whatever --pairs is.

Example:
  bench/gen_instructions.py --out bench/data/instructions --task LA --pairs 2800000
"""
import argparse
import itertools
import json
import os
import random
import string
import sys
import time

FLUSH_BYTES = 8 << 20
SHARED_FRAME = "%s_IMG_shared_frame"

WORDS = """
the a an of and to in is on with that it for at this as by from are be there his her their
its which has have can was image picture scene man woman person people child children boy girl
group table street car dog cat horse bus train plane kitchen room wall window door building
tree sky water grass field road sign light bench chair bed food plate pizza cake sandwich
bowl cup bottle glass phone laptop computer book bag umbrella kite skateboard surfboard snow
ski beach ocean wave boat bird sheep cow elephant giraffe zebra bear clock vase toilet sink
left right top bottom middle front behind next near above below under beside between around
red blue green white black yellow brown orange gray pink purple wooden metal large small tall
short young old happy busy sunny cloudy bright dark colorful empty crowded open closed clean
holding wearing sitting standing walking riding eating playing looking watching carrying using
appears seems suggests shows depicts indicates features includes contains displays captures
because while during after before since although however also possibly likely probably
several many some few two three four five other another each every both either one
activity event moment situation environment setting area place location space background
foreground detail object item element feature color shape size pattern texture surface
video frame camera view angle shot perspective clip sequence action motion movement
what where when why how who which does could would should might may will do describe
explain identify tell notice observe consider imagine compare count determine suggest
kind type purpose reason way time day night morning evening weather season summer winter
""".split()

QUESTION_STARTS = [
    "What is", "What are", "Where is", "How many", "Why might", "Can you describe", "Describe",
    "What does", "Is there", "Who is", "How does", "What could", "Which", "Could you explain",
    "What might be", "In the video, what", "Based on the image, what", "What happens after",
]

ACCENTED = ["café", "naïve", "résumé", "crème brûlée", "jalapeño", "São Paulo", "Zürich",
            "piñata", "façade", "déjà vu", "Ångström", "smörgåsbord", "über"]
CJK = ["一个人在街上骑马", "桌子上有一只猫", "東京タワーの夜景", "電車が駅に到着する", "한국어 문장입니다",
       "公园里的孩子们在玩耍", "ラーメンを食べている男性"]
OTHER_SCRIPTS = ["مرحبا بالعالم", "Привет мир", "γειά σου κόσμε", "שלום עולם"]
ASTRAL = ["😀", "🐎", "🚲", "🎉", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𠜎𠜱"]
PUNCT_SPECIALS = ['"quoted"', "it's", "back\\slash", "C:\\path\\to\\file", "50% off", "<image>",
                  "a/b", "tab\there", "“curly” quotes", "en–dash — em dash", "ellipsis…",
                  "\u2028line-separator"]


def zipf_cum_weights(n, s=1.05):
    total, cum = 0.0, []
    for rank in range(1, n + 1):
        total += 1.0 / rank ** s
        cum.append(total)
    return cum


class TextMaker:
    def __init__(self, rng):
        self.rng = rng
        self.cum = zipf_cum_weights(len(WORDS))

    def words(self, k):
        return self.rng.choices(WORDS, cum_weights=self.cum, k=k)

    def instruction(self):
        rng = self.rng
        n = rng.randint(10, 25)
        start = rng.choice(QUESTION_STARTS)
        rest = self.words(max(1, n - len(start.split())))
        if rng.random() < 0.15:
            rest.insert(rng.randrange(len(rest) + 1), str(rng.randint(2, 1999)))
        return start + " " + " ".join(rest) + "?"

    def answer(self):
        rng = self.rng
        n = rng.randint(20, 80)
        out, left = [], n
        while left > 0:
            k = min(left, rng.randint(6, 18))
            if left - k < 4:
                k = left  # no one- or two-word tail sentence
            ws = self.words(k)
            ws[0] = ws[0].capitalize()
            if k > 8 and rng.random() < 0.3:
                ws[rng.randrange(2, k - 1)] += ","
            if rng.random() < 0.1:
                ws.insert(rng.randrange(1, len(ws) + 1), str(rng.randint(1, 100)))
            out.append(" ".join(ws) + ".")
            left -= k
        return " ".join(out)

    def special(self, text):
        """Insert 1-3 tricky pieces (escapes, non-ASCII, newlines) at word boundaries."""
        rng = self.rng
        words = text.split(" ")
        for _ in range(rng.randint(1, 3)):
            pool = rng.choice((ACCENTED, CJK, OTHER_SCRIPTS, ASTRAL, PUNCT_SPECIALS, ["\n", "\n\n", "\r\n"]))
            words.insert(rng.randrange(len(words) + 1), rng.choice(pool))
        return " ".join(words)


def image_ids(rng, task, count):
    if task == "LA":
        return [f"LA_IMG_{rng.randint(1, 581929):012d}" for _ in range(count)]
    video = "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=11))
    first = rng.randint(0, 200)
    return [f"{task}_IMG_v_{video}_{first + i:04d}" for i in range(count)]


def rel_ids(rng, index, pairs, fmt):
    """7 distinct other records near `index` (as the release's in-context neighbours are)."""
    if pairs <= 1:
        return []
    want = min(7, pairs - 1)
    lo, hi = max(1, index - 60), min(pairs, index + 60)
    chosen = set()
    while len(chosen) < want:
        j = rng.randint(lo, hi) if hi - lo >= want else rng.randint(1, pairs)
        if j != index:
            chosen.add(j)
    return [fmt % j for j in sorted(chosen)]


def generate(args):
    rng = random.Random(args.seed)
    text = TextMaker(rng)
    task = args.task
    width = max(5, len(str(args.pairs)))
    fmt = f"{task}_INS_%0{width}d"

    task_dir = os.path.join(args.out, task)
    os.makedirs(task_dir, exist_ok=True)
    final_path = os.path.join(task_dir, f"{task}_instructions.json")
    tmp_path = os.path.join(task_dir, f".{task}_instructions.json.partial")

    meta = json.dumps({"version": "0.0.1", "time": "2023-06", "author": "ntu"})
    dumps_ascii = json.JSONEncoder(ensure_ascii=True).encode
    dumps_utf8 = json.JSONEncoder(ensure_ascii=False).encode
    specials = escaped_specials = 0
    started = time.monotonic()
    written = 0
    with open(tmp_path, "wb", buffering=0) as f:
        parts = ['{"meta": ' + meta + ', "data": {' if not args.meta_last else '{"data": {']
        pending = 0
        for i in range(1, args.pairs + 1):
            instruction, answer = text.instruction(), text.answer()
            special = rng.random() < args.special_share
            if special:
                specials += 1
                if rng.random() < 0.5:
                    instruction = text.special(instruction)
                else:
                    answer = text.special(answer)
            record = {
                "instruction": instruction,
                "answer": answer,
                "image_ids": image_ids(rng, task, rng.randint(1, 8)),
                "rel_ins_ids": rel_ids(rng, i, args.pairs, fmt),
            }
            if 1 < i <= args.hot_relations + 1 and (fmt % 1) not in record["rel_ins_ids"]:
                record["rel_ins_ids"][0] = fmt % 1
            if i <= args.shared_frame:
                record["image_ids"][0] = SHARED_FRAME % task
            if args.ensure_ascii == "yes":
                escaped = True
            elif args.ensure_ascii == "no":
                escaped = False
            else:
                escaped = not special or rng.random() < 0.5
            if special and escaped:
                escaped_specials += 1
            body = (dumps_ascii if escaped else dumps_utf8)(record)
            parts.append(('"%s": %s' if i == 1 else ', "%s": %s') % (fmt % i, body))
            pending += len(parts[-1])  # characters; good enough to pace the flushes
            if pending >= FLUSH_BYTES:
                chunk = "".join(parts).encode("utf-8")
                f.write(chunk)
                written += len(chunk)
                parts, pending = [], 0
        parts.append("}}" if not args.meta_last else '}, "meta": ' + meta + "}")
        chunk = "".join(parts).encode("utf-8")
        f.write(chunk)
        written += len(chunk)
    os.replace(tmp_path, final_path)
    elapsed = time.monotonic() - started

    summary = {
        "file": final_path,
        "task": task,
        "records": args.pairs,
        "bytes": os.path.getsize(final_path),
        "special_records": specials,
        "special_records_escaped": escaped_specials,
        "seed": args.seed,
        "seconds": round(elapsed, 2),
    }
    print(json.dumps(summary))
    return summary


def main(argv=None):
    p = argparse.ArgumentParser(description="Stream a MIMIC-IT <TASK>_instructions.json with N pairs.")
    p.add_argument("--out", required=True, help="output root; writes OUT/<TASK>/<TASK>_instructions.json")
    p.add_argument("--task", default="LA", help="task name (folder and id prefix), default LA")
    p.add_argument("--pairs", required=True, type=int, help="number of instruction-response pairs")
    p.add_argument("--seed", type=int, default=42, help="random seed, default 42")
    p.add_argument("--special-share", type=float, default=0.03,
                   help="share of records with escapes / non-ASCII text, default 0.03")
    p.add_argument("--ensure-ascii", choices=("yes", "mixed", "no"), default="yes",
                   help="write non-ASCII as \\uXXXX escapes, as json.dump does (yes, the default), "
                        "as raw UTF-8 (no), or the special records half each way (mixed)")
    p.add_argument("--meta-last", action="store_true", help='write "meta" after "data"')
    p.add_argument("--hot-relations", type=int, default=0, metavar="N",
                   help="skew: records 2..N+1 name record 1 as their first relation, default 0")
    p.add_argument("--shared-frame", type=int, default=0, metavar="N",
                   help="skew: records 1..N show one image, <TASK>_IMG_shared_frame, first, default 0")
    args = p.parse_args(argv)
    if args.pairs < 1:
        sys.exit("gen_instructions: --pairs must be at least 1")
    if not 0 <= args.special_share <= 1:
        sys.exit("gen_instructions: --special-share must be between 0 and 1")
    generate(args)


if __name__ == "__main__":
    main()
