"""The one place that imports TensorFlow and Keras, quietly; import it only when training or predicting."""

import os
import tempfile
from pathlib import Path

from .store import default_path

CACHE_VARIABLE = "LAB_XLA_CACHE"  # where compiled XLA programs are kept; default: beside the run database


def _keep_compiled_programs() -> None:
    """Let XLA keep what it compiles on disk, so that a restarted server or CLI loads it instead of compiling.

    Only when the folder can be written: TensorFlow fails the training itself when it cannot write there.
    """
    flags = os.environ.get("TF_XLA_FLAGS", "")
    if "tf_xla_persistent_cache_directory" in flags:
        return  # the user chose
    folder = Path(os.environ.get(CACHE_VARIABLE) or default_path().parent / "xla-cache")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError:
        return
    os.environ["TF_XLA_FLAGS"] = f"{flags} --tf_xla_persistent_cache_directory={folder}".strip()


# keep tensorflow's C++ log off a user's terminal: its INFO chatter, and the ERROR line protobuf writes each
# time XLA's disk cache is read (TensorFlow tries a text parse before the binary one that succeeds);
# training errors still arrive as Python exceptions
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_keep_compiled_programs()

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from .machine import available_cores  # noqa: E402

# These models are far too small to gain from splitting one op across cores (measured: no faster),
# so each op runs on one thread. The inter-op pool is different: it is shared by the whole process,
# and every concurrent training's ops queue on it. With one thread there, ten users' trainings ran
# one after another (10.2x a lone one for ten at once, prewarmed); with one per core they ran side by
# side (5.2x on two cores). SEQCORE_TF_THREADS overrides that pool's size. Must be set before the first op.
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(int(os.environ.get("SEQCORE_TF_THREADS", 0)) or available_cores())

__all__ = ["keras", "tf"]
