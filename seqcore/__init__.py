"""seqcore: next-value sequence prediction with a small recurrent network, free of any UI.

Importing the package is cheap: TensorFlow loads on first use of `train` or `warm_up`;
`predict_next`, `forecast` and `one_step_predictions` run the trained network in NumPy (`forward.py`).
"""

from importlib import import_module

from .config import InputError, TrainConfig
from .data import load_series, parse_values
from .datasets import DATASETS, get_dataset
from .scaling import scale_advice, suggest_scale
from .windows import make_windows

_LAZY = {
    "train": "training",
    "TrainResult": "result",
    "Progress": "result",
    "DivergedError": "result",
    "predict_next": "forecasting",
    "forecast": "forecasting",
    "one_step_predictions": "forecasting",
    "warm_up": "trainers",
}

__all__ = [
    "TrainConfig", "InputError", "load_series", "parse_values", "DATASETS", "get_dataset",
    "make_windows", "scale_advice", "suggest_scale", *_LAZY,
]  # fmt: skip


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'seqcore' has no attribute {name!r}")
