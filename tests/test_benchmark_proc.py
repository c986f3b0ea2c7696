"""The benchmarks' reading of /proc: a family's CPU time keeps what a member spent before it
ended (a server replaces a training process that grew, mid-room)."""
import os
import subprocess
import sys

from benchmarks import proc

BURN = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass"


def test_a_familys_cpu_time_keeps_a_member_that_ended():
    before = proc.family_cpu_seconds(os.getpid())
    subprocess.run([sys.executable, "-c", BURN], check=True)  # run, ended and reaped
    assert proc.family_cpu_seconds(os.getpid()) - before >= 0.35


def test_a_process_alone_counts_only_its_own_cpu_time():
    before = proc.cpu_seconds(os.getpid())
    subprocess.run([sys.executable, "-c", BURN], check=True)
    assert proc.cpu_seconds(os.getpid()) - before < 0.3
