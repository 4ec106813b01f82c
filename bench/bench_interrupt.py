"""How soon `python -m seqcore` exits after Ctrl-C (SIGINT), mid-training and during start-up.

Usage: `.venv/bin/python bench/bench_interrupt.py [--repeat N]`. Each case starts the command line, waits
until it is where the case says, sends SIGINT, and prints the seconds until the process has exited, its
exit status and its last line on stderr. Run with `--root <another checkout>` to time another version.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--epochs", "10000", "--units", "64"]  # the notebook's series: many short calls of the traced loop
LARGE = ["--dataset", "sine", "--length", "2000", "--window", "100", "--units", "256", "--epochs", "200"]  # one long call


def interrupt(root: Path, args: list[str], ready: str | None, wait: float) -> tuple[float, int, str]:
    """Start the command, wait for the line `ready` on stderr (if any) and `wait` seconds more, then press Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "-m", "seqcore", *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    if ready:
        for line in process.stderr:
            if ready in line:
                break
    time.sleep(wait)
    start = time.perf_counter()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=600)
    lines = err.strip().splitlines()
    return time.perf_counter() - start, process.returncode, f"{len(lines)} lines, last: {lines[-1][:90] if lines else ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose seqcore to run")
    args = parser.parse_args()
    csv = Path(tempfile.mkdtemp()) / "s.csv"
    csv.write_text("v\n" + "".join(f"{i}\n" for i in range(20)))
    cases = {
        "mid-training, small model (2.5 s in)": (SMALL, "training", 2.5),
        "mid-training, large model (6 s in)": (LARGE, "training", 6.0),
        "while tensorflow loads": (["--csv", str(csv)], "using column", 0.3),
    }
    print(f"seqcore from {args.root}")
    print("| case | seconds from Ctrl-C to exit | status | stderr |")
    print("|---|---|---|---|")
    for name, (case_args, ready, wait) in cases.items():
        for _ in range(args.repeat):
            # an older version prints no "training" line: then wait a little longer instead
            seconds, status, said = interrupt(
                args.root, case_args, ready if args.root == ROOT else None, wait + (0 if args.root == ROOT else 3)
            )
            print(f"| {name} | {seconds:.2f} s | {status} | {said} |")


if __name__ == "__main__":
    main()
