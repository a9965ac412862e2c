#!/usr/bin/env python3
"""Run one command under /usr/bin/time -v and report wall time and peak memory as JSON.

  bench/measure.py --name ours --log bench/results/logs/x.log -- CMD [ARG ...]

The command's stdout and stderr go to --log (its last stdout line is also kept in the report, so a
command that prints a JSON summary, like python_baseline.py, can be read back). Prints one JSON
object on stdout:

  wall_seconds, user_seconds, sys_seconds, exit_code, signal  from /usr/bin/time -v
  max_rss_kb      "Maximum resident set size": the peak RSS of the largest single process of the
                  tree (the kernel's ru_maxrss over all waited-for descendants), i.e. the JVM's
                  when a launcher execs or runs java
  peak_process    the process seen with the largest RSS while polling /proc (pid, comm, rss_kb),
                  to check that max_rss_kb is the process one means (java, python3)
  peak_rss_kb_by_comm  the largest RSS seen per command name (a process living shorter than
                  the polling interval may be missed)
  peak_tree_rss_kb  largest sum of RSS over the whole process tree seen while polling (it can
                  count the JVM twice: a child it is forking, e.g. Hadoop's chmod, shows the
                  parent's RSS for a moment)
  loadavg_before, loadavg_after  /proc/loadavg (1, 5, 15 min)
  other_cpu_seconds, other_cpu_share  CPU time used by everything else on the machine during the
                  run (from /proc/stat), and its share of the machine's capacity over the run:
                  other work on the machine skews timings

Polling reads /proc every --poll seconds (default 0.2; 0 turns it off). It costs well under
1% of a core and is the same for every command measured.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

TIME = "/usr/bin/time"


def proc_table():
    """{pid: (ppid, comm, rss_kb)} for every live process."""
    table = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        # comm may contain spaces and parentheses: split around the last ')'.
        lpar, rpar = stat.find("("), stat.rfind(")")
        comm = stat[lpar + 1:rpar]
        fields = stat[rpar + 2:].split()
        # fields[0] is state, [1] ppid, ... [21] rss in pages (field 24 of stat)
        try:
            table[int(entry)] = (int(fields[1]), comm, int(fields[21]) * page_kb)
        except (IndexError, ValueError):
            continue
    return table


def loadavg():
    """The 1, 5 and 15 minute load averages: other work on the machine skews timings."""
    try:
        with open("/proc/loadavg") as f:
            return [float(x) for x in f.read().split()[:3]]
    except (OSError, ValueError):
        return None


def cpu_busy_seconds():
    """CPU seconds the whole machine has spent busy (all cores, /proc/stat), for other_cpu_seconds."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def descendants(table, root):
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        for c in children.get(pid, ()):
            out.append(c)
            stack.append(c)
    return out


def parse_time_output(text):
    def find(label, conv=str):
        m = re.search(r"^\s*" + re.escape(label) + r":\s*(.+)$", text, re.M)
        return conv(m.group(1).strip()) if m else None

    wall = find("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    wall_seconds = None
    if wall:
        secs = 0.0
        for part in wall.split(":"):
            secs = secs * 60 + float(part)
        wall_seconds = round(secs, 3)
    sig = re.search(r"Command terminated by signal (\d+)", text)
    return {
        "wall_seconds": wall_seconds,
        "user_seconds": find("User time (seconds)", float),
        "sys_seconds": find("System time (seconds)", float),
        "max_rss_kb": find("Maximum resident set size (kbytes)", int),
        "exit_code": find("Exit status", int),
        "signal": int(sig.group(1)) if sig else None,
    }


def measure(cmd, log_path, poll, name=None, env=None):
    fd, time_path = tempfile.mkstemp(prefix="measure-", suffix=".time")
    os.close(fd)
    out_path = log_path + ".stdout"
    peak_tree = 0
    peak_proc = None
    peak_by_comm = {}
    load_before = loadavg()
    busy_before = cpu_busy_seconds()
    started = time.monotonic()
    with open(out_path, "wb") as out, open(log_path, "wb") as err:
        p = subprocess.Popen([TIME, "-v", "-o", time_path] + cmd, stdout=out, stderr=err, env=env)
        while True:
            try:
                p.wait(timeout=poll if poll > 0 else None)
                break
            except subprocess.TimeoutExpired:
                pass
            table = proc_table()
            tree = descendants(table, p.pid)
            total = 0
            for pid in tree:
                _, comm, rss = table[pid]
                total += rss
                if peak_proc is None or rss > peak_proc["rss_kb"]:
                    peak_proc = {"pid": pid, "comm": comm, "rss_kb": rss}
                if rss > peak_by_comm.get(comm, -1):
                    peak_by_comm[comm] = rss
            peak_tree = max(peak_tree, total)
    elapsed = time.monotonic() - started
    busy_after = cpu_busy_seconds()
    with open(time_path, encoding="utf-8", errors="replace") as f:
        time_text = f.read()
    os.unlink(time_path)

    with open(out_path, "rb") as f:
        stdout = f.read().decode("utf-8", "replace")
    # Keep stdout with the log: append it after stderr, then drop the side file.
    with open(log_path, "ab") as err:
        err.write(b"\n----- stdout -----\n" + stdout.encode("utf-8"))
        err.write(b"\n----- /usr/bin/time -v -----\n" + time_text.encode("utf-8"))
    os.unlink(out_path)
    lines = [l for l in stdout.splitlines() if l.strip()]

    result = {"name": name, "cmd": shlex.join(cmd), "log": log_path}
    result.update(parse_time_output(time_text))
    if result["exit_code"] is None:
        result["exit_code"] = p.returncode
    if result["wall_seconds"] is None:
        result["wall_seconds"] = round(elapsed, 3)
    result["peak_process"] = peak_proc
    result["peak_tree_rss_kb"] = peak_tree or None
    result["peak_rss_kb_by_comm"] = peak_by_comm
    result["loadavg_before"] = load_before
    if busy_before is not None and busy_after is not None and result["user_seconds"] is not None:
        # Busy CPU time of everything else on the machine while the command ran (includes the
        # polling itself, a few ms per sample).
        other = busy_after - busy_before - result["user_seconds"] - result["sys_seconds"]
        result["other_cpu_seconds"] = round(max(0.0, other), 2)
        result["other_cpu_share"] = round(min(1.0, max(0.0, other) / (elapsed * (os.cpu_count() or 1))), 3)
    result["loadavg_after"] = loadavg()
    result["last_stdout_line"] = lines[-1] if lines else None
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description="Run a command under /usr/bin/time -v; print wall time and peak RSS as JSON.")
    p.add_argument("--name", help="a label stored in the report")
    p.add_argument("--log", required=True, help="file for the command's stderr, stdout and the time -v report")
    p.add_argument("--poll", type=float, default=float(os.environ.get("BENCH_POLL_SECONDS", "0.2")),
                   help="seconds between /proc samples (0: off), default 0.2 or $BENCH_POLL_SECONDS")
    p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- command and arguments")
    args = p.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        p.error("no command given (put it after --)")
    if not os.access(TIME, os.X_OK):
        sys.exit(f"measure: {TIME} not found; install GNU time (apt-get install -y time)")
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    print(json.dumps(measure(cmd, args.log, args.poll, args.name)))


if __name__ == "__main__":
    main()
