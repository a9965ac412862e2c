#!/usr/bin/env python3
"""Combine one benchmark's measurements into a result record, and print result tables.

  bench/report.py record --kind images --file F --task E4D --python PY.json [--ours OURS.json]
                         [--gen GEN.json] [--warehouse DIR] [--target 0.5] [--append results.jsonl]
      prints the record as one JSON line (and appends it to --append)
  bench/report.py table FILE.jsonl [--last N]
      prints a table of the records in FILE.jsonl

Used by bench/run.sh; see bench/README.md for the fields.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys

STATS_FILES = {"images": "convert-images.json", "instructions": "convert-instructions.json"}


def read_json(path):
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        text = f.read().strip()
    return json.loads(text) if text else None


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def java_version():
    try:
        r = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
        return (r.stderr or r.stdout).splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return None


def mem_total_mb():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def rows_out(stats, task):
    """Best effort: the output row count in the job's _stats file (its layout is the job's choice)."""
    if not isinstance(stats, dict):
        return None
    pattern = re.compile(r"^(rows_?out|rowsout|output_?rows|rows_?written|written)$", re.I)

    def search(node, depth):
        if depth > 4 or not isinstance(node, dict):
            return None
        for k, v in node.items():
            if pattern.match(str(k)) and isinstance(v, int):
                return v
        for k, v in node.items():
            if isinstance(v, dict) and str(k) in (task, "tasks", "per_task", "perTask", "by_task"):
                found = search(v, depth + 1)
                if found is not None:
                    return found
        return None

    return search(stats, 0)


def record(args):
    py = read_json(args.python)
    ours = read_json(args.ours)
    gen = read_json(args.gen)
    baseline = None
    if py and py.get("last_stdout_line"):
        try:
            baseline = json.loads(py["last_stdout_line"])
        except ValueError:
            baseline = None
    stats = None
    if ours and args.warehouse:
        stats = read_json(os.path.join(args.warehouse, "_stats", STATS_FILES[args.kind]))

    py_ok = bool(py) and py.get("exit_code") == 0 and baseline is not None
    ours_ok = bool(ours) and ours.get("exit_code") == 0
    ratio = None
    if py_ok and ours_ok and py["wall_seconds"]:
        ratio = round(ours["wall_seconds"] / py["wall_seconds"], 3)
    if ours is None:
        met = None
    else:
        met = bool(ratio is not None and ratio <= args.target)

    rec = {
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "kind": args.kind,
        "task": args.task,
        "file": args.file,
        "bytes": os.path.getsize(args.file) if os.path.exists(args.file) else None,
        "records": (baseline or {}).get("records", (gen or {}).get("records")),
        "python": {
            "wall_seconds": py and py.get("wall_seconds"),
            "max_rss_mb": py and py.get("max_rss_kb") and round(py["max_rss_kb"] / 1024, 1),
            "exit_code": py and py.get("exit_code"),
            "baseline": baseline,
            "measure": py,
        },
        "ours": None if ours is None else {
            "wall_seconds": ours.get("wall_seconds"),
            "max_rss_mb": ours.get("max_rss_kb") and round(ours["max_rss_kb"] / 1024, 1),
            "exit_code": ours.get("exit_code"),
            "peak_process": (ours.get("peak_process") or {}).get("comm"),
            "rows_out": rows_out(stats, args.task),
            "stats": stats,
            "java_opts": os.environ.get("BENCH_JAVA_OPTS"),
            "measure": ours,
        },
        "ratio": ratio,
        "target": args.target,
        "target_met": met,
        "generator": gen,
        "host": {
            "cpus": os.cpu_count(),
            "mem_total_mb": mem_total_mb(),
            "kernel": platform.release(),
            "python": platform.python_version(),
            "java": java_version(),
            "git_commit": sh(["git", "rev-parse", "--short", "HEAD"]),
            "git_dirty": bool(sh(["git", "status", "--porcelain", "--untracked-files=no"])),
        },
    }
    line = json.dumps(rec, ensure_ascii=False)
    if args.append:
        os.makedirs(os.path.dirname(os.path.abspath(args.append)), exist_ok=True)
        with open(args.append, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    print(line)


def human_bytes(n):
    if n is None:
        return "-"
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n} B"


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def secs(value):
    if value is None:
        return "-"
    return format(value, ".0f" if value >= 100 else ".1f" if value >= 10 else ".2f")


def table(args):
    rows = []
    with open(args.file, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    if args.last:
        rows = rows[-args.last:]
    header = ["file", "size", "records", "python s", "python RSS MB", "ours s", "ours RSS MB",
              "ours/python", "target", "met"]
    body = []
    notes = []
    for r in rows:
        py, ours = r.get("python") or {}, r.get("ours")
        if ours is None:
            ours_s = ours_rss = "skipped"
            met = "n/a"
        elif ours.get("exit_code") != 0:
            ours_s, ours_rss = "FAILED", fmt(ours.get("max_rss_mb"), ".0f")
            met = "no"
            notes.append(f"{r['kind']}: our command exited with {ours.get('exit_code')}; see {ours['measure'].get('log')}")
        else:
            ours_s, ours_rss = secs(ours.get("wall_seconds")), fmt(ours.get("max_rss_mb"), ".0f")
            met = "yes" if r.get("target_met") else "no"
            m = ours.get("measure") or {}
            by_comm = m.get("peak_rss_kb_by_comm") or {}
            comm = ours.get("peak_process")
            if by_comm and "java" not in by_comm and (m.get("wall_seconds") or 0) > 2:
                notes.append(f"{r['kind']}: no java process was seen in our run; the RSS is that of '{comm}'")
            elif comm and comm != "java" and "java" in by_comm and by_comm[comm] > 1.1 * by_comm["java"]:
                # (a child the JVM is forking shows the JVM's RSS for a moment under the forking
                # thread's name, e.g. 'Executor task l' before it execs chmod: not a real peak)
                notes.append(f"{r['kind']}: the largest process of our run was '{comm}' "
                             f"({by_comm[comm] // 1024} MB), not java ({by_comm['java'] // 1024} MB)")
            ro = ours.get("rows_out")
            if ro is not None and r.get("records") is not None and ro != r["records"]:
                notes.append(f"{r['kind']}: our job reports {ro} rows out, the file holds {r['records']} records")
        if py.get("exit_code") not in (0, None) or not py.get("baseline"):
            notes.append(f"{r['kind']}: the Python baseline failed (exit {py.get('exit_code')}); see "
                         f"{(py.get('measure') or {}).get('log')}")
        for side, m in (("python", py.get("measure")), ("ours", (ours or {}).get("measure"))):
            share = (m or {}).get("other_cpu_share")
            if share is not None and share > args.busy_share and (m.get("wall_seconds") or 0) >= 2:
                notes.append(f"{r['kind']}: other processes used {share:.0%} of the machine's CPU during the "
                             f"{side} run ({m.get('other_cpu_seconds')} CPU s); its time may be inflated")
        body.append([
            os.path.relpath(r["file"]) if r.get("file") else "-",
            human_bytes(r.get("bytes")),
            fmt(r.get("records"), ","),
            secs(py.get("wall_seconds")),
            fmt(py.get("max_rss_mb"), ".0f"),
            ours_s,
            ours_rss,
            fmt(r.get("ratio"), ".2f"),
            "<= " + fmt(r.get("target"), "g"),
            met,
        ])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body)]
    right = {1, 2, 3, 4, 5, 6, 7}
    def line(cells):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for b in body:
        print(line(b))
    for n in notes:
        print("note: " + n)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("record", help="build one result record from measurements")
    r.add_argument("--kind", required=True, choices=("images", "instructions"))
    r.add_argument("--task", required=True)
    r.add_argument("--file", required=True, help="the input file both sides read")
    r.add_argument("--python", required=True, help="measure.py output for the Python baseline")
    r.add_argument("--ours", help="measure.py output for our command (absent: skipped)")
    r.add_argument("--gen", help="the generator's summary line")
    r.add_argument("--warehouse", help="our warehouse, to read _stats/<job>.json")
    r.add_argument("--target", type=float, default=0.5, help="ours/python time ratio to meet, default 0.5")
    r.add_argument("--append", help="also append the record to this JSONL file")
    t = sub.add_parser("table", help="print a table of result records")
    t.add_argument("file", help="a JSONL file of records")
    t.add_argument("--last", type=int, default=0, help="only the last N records")
    t.add_argument("--busy-share", type=float, default=0.1,
                   help="note a run during which other processes used more than this share of the CPUs")
    args = p.parse_args(argv)
    record(args) if args.command == "record" else table(args)


if __name__ == "__main__":
    main()
