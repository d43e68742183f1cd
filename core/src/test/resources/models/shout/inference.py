"""Test model with every hook: text in, text out.

model_fn reads the suffix from suffix.txt ("!"); input_fn decodes the body as UTF-8; predict_fn upper-cases it and
appends the suffix; output_fn answers text/plain; charset=utf-8. "hello" -> "HELLO!".
"""
import os


def model_fn(model_dir):
    with open(os.path.join(model_dir, "suffix.txt"), encoding="utf-8") as f:
        return {"suffix": f.read().strip()}


def input_fn(body, content_type):
    return body.decode("utf-8")


def predict_fn(data, model):
    return data.upper() + model["suffix"]


def output_fn(prediction, accept):
    return prediction, "text/plain; charset=utf-8"
