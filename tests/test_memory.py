"""Process-wide memory settings (pipeline/memory.py), checked in a fresh process."""

import subprocess
import sys

from conftest import ROOT


def test_settle_freezes_what_is_loaded_and_leaves_the_collector_on():
    code = ("import gc\n"
            "from pipeline.memory import settle\n"
            "gc.disable()\n"
            "settle()\n"
            "print(gc.isenabled(), gc.get_freeze_count() > 0, gc.get_threshold()[0])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.split() == ["True", "True", "50000"]
