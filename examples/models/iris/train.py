"""Trains the iris model: a scikit-learn LogisticRegression on Fisher's iris data (150 flowers, 3 species).

    /usr/bin/python3 train.py     # Debian's python3-sklearn; writes weights.json and heldout.csv next to this file

The data is scikit-learn's own copy (sklearn.datasets.load_iris, no network). A stratified 70/30 split with a fixed
seed keeps 45 flowers out of training; they are written to heldout.csv with their true species, and the accuracy
on them of the estimator inference.py rebuilds from weights.json (rounded parameters, exactly what is served) is
recorded in weights.json under "heldout". Retraining with the same scikit-learn gives the same files.
"""
import csv
import json
import os
import sys

import sklearn
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from inference import WEIGHTS_FILE, WEIGHTS_FORMAT, build_estimator

HERE = os.path.dirname(os.path.abspath(__file__))
HELDOUT_FILE = "heldout.csv"
FEATURE_NAMES = ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]
PARAMS = {"C": 1.0, "solver": "lbfgs", "max_iter": 1000}
HELDOUT_FRACTION = 0.3
SEED = 0
DIGITS = 6  # parameters are rounded so the file is small and stable; the accuracy is measured after rounding


def main(out_dir):
    iris = load_iris()
    species = iris.target_names[iris.target]
    x_train, x_test, y_train, y_test = train_test_split(
        iris.data, species, test_size=HELDOUT_FRACTION, stratify=species, random_state=SEED)
    fitted = LogisticRegression(**PARAMS).fit(x_train, y_train)

    weights = {
        "format": WEIGHTS_FORMAT,
        "estimator": "sklearn.linear_model.LogisticRegression",
        "params": PARAMS,
        "feature_names": FEATURE_NAMES,
        "classes": [str(c) for c in fitted.classes_],
        "coef": [[round(float(v), DIGITS) for v in row] for row in fitted.coef_],
        "intercept": [round(float(v), DIGITS) for v in fitted.intercept_],
        "trained_with": {"scikit-learn": sklearn.__version__, "training_rows": len(y_train), "seed": SEED},
    }
    served = build_estimator(weights)
    accuracy = float((served.predict(x_test) == y_test).mean())
    weights["heldout"] = {"file": HELDOUT_FILE, "rows": len(y_test), "accuracy": round(accuracy, 4)}

    with open(os.path.join(out_dir, WEIGHTS_FILE), "w", encoding="utf-8") as f:
        json.dump(weights, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(out_dir, HELDOUT_FILE), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FEATURE_NAMES + ["species"])
        for row, label in zip(x_test, y_test):
            w.writerow(["%g" % v for v in row] + [label])
    print("trained on %d flowers with scikit-learn %s; held-out accuracy %.4f on %d flowers -> %s"
          % (len(y_train), sklearn.__version__, accuracy, len(y_test), os.path.join(out_dir, WEIGHTS_FILE)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
