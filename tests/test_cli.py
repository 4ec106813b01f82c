import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run([sys.executable, "-m", "seqcore", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_defaults_print_the_notebooks_prediction():
    out = run()
    assert out.returncode == 0, out.stderr
    value = float(re.search(r"next value after \[5, 6, 7\]: ([\d.]+)", out.stdout).group(1))
    assert abs(value - 8.0) < 0.1
    assert "epoch   500/500" in out.stderr  # the progress bar's last state


def test_csv_column_and_forecast(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("step,value\n" + "".join(f"{i},{10 + 2 * i}\n" for i in range(30)))
    out = run("--csv", str(path), "--epochs", "20", "--forecast", "4")
    assert out.returncode == 0, out.stderr
    assert "using column 'value'" in out.stderr and "scale: 100 (chosen from the data" in out.stderr
    assert len(re.search(r"forecast, 4 steps: (.*)", out.stdout).group(1).split(", ")) == 4


@pytest.mark.parametrize(
    "args, words",
    [
        (["--units", "0"], "units must be between 1 and 512"),
        (["--units", "abc"], "invalid int value: 'abc'"),
        (["--dataset", "stocks"], "no dataset named 'stocks'"),
        (["--window", "9"], "window is 9 but the series has only 7 values"),
        (["--csv", "/no/such/file.csv"], "no file at"),
        (["--scale", "0.001"], "scale 0.001 is too small"),
        (["--column", "x"], "--column applies to --csv files only"),
        (["--forecast", "0"], "--forecast must be between 1 and 1000"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args, words):
    out = run(*args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_bad_csv_names_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("v\n1\n2\noops\n")
    out = run("--csv", str(path))
    assert out.returncode == 2 and "line 4, column 'v' holds 'oops'" in out.stderr
