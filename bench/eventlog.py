#!/usr/bin/env python3
"""Summarises a Spark event log: per job and stage, wall time, tasks, shuffle and spill bytes.

  bench/eventlog.py EVENTLOG_FILE            a table of the stages, then the totals
  bench/eventlog.py --json EVENTLOG_FILE     the totals only, as one JSON object

Reads the log line by line (one JSON event per line), so its size does not matter; a rolling
log (a folder eventlog_v2_*) is read file by file. Needs an uncompressed log
(--conf spark.eventLog.compress=false).
"""
import argparse
import json
import os
import re
import sys


def files_of(path):
    """The event files of a log: the file itself, or a rolling log's events_N_* files in order."""
    if not os.path.isdir(path):
        return [path]
    names = [n for n in os.listdir(path) if n.startswith("events_")]
    names.sort(key=lambda n: int(re.match(r"events_(\d+)_", n).group(1)))
    return [os.path.join(path, n) for n in names]


def events(path):
    for name in files_of(path):
        with open(name, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


def summarise(path):
    stages = {}
    totals = {"shuffle_write_bytes": 0, "shuffle_read_bytes": 0, "shuffle_write_records": 0,
              "memory_spilled_bytes": 0, "disk_spilled_bytes": 0, "tasks": 0,
              "executor_run_ms": 0, "jvm_gc_ms": 0}
    for event in events(path):
        kind = event.get("Event")
        if kind == "SparkListenerTaskEnd":
            m = event.get("Task Metrics") or {}
            sid = event["Stage ID"]
            s = stages.setdefault(sid, {"name": "", "tasks": 0, "wall_ms": 0,
                                        "shuffle_write": 0, "shuffle_read": 0, "records": 0,
                                        "spill_disk": 0})
            write = m.get("Shuffle Write Metrics") or {}
            read = m.get("Shuffle Read Metrics") or {}
            read_bytes = read.get("Remote Bytes Read", 0) + read.get("Local Bytes Read", 0)
            s["tasks"] += 1
            s["shuffle_write"] += write.get("Shuffle Bytes Written", 0)
            s["shuffle_read"] += read_bytes
            s["records"] += write.get("Shuffle Records Written", 0)
            s["spill_disk"] += m.get("Disk Bytes Spilled", 0)
            totals["tasks"] += 1
            totals["shuffle_write_bytes"] += write.get("Shuffle Bytes Written", 0)
            totals["shuffle_read_bytes"] += read_bytes
            totals["shuffle_write_records"] += write.get("Shuffle Records Written", 0)
            totals["memory_spilled_bytes"] += m.get("Memory Bytes Spilled", 0)
            totals["disk_spilled_bytes"] += m.get("Disk Bytes Spilled", 0)
            totals["executor_run_ms"] += m.get("Executor Run Time", 0)
            totals["jvm_gc_ms"] += m.get("JVM GC Time", 0)
        elif kind == "SparkListenerStageCompleted":
            info = event["Stage Info"]
            s = stages.setdefault(info["Stage ID"], {"name": "", "tasks": 0, "wall_ms": 0,
                                                     "shuffle_write": 0, "shuffle_read": 0,
                                                     "records": 0, "spill_disk": 0})
            s["name"] = info.get("Stage Name", "")
            if info.get("Completion Time") and info.get("Submission Time"):
                s["wall_ms"] = info["Completion Time"] - info["Submission Time"]
    return stages, totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print only the totals, as JSON")
    parser.add_argument("eventlog")
    args = parser.parse_args()
    stages, totals = summarise(args.eventlog)
    if args.json:
        print(json.dumps(totals))
        return
    print(f"{'stage':>5} {'tasks':>5} {'wall s':>7} {'shuffle w MB':>12} {'shuffle r MB':>12} "
          f"{'records':>11} {'spill MB':>8}  name")
    for sid in sorted(stages):
        s = stages[sid]
        print(f"{sid:>5} {s['tasks']:>5} {s['wall_ms'] / 1000:>7.1f} "
              f"{s['shuffle_write'] / 1e6:>12.1f} {s['shuffle_read'] / 1e6:>12.1f} "
              f"{s['records']:>11} {s['spill_disk'] / 1e6:>8.1f}  {s['name'][:60]}")
    print(json.dumps(totals))


if __name__ == "__main__":
    sys.exit(main())
