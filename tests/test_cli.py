import re
import signal
import subprocess
import sys
import time
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
    assert "On the 4 values it trained on (none are held out, so this flatters it), the LSTM is off by" in out.stdout


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
        (["--forecast", "0"], "--forecast must be between 1 and 1,000"),
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


HUGE = "9" * 5000  # more digits than Python turns into an int


@pytest.mark.parametrize(
    "args, words",
    [
        (["--csv", ""], "no file given: name a CSV file"),
        (["--scale", HUGE], "scale must be a finite number"),
        (["--scale", "1e400"], "scale must be a finite number"),
        (["--scale", "nan"], "scale must be a finite number"),
        (["--scale", "1e16"], "scale must be between 1e-12 and 1e+15"),
        (["--learning-rate", HUGE], "learning_rate must be a finite number"),
        (["--learning-rate", "1e-300"], "learning_rate must be between"),
        (["--units", HUGE], "invalid int value: '9999"),
        (["--epochs", "-" + HUGE], "invalid int value"),
        (["--dataset", "sine", "--length", str(10**30)], "length must be between 4 and 10,000"),
        (["--dataset", "sine", "--noise", "nan"], "noise must be a finite number"),
        (["--dataset", "sine", "--noise", "-1"], "noise must be a number between 0 and 1000"),
        (["--dataset", "sine", "--data-seed", str(-(10**30))], "seed must be between 0"),
        (["--forecast", str(10**30)], "--forecast must be between 1 and 1,000"),
        (["--dataset", "x" * 5000], "no dataset named 'xxx"),
    ],
)
def test_hostile_arguments_are_one_short_line_and_exit_2(args, words):
    out = run(*args)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], out.stderr[:500]
    assert len(lines[0]) < 300 and "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "content, words",
    [
        (b"value\n1\n2\n1.7e308\n4\n", "line 4, column 'value' holds '1.7e308', beyond"),
        (("n" * 500_000 + "\n1\n2\n3\nx\n").encode(), "line 5, column 'nnn"),
        (b"v\n1\n2\n" + HUGE.encode() + b"\n", "line 4, column 'v' holds '9999"),
    ],
)
def test_hostile_files_are_one_short_line_and_exit_2(tmp_path, content, words):
    path = tmp_path / "hostile.csv"
    path.write_bytes(content)
    out = run("--csv", str(path), "--epochs", "5")
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr[:500]
    assert words in out.stderr and len(out.stderr) < 400


def test_a_folder_as_csv_is_named(tmp_path):
    out = run("--csv", str(tmp_path))
    assert out.returncode == 2 and "is a folder, not a file" in out.stderr


def start(*args) -> subprocess.Popen:
    """The command line as a user's terminal starts it: with Ctrl-C live, even when this suite runs as a background
    job (whose children inherit an ignored SIGINT, and Python then never turns it into KeyboardInterrupt)."""
    live_ctrl_c = (lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) if sys.platform != "win32" else None
    command = [sys.executable, "-m", "seqcore", *args]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=live_ctrl_c)


def wait_for_line(process: subprocess.Popen, words: str) -> None:
    for line in process.stderr:
        if words in line:
            return
    raise AssertionError(f"the command ended without printing {words!r}")


POSIX_SIGNALS = pytest.mark.skipif(sys.platform == "win32", reason="Windows delivers Ctrl-C as a console event, not SIGINT")


@POSIX_SIGNALS
def test_ctrl_c_stops_training_at_once_and_says_where():
    # under a minute of training (within the cost limit): long enough to be mid-way whatever the machine
    process = start("--dataset", "sine", "--length", "2000", "--window", "20", "--units", "64", "--epochs", "400")
    wait_for_line(process, "training 400 epochs")
    time.sleep(4)  # tensorflow compiles, then trains
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)  # a hang guard only
    assert process.returncode == 130, err
    assert re.search(r"training stopped by Ctrl-C at epoch [\d,]+ of 400; nothing was saved", err), err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err and out == ""


@POSIX_SIGNALS
def test_ctrl_c_while_starting_up_is_one_line_too(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("v\n" + "".join(f"{i}\n" for i in range(20)))
    process = start("--csv", str(path))
    wait_for_line(process, "using column 'v'")  # tensorflow is being imported now
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "interrupted (Ctrl-C) before training started" in err or "training stopped by Ctrl-C" in err, err
    assert "Traceback" not in err and out == ""
