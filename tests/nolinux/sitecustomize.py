"""Loaded by Python at start-up when this folder is on PYTHONPATH: removes the calls only Linux has, as on macOS or Windows.

With $NOLINUX_LOADED set, the process writes its id there: proof that it ran without them.
"""

import os

for name in ("sched_getaffinity", "sched_setaffinity"):
    if hasattr(os, name):
        delattr(os, name)

if os.environ.get("NOLINUX_LOADED"):
    with open(os.environ["NOLINUX_LOADED"], "a") as loaded:
        loaded.write(f"{os.getpid()}\n")
