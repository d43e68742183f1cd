"""Test model whose model_fn sleeps $SLOW_LOAD_SECONDS (default 60) before it loads: for startup timeouts."""
import os
import time


def model_fn(model_dir):
    time.sleep(float(os.environ.get("SLOW_LOAD_SECONDS", "60")))
    return None


def predict_fn(data, model):
    return data
