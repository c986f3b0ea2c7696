"""What a process costs the machine, read from Linux's /proc (no extra dependency).

    cpu_seconds(pid)    user + system CPU time the process has used so far (/proc/<pid>/stat)
    rss_mb(pid)         resident memory now (VmRSS in /proc/<pid>/status)
    peak_rss_mb(pid)    the most resident memory it ever had (VmHWM, kept by the kernel, so
                        a short peak between two samples is not missed)
"""
from __future__ import annotations

import os

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        # The command name (field 2) may hold spaces; the fields after it are plain numbers.
        fields = stat.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / TICKS


def rss_mb(pid: int) -> float:
    return _status_kb(pid, "VmRSS") / 1024


def peak_rss_mb(pid: int) -> float:
    return _status_kb(pid, "VmHWM") / 1024


def _status_kb(pid: int, name: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    raise LookupError(f"{name} missing from /proc/{pid}/status")
