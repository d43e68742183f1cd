"""Test model whose model_fn makes the process ignore SIGTERM, so only SIGKILL stops it. Answers like echo."""
import signal


def model_fn(model_dir):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return None


def predict_fn(data, model):
    return {"echo": data}
