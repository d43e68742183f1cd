"""Test model whose model_fn raises: a deploy must fail with this message."""


def model_fn(model_dir):
    raise RuntimeError("cannot load weights: model.bin is missing")


def predict_fn(data, model):
    return data
