"""The one place that imports TensorFlow and Keras, quietly; import it only when training or predicting."""

import os

# keep tensorflow's start-up chatter (C++ INFO lines) off a user's terminal
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

# these models are far too small to gain from splitting one op across cores (measured: no
# faster); one thread per training leaves the other cores to the browser, the server and
# other users' trainings. Must happen before tensorflow runs its first op.
_threads = int(os.environ.get("SEQCORE_TF_THREADS", "1"))
tf.config.threading.set_intra_op_parallelism_threads(_threads)
tf.config.threading.set_inter_op_parallelism_threads(_threads)

__all__ = ["keras", "tf"]
