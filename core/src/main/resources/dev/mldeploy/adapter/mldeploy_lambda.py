"""mldeploy adapter: the AWS Lambda handler over the same hooks as the SageMaker adapter.

Handler name: mldeploy_lambda.handler. The model is loaded once per execution environment, from the directory this
file is in (the task root on Lambda; MLDEPLOY_MODEL_DIR overrides it).

Event (what mldeploy's Java invoker sends):
    {"body": <str>, "isBase64Encoded": <bool>, "contentType": <str>, "accept": <str>}
  The body is the request text when the content type is textual (JSON, text/*) and the bytes are UTF-8, else
  base64. An event without "body" (a plain `aws lambda invoke --payload '{...}'`) is itself the JSON request; an
  API Gateway or function URL event (body + headers) works too.
Answer:
    {"statusCode": 200, "body": <str>, "isBase64Encoded": <bool>, "contentType": <str>}
  under the same text-or-base64 rule, so a client sees the same bytes and content type from either target.

A hook's exception propagates: Lambda reports it as a function error (X-Amz-Function-Error: Unhandled) with
{"errorType": <Python type>, "errorMessage": <str(e)>, "stackTrace": [...]}, the adapter's own error shape.

Serve mode runs the handler behind the SageMaker contract, for the local target (`--contract lambda`):
    python3 mldeploy_lambda.py serve --model-dir DIR --host 127.0.0.1 --port P
GET /ping and POST /invocations come from mldeploy_serve.py; each request is turned into exactly the event a Lambda
invocation carries and handed to handler(), and the answer envelope is unwrapped.

Standard library only, Python 3.9+.
"""
import argparse
import base64
import json
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mldeploy_hooks  # noqa: E402

_lock = threading.Lock()
_hooks = None
_model_dir_override = None


def _model_dir():
    return (_model_dir_override or os.environ.get("MLDEPLOY_MODEL_DIR") or os.environ.get("LAMBDA_TASK_ROOT")
            or os.path.dirname(os.path.abspath(__file__)))


def _load():
    """The loaded model: model_fn runs once per execution environment, on the first request."""
    global _hooks
    if _hooks is None:
        with _lock:
            if _hooks is None:
                _hooks = mldeploy_hooks.ModelHooks.load(_model_dir())
    return _hooks


def is_text(content_type):
    """Whether a body of this content type travels as text (JSON, +json, text/*) rather than base64."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media.startswith("text/") or (media != "" and mldeploy_hooks.is_json(content_type))


def encode_body(body, content_type):
    """(string, is_base64) for bytes: text for textual UTF-8 content, base64 otherwise. The Java side does the same."""
    if is_text(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def make_event(body, content_type, accept):
    """The event mldeploy's invoker sends for one request."""
    text, b64 = encode_body(body, content_type)
    return {"body": text, "isBase64Encoded": b64, "contentType": content_type or mldeploy_hooks.JSON_CONTENT_TYPE,
            "accept": accept or mldeploy_hooks.JSON_CONTENT_TYPE}


def _header(headers, name):
    if isinstance(headers, dict):
        for key, value in headers.items():
            if isinstance(key, str) and key.lower() == name:
                return value
    return None


def _decode_event(event):
    """(body bytes, content type, accept) from an mldeploy, API Gateway or plain event."""
    if not isinstance(event, dict) or "body" not in event:
        # a direct invoke whose payload is the request itself
        return json.dumps(event).encode("utf-8"), mldeploy_hooks.JSON_CONTENT_TYPE, mldeploy_hooks.JSON_CONTENT_TYPE
    headers = event.get("headers")
    content_type = event.get("contentType") or _header(headers, "content-type") or mldeploy_hooks.JSON_CONTENT_TYPE
    accept = event.get("accept") or _header(headers, "accept") or mldeploy_hooks.JSON_CONTENT_TYPE
    body = event.get("body")
    if body is None:
        body = b""
    elif event.get("isBase64Encoded"):
        body = base64.b64decode(body)
    elif isinstance(body, str):
        body = body.encode("utf-8")
    else:
        body = json.dumps(body).encode("utf-8")
    return body, content_type, accept


def handler(event, context):
    """Lambda's entry point: one request through input_fn -> predict_fn -> output_fn. Hooks' errors propagate."""
    hooks = _load()
    body, content_type, accept = _decode_event(event)
    out, out_type = hooks.invoke(body, content_type, accept)
    text, b64 = encode_body(out, out_type)
    return {"statusCode": 200, "body": text, "isBase64Encoded": b64, "contentType": out_type}


class LocalContext(object):
    """The parts of Lambda's context object a handler may read, for serve mode."""

    def __init__(self, timeout_seconds=900):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "mldeploy-local")
        self.function_version = "$LATEST"
        self.invoked_function_arn = "arn:aws:lambda:local:000000000000:function:" + self.function_name
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = "/aws/lambda/" + self.function_name
        self.log_stream_name = "local"
        self._deadline = time.time() + timeout_seconds

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.time()) * 1000))


class LambdaBridge(object):
    """What mldeploy_serve.serve calls per request: builds the Lambda event, calls handler(), unwraps the answer."""

    def invoke(self, body, content_type, accept):
        answer = handler(make_event(body, content_type, accept), LocalContext())
        out = answer.get("body") or ""
        if answer.get("isBase64Encoded"):
            out = base64.b64decode(out)
        else:
            out = out.encode("utf-8")
        return out, answer.get("contentType")


def _bridge_loader(model_dir):
    """Loads the model through the handler's own loader (as the first Lambda invocation would) and bridges to it."""
    global _model_dir_override
    _model_dir_override = model_dir
    _load()
    return LambdaBridge()


def main(argv=None):
    import mldeploy_serve  # the HTTP server of the SageMaker contract, shared rather than copied

    parser = argparse.ArgumentParser(prog="mldeploy_lambda.py",
                                     description="run the Lambda handler behind GET /ping and POST /invocations")
    sub = parser.add_subparsers(dest="command")
    s = sub.add_parser("serve", help="serve the model through handler(event, context)")
    s.add_argument("--model-dir", default=None)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    if args.command != "serve":
        parser.print_help(sys.stderr)
        return 2
    if os.environ.get("MLDEPLOY_SETSID") == "1" and hasattr(os, "setsid"):
        try:
            os.setsid()  # a session of its own: outlives the process that started it
        except OSError:
            pass
    max_bytes = int(os.environ.get("MLDEPLOY_MAX_REQUEST_BYTES", mldeploy_serve.DEFAULT_MAX_REQUEST_BYTES))
    return mldeploy_serve.serve(os.path.abspath(args.model_dir or _model_dir()), args.host, args.port, max_bytes,
                                hooks_loader=_bridge_loader)


if __name__ == "__main__":
    sys.exit(main())
