"""Trains the sentiment model: multinomial naive Bayes with Laplace smoothing over reviews.csv.

    python3 train.py            # writes weights.json next to this file

Standard library only. The output is deterministic (sorted keys, rounded numbers), so retraining on the same
data gives the same file.
"""
import csv
import json
import math
import os
import sys
from collections import Counter

from inference import WEIGHTS_FILE, tokenize

HERE = os.path.dirname(os.path.abspath(__file__))
ALPHA = 1.0  # Laplace smoothing


def train(rows):
    labels = sorted({label for label, _ in rows})
    docs = Counter(label for label, _ in rows)
    counts = {label: Counter() for label in labels}
    for label, text in rows:
        counts[label].update(tokenize(text))
    vocab = sorted(set().union(*counts.values()))
    log_prior = {label: round(math.log(docs[label] / len(rows)), 6) for label in labels}
    log_likelihood = {}
    for label in labels:
        total = sum(counts[label].values()) + ALPHA * len(vocab)
        log_likelihood[label] = {w: round(math.log((counts[label][w] + ALPHA) / total), 6) for w in vocab}
    return {"format": "naive-bayes-v1", "labels": labels, "log_prior": log_prior,
            "log_likelihood": log_likelihood, "vocabulary_size": len(vocab), "training_examples": len(rows)}


def main(argv):
    data = argv[1] if len(argv) > 1 else os.path.join(HERE, "reviews.csv")
    with open(data, newline="", encoding="utf-8") as f:
        rows = [(r["label"], r["text"]) for r in csv.DictReader(f)]
    weights = train(rows)
    out = os.path.join(HERE, WEIGHTS_FILE)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(weights, f, sort_keys=True, separators=(",", ":"))
        f.write("\n")
    print("trained on %d examples, %d words -> %s" % (len(rows), weights["vocabulary_size"], out))


if __name__ == "__main__":
    main(sys.argv)
