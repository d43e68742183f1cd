"""The baseline of the serving benchmark: the smallest WSGI app serving a model's hooks, for gunicorn.

    MLDEPLOY_BENCH_MODEL_DIR=/path/to/model python3 -m gunicorn --workers N wsgi_app:app

GET /ping answers 200; POST /invocations runs input_fn, predict_fn and output_fn of <model dir>/inference.py (both
benchmark models define all three) and answers what output_fn returns. Each gunicorn worker imports this module and
so loads the model once, as each adapter worker does. Nothing else: no limits, no identity, no error mapping beyond
a 500, so that the comparison measures the adapter against the least a server must do.
"""
import importlib.util
import os
import sys

MODEL_DIR = os.path.abspath(os.environ["MLDEPLOY_BENCH_MODEL_DIR"])
sys.path.insert(0, MODEL_DIR)
_spec = importlib.util.spec_from_file_location("inference", os.path.join(MODEL_DIR, "inference.py"))
inference = importlib.util.module_from_spec(_spec)
sys.modules["inference"] = inference
_spec.loader.exec_module(inference)
MODEL = inference.model_fn(MODEL_DIR)


def app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "")
    if method == "GET" and path == "/ping":
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]
    if method == "POST" and path == "/invocations":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        content_type = environ.get("CONTENT_TYPE") or "application/json"
        accept = environ.get("HTTP_ACCEPT") or "application/json"
        try:
            data = inference.input_fn(body, content_type)
            out = inference.output_fn(inference.predict_fn(data, MODEL), accept)
        except Exception as exc:  # noqa: BLE001 - any model error is a 500, as the adapter answers it
            out = (repr(exc), "text/plain")
            status = "500 Internal Server Error"
        else:
            status = "200 OK"
        body, out_type = out if isinstance(out, tuple) else (out, accept)
        if isinstance(body, str):
            body = body.encode("utf-8")
        start_response(status, [("Content-Type", out_type), ("Content-Length", str(len(body)))])
        return [body]
    start_response("404 Not Found", [("Content-Length", "0")])
    return [b""]
