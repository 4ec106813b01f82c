"""The one place that imports TensorFlow and Keras, quietly; import it only when training or predicting."""

import os

# keep tensorflow's start-up chatter (C++ INFO lines) off a user's terminal
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

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
