"""What a process costs the machine, read from Linux's /proc (no extra dependency).

    cpu_seconds(pid)    user + system CPU time the process has used so far (/proc/<pid>/stat)
    rss_mb(pid)         resident memory now (VmRSS in /proc/<pid>/status)
    peak_rss_mb(pid)    the most resident memory it ever had (VmHWM, kept by the kernel, so
                        a short peak between two samples is not missed)
    family(pid)         the process and every process descended from it (a server's training
                        processes are children of its fork server, itself a child)
    family_cpu_seconds(pid)  CPU time of the family so far, also of members that ended and
                        were reaped (a server replaces a training process that grew)
    pss_mb(pid)         the process's proportional set size now (Pss in
                        /proc/<pid>/smaps_rollup: each page it shares counted in part)
    family_pss_mb(pid)  the family's memory now, each shared page counted once (the sum of
                        their Pss)
"""
from __future__ import annotations

import os

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / TICKS


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (field 3 of proc(5) first)."""
    with open(f"/proc/{pid}/stat") as stat:
        # The command name (field 2) may hold spaces; the fields after it are plain numbers.
        return stat.read().rsplit(")", 1)[1].split()


def family(pid: int) -> list[int]:
    """`pid` and its living descendants, `pid` first."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(_parent(int(entry)), []).append(int(entry))
            except (FileNotFoundError, ProcessLookupError):
                continue  # ended while we looked
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        waiting.extend(children.get(current, []))
    return found


def family_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by `pid` and its descendants: the living ones' own, and those
    of the ended ones their parents reaped (counted in the parents' cutime and cstime)."""
    return sum(_if_alive(_cpu_with_reaped, member) for member in family(pid))


def _cpu_with_reaped(pid: int) -> float:
    fields = _stat_fields(pid)  # utime, stime, cutime, cstime: fields 14-17 of proc(5)
    return sum(int(field) for field in fields[11:15]) / TICKS


def family_pss_mb(pid: int) -> float:
    return sum(_if_alive(pss_mb, member) for member in family(pid))


def pss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    raise LookupError(f"Pss missing from /proc/{pid}/smaps_rollup")


def _parent(pid: int) -> int:
    return int(_stat_fields(pid)[1])  # field 4 of proc(5)


def _if_alive(read, pid: int) -> float:
    try:
        return read(pid)
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


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
