#!/usr/bin/env python3
"""The original tooling's approach, as the baseline our conversion is timed against.

Loads the whole file with json.load (as Otter's loaders and Convert-It's consumers do), then
  --kind images:        base64-decodes every value (counts the bytes, keeps nothing);
  --kind instructions:  iterates data's records and touches every field.
It parses only and writes nothing. Prints one JSON line on stdout:
  {"file", "kind", "bytes", "records", "load_seconds", "process_seconds", "seconds", ...}
`seconds` is measured inside the script (interpreter start-up excluded); run it under
/usr/bin/time -v for wall time including start-up and for peak RSS (bench/run.sh does).
"""
import argparse
import base64
import json
import os
import time


def run(path, kind):
    started = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    loaded = time.perf_counter()

    result = {"file": path, "kind": kind, "bytes": os.path.getsize(path)}
    if kind == "images":
        records = decoded = 0
        for v in d.values():
            decoded += len(base64.b64decode(v))
            records += 1
        result.update(records=records, decoded_bytes=decoded)
    else:
        records = chars = ids = 0
        for ins_id, r in d["data"].items():
            chars += len(r["instruction"]) + len(r["answer"])
            ids += len(r["image_ids"]) + len(r["rel_ins_ids"])
            records += 1
        result.update(records=records, text_chars=chars, ids=ids)
    done = time.perf_counter()

    result.update(
        load_seconds=round(loaded - started, 3),
        process_seconds=round(done - loaded, 3),
        seconds=round(done - started, 3),
    )
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description="json.load baseline for MIMIC-IT files (parses, writes nothing).")
    p.add_argument("file", help="an images file (<TASK>.json) or an instructions file (<TASK>_instructions.json)")
    p.add_argument("--kind", required=True, choices=("images", "instructions"))
    args = p.parse_args(argv)
    print(json.dumps(run(args.file, args.kind)), flush=True)


if __name__ == "__main__":
    main()
