"""Species of an iris flower from its four measurements: a scikit-learn LogisticRegression.

The trained parameters live in weights.json next to this file (written by train.py). model_fn rebuilds a fitted
sklearn.linear_model.LogisticRegression from them, so every prediction runs through scikit-learn itself.
The weights are JSON, not a pickle, on purpose: scikit-learn supports unpickling an estimator only with the version
that pickled it (the targets install their own: Debian's 1.2.1 here, a PyPI wheel in a Lambda layer, the framework
image's on SageMaker), and unpickling runs code. A logistic regression is fully described by its coefficients,
intercepts and classes, which load the same in any version.

SageMaker inference-toolkit hooks, run by mldeploy on every target:

    application/json {"instances": [[5.1, 3.5, 1.4, 0.2], ...]}
        -> {"predictions": ["setosa", ...], "probabilities": [[0.98, 0.02, 0.0], ...],
            "classes": ["setosa", "versicolor", "virginica"]}
    text/csv, one flower a line:  5.1,3.5,1.4,0.2   -> the same answer

Each row holds sepal length, sepal width, petal length, petal width, in centimetres (the order of
"feature_names" in weights.json). Probabilities are in the order of "classes".
"""
import csv
import io
import json
import math
import os

import numpy as np
from sklearn.linear_model import LogisticRegression

WEIGHTS_FILE = "weights.json"
WEIGHTS_FORMAT = "sklearn-logistic-regression-v1"
MAX_ROWS = 10000
PROBABILITY_DIGITS = 4
FEATURE_COUNT = 4  # input_fn checks rows before the model sees them; build_estimator checks the weights agree


def build_estimator(weights):
    """A fitted LogisticRegression holding the saved parameters (train.py evaluates exactly this estimator)."""
    if weights.get("format") != WEIGHTS_FORMAT:
        raise ValueError("%s is not a %s weights file" % (WEIGHTS_FILE, WEIGHTS_FORMAT))
    if len(weights["feature_names"]) != FEATURE_COUNT:
        raise ValueError("%s has %d features; this inference.py reads %d"
                         % (WEIGHTS_FILE, len(weights["feature_names"]), FEATURE_COUNT))
    estimator = LogisticRegression(**weights["params"])
    estimator.classes_ = np.array(weights["classes"])
    estimator.coef_ = np.array(weights["coef"], dtype=float)
    estimator.intercept_ = np.array(weights["intercept"], dtype=float)
    estimator.n_features_in_ = len(weights["feature_names"])
    return estimator


def model_fn(model_dir):
    with open(os.path.join(model_dir, WEIGHTS_FILE), encoding="utf-8") as f:
        return build_estimator(json.load(f))


def _number(value, where):
    """A finite float from a JSON number or a CSV cell; anything else is refused naming where it was."""
    if isinstance(value, bool):
        raise ValueError("%s is %r; send a number" % (where, value))
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError("%s is %r; send a number" % (where, value)) from None
    if not math.isfinite(x):
        raise ValueError("%s is %r; send a finite number" % (where, value))
    return x


def _rows(rows, width, what):
    if not rows:
        raise ValueError("no rows: send at least one flower of %d measurements" % width)
    if len(rows) > MAX_ROWS:
        raise ValueError("%d rows; send at most %d" % (len(rows), MAX_ROWS))
    out = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, (list, tuple)) or len(row) != width:
            raise ValueError("%s %d has %s; each row holds %d numbers (sepal length, sepal width, "
                             "petal length, petal width in cm)" % (what, i, _size(row), width))
        out.append([_number(v, "%s %d, value %d" % (what, i, j)) for j, v in enumerate(row, start=1)])
    return np.array(out, dtype=float)


def _size(row):
    return "%d values" % len(row) if isinstance(row, (list, tuple)) else "no list of values but %r" % (row,)


def input_fn(body, content_type):
    """{"instances": [[4 numbers], ...]} as JSON, or CSV rows (text/csv) without a header. Returns an (n, 4) array."""
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    media = (content_type or "application/json").split(";", 1)[0].strip().lower()
    width = FEATURE_COUNT
    if media == "text/csv":
        lines = [r for r in csv.reader(io.StringIO(body)) if any(cell.strip() for cell in r)]
        return _rows(lines, width, "CSV line")
    if media not in ("application/json", "*/*", ""):
        raise ValueError("unsupported content type %r; send application/json or text/csv" % content_type)
    data = json.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("instances"), list):
        raise ValueError('expected a JSON object {"instances": [[5.1, 3.5, 1.4, 0.2], ...]}')
    return _rows(data["instances"], width, "instance")


def predict_fn(data, model):
    """Classes and class probabilities, both computed by scikit-learn."""
    return {
        "predictions": [str(c) for c in model.predict(data)],
        "probabilities": [[round(float(p), PROBABILITY_DIGITS) for p in row] for row in model.predict_proba(data)],
        "classes": [str(c) for c in model.classes_],
    }


def output_fn(prediction, accept):
    return json.dumps(prediction), "application/json"
