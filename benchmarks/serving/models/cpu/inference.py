"""A CPU-bound model for the serving benchmark: a fixed amount of pure-Python work per request (about 20 ms).

The work is MLDEPLOY_BENCH_CPU_ITERATIONS rounds of an integer loop; the harness measures once, before any server
starts, how many rounds take 20 ms here and gives both servers the same figure, so that every worker of either
server does exactly the same work per request (a calibration in each worker would differ under load).

    request  {"seed": 7}   -> {"seed": 7, "checksum": <int>}

Standard library only.
"""
import json
import os

ITERATIONS_ENV = "MLDEPLOY_BENCH_CPU_ITERATIONS"
DEFAULT_ITERATIONS = 200000


def work(seed, iterations):
    """The fixed work: a loop the interpreter cannot skip (its result depends on every step)."""
    acc = seed
    for i in range(iterations):
        acc = (acc * 31 + i) % 1000003
    return acc


def model_fn(model_dir):
    raw = os.environ.get(ITERATIONS_ENV, "")
    return {"iterations": int(raw) if raw.strip() else DEFAULT_ITERATIONS}


def input_fn(body, content_type):
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    data = json.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("seed"), int):
        raise ValueError('expected {"seed": <int>}')
    return data["seed"]


def predict_fn(seed, model):
    return {"seed": seed, "checksum": work(seed, model["iterations"])}


def output_fn(prediction, accept):
    return json.dumps(prediction), "application/json"
