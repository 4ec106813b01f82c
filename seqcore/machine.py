"""What this computer offers, asked in a way that works on Linux, macOS and Windows alike."""

from __future__ import annotations

import os


def available_cores() -> int:
    """CPU cores this process may use: its affinity where the system tells it (Linux), else every core."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux only; absent on macOS and Windows
    if affinity is not None:
        try:
            return max(1, len(affinity(0)))
        except OSError:
            pass
    return os.cpu_count() or 1
