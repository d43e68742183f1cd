"""Test model that loads but whose predict_fn raises ValueError("expected a 'text' field, got <keys>")."""


def model_fn(model_dir):
    return None


def predict_fn(data, model):
    keys = sorted(data) if isinstance(data, dict) else type(data).__name__
    raise ValueError("expected a 'text' field, got %s" % (keys,))
