"""Process-wide memory settings (pipeline/engine/memory.py), checked in a fresh process."""

from conftest import fresh_python


def test_settle_freezes_what_is_loaded_and_leaves_the_collector_on():
    printed = fresh_python("import gc",
                           "from pipeline.engine.memory import settle",
                           "gc.disable()",
                           "settle()",
                           "print(gc.isenabled(), gc.get_freeze_count() > 0, gc.get_threshold()[0])")
    assert printed.split() == ["True", "True", "50000"]
