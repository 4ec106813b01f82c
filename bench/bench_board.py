"""What a class board costs the server: one refresh of a board with N students' runs, read from the database and drawn.

Run: .venv/bin/python bench/bench_board.py [N]   (default 30 students, each with 3 runs)
A board refreshes every `board.REFRESH_SECONDS` in every tab that shows it (the projector, and each student on the
Class page), so a class of N with the board open asks for N / REFRESH_SECONDS refreshes a second. This times the
server's part of one refresh outside Streamlit: the database reads, the ranked table, both figures and their JSON
(what Streamlit sends), and says what share of one core a whole class's boards would take.
Target: a class of 30 with the board open takes under a quarter of one core.
"""

import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import seqcore  # noqa: E402
from pages.lab import board  # noqa: E402
from seqcore.classroom import Classroom  # noqa: E402
from seqcore.result import TrainResult  # noqa: E402
from seqcore.store import RunStore  # noqa: E402

STUDENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
RUNS_EACH = 3
REPEATS = 50


def fill(room: Classroom, store: RunStore) -> str:
    """A class of STUDENTS, each with RUNS_EACH saved runs on the board (weights of the notebook's size)."""
    rng = np.random.default_rng(0)
    code = room.open_class().code
    config = seqcore.TrainConfig()
    series = seqcore.get_dataset("ramp")
    shapes = [(1, 120), (30, 120), (120,), (30, 1), (1,)]
    for student in range(STUDENTS):
        workspace = seqcore.store.new_workspace_id()
        room.join_class(code, workspace, f"Student {student:02d}")
        for run in range(RUNS_EACH):
            weights = [rng.normal(size=shape).astype(np.float32) for shape in shapes]
            result = TrainResult(config, series, [1e-4] * 500, None, weights, False, 0.1, 4)
            number = store.save_run(workspace, result, "Ramp", [4.0, 5.0, 6.0, 7.0], 8.0 + rng.normal(0, 0.05))
            data = {
                "error": float(abs(rng.normal(0.01, 0.005))),
                "naive": 1.0,
                "part": "train",
                "prediction": 8.0 + float(rng.normal(0, 0.05)),
                "window": [5.0, 6.0, 7.0],
                "guess": {"value": float(rng.normal(8, 0.5))} if run == 0 else None,
                "settings": "LSTM(30 units), 1 layer, window 3, 500 epochs",
                "config": dataclasses.asdict(seqcore.TrainConfig(units=30 + run)),
                "data": "Ramp",
                "epochs": 500,
                "stopped": False,
            }
            room.post_entry(code, workspace, number, data)
    return code


def one_refresh(room: Classroom, code: str, viewer: str | None = None, shared: bool = True) -> float:
    """One tab's refresh: the database reads and its board's view (shared by the tabs showing the same board, or, with
    `shared` False, built afresh as the first tab after a new run does), the table marked for `viewer`, and the JSON sent."""
    began = time.perf_counter()
    info, entries = room.class_info(code), room.board(code, viewer)
    if not shared:
        board._board_view.clear()
    view = board.board_view(entries, info.hide_names, large=True)
    table = view.table.copy()
    table.loc[table["name"].isin({e.name for e in entries if e.mine}), "student"] += " (you)"
    sent = view.predictions.to_json() + view.guesses.to_json() + table.to_json()
    assert sent and len(entries) == STUDENTS * RUNS_EACH
    return time.perf_counter() - began


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(Path(folder) / "runs.sqlite3")
        room = Classroom(store)
        code = fill(room, store)
        one_refresh(room, code)  # first use: imports, caches
        fresh = [one_refresh(room, code, shared=False) for _ in range(REPEATS)]
        shared = [one_refresh(room, code) for _ in range(REPEATS)]
    per_second = STUDENTS / board.REFRESH_SECONDS
    for name, times in (("built afresh (a new run came in)", fresh), ("shared view (most refreshes)", shared)):
        print(
            f"board of {STUDENTS} students × {RUNS_EACH} runs, {name}: median {statistics.median(times) * 1000:.1f} ms, "
            f"slowest {max(times) * 1000:.1f} ms"
        )
    # in a class every tab refreshes every REFRESH_SECONDS; a new run makes one tab build the view, the others share it
    share = per_second * statistics.median(shared) + statistics.median(fresh) / board.REFRESH_SECONDS
    print(
        f"{STUDENTS} tabs refreshing every {board.REFRESH_SECONDS:g} s ({per_second:.0f} refreshes a second, a new run every "
        f"refresh): {share:.0%} of one core (target under 25 %)"
    )


if __name__ == "__main__":
    main()
