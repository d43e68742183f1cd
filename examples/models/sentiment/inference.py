"""Sentiment of short English texts: a multinomial naive-Bayes classifier in plain Python.

The trained parameters live in weights.json next to this file (written by train.py from reviews.csv).
SageMaker inference-toolkit hooks, run by mldeploy on every target:

    request  {"text": "what a lovely day"}          -> {"label": "positive", "score": 0.97}
    request  {"texts": ["great", "awful service"]}  -> [{"label": ...}, {"label": ...}]
    request  text/plain body                        -> the same as {"text": body}

Standard library only; Python 3.9+.
"""
import json
import math
import os
import re

WEIGHTS_FILE = "weights.json"
NEGATIONS = {"not", "no", "never", "nothing", "nobody", "neither", "nor", "without"}
NEGATION_SCOPE = 3
MAX_TEXTS = 1000
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[.,!?;:]")


def tokenize(text):
    """Lower-case words; a negation is dropped and the NEGATION_SCOPE words after it get a 'not_' prefix
    ('not good at all' -> not_good not_at not_all), up to the next punctuation mark."""
    tokens = []
    negate = 0
    for tok in _TOKEN.findall(text.lower()):
        if tok in ".,!?;:":
            negate = 0
            continue
        if tok in NEGATIONS or tok.endswith("n't"):
            negate = NEGATION_SCOPE
            continue
        if negate > 0:
            tokens.append("not_" + tok)
            negate -= 1
        else:
            tokens.append(tok)
    return tokens


def model_fn(model_dir):
    """Loads the trained parameters: class log-priors and per-class word log-likelihoods."""
    with open(os.path.join(model_dir, WEIGHTS_FILE), encoding="utf-8") as f:
        weights = json.load(f)
    if weights.get("format") != "naive-bayes-v1":
        raise ValueError("%s is not a naive-bayes-v1 weights file" % WEIGHTS_FILE)
    return weights


def input_fn(body, content_type):
    """{"text": str} or {"texts": [str, ...]} as JSON, or a text/plain body. Returns (texts, single)."""
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    media = (content_type or "application/json").split(";", 1)[0].strip().lower()
    if media.startswith("text/"):
        return [body], True
    if media not in ("application/json", "*/*", ""):
        raise ValueError("unsupported content type %r; send application/json or text/plain" % content_type)
    data = json.loads(body)
    if isinstance(data, dict) and isinstance(data.get("text"), str):
        return [data["text"]], True
    if isinstance(data, dict) and isinstance(data.get("texts"), list):
        texts = data["texts"]
        if not all(isinstance(t, str) for t in texts):
            raise ValueError('"texts" must be a list of strings')
        if len(texts) > MAX_TEXTS:
            raise ValueError('"texts" holds %d texts; send at most %d' % (len(texts), MAX_TEXTS))
        return texts, False
    raise ValueError('expected a JSON object {"text": "..."} or {"texts": ["...", ...]}')


def classify(text, model):
    """(label, probability of that label) for one text."""
    scores = {}
    for label in model["labels"]:
        score = model["log_prior"][label]
        likelihood = model["log_likelihood"][label]
        for tok in tokenize(text):
            if tok in likelihood:  # words never seen in training carry no evidence
                score += likelihood[tok]
        scores[label] = score
    top = max(scores.values())
    total = sum(math.exp(s - top) for s in scores.values())
    label = max(scores, key=lambda k: scores[k])
    return label, math.exp(scores[label] - top) / total


def predict_fn(data, model):
    texts, single = data
    results = []
    for text in texts:
        label, probability = classify(text, model)
        results.append({"label": label, "score": round(probability, 4)})
    return results[0] if single else results


def output_fn(prediction, accept):
    return json.dumps(prediction), "application/json"
