"""The one place that imports TensorFlow and Keras, quietly; import it only when training or predicting."""

import os

# keep tensorflow's start-up chatter (C++ INFO lines) off a user's terminal
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

__all__ = ["keras", "tf"]
