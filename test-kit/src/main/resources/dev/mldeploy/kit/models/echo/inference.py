"""Test model: answers what it was sent.

JSON {"text": "hi"}  -> {"echo": {"text": "hi"}, "version": "1"}   (application/json; version is $ECHO_VERSION or "1")
text/plain "hi"      -> "hi"                                        (the request's Accept, else text/plain)
other bytes b"..."   -> the same bytes                              (the request's Accept, else application/octet-stream)
"""
import os


def model_fn(model_dir):
    return {"version": os.environ.get("ECHO_VERSION", "1")}


def predict_fn(data, model):
    if isinstance(data, (bytes, str)):
        return data
    return {"echo": data, "version": model["version"]}
