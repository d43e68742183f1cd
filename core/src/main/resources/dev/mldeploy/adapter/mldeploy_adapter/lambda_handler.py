"""The AWS Lambda handler over the same hooks as the SageMaker server.

The model is loaded when the handler module is imported (init()), so that Lambda's initialisation phase, and
provisioned concurrency, run model_fn; an exception in model_fn then fails the import, which Lambda reports as
Runtime.InitError with its traceback. The model directory is MLDEPLOY_MODEL_DIR, else LAMBDA_TASK_ROOT, else the
directory of the entry point.

Event (what mldeploy's Java invoker sends):
    {"body": <str>, "isBase64Encoded": <bool>, "contentType": <str>, "accept": <str>}
  The body is the request text when the content type is textual (JSON, text/*) and the bytes are UTF-8, else
  base64. An event without "body" (a plain `aws lambda invoke --payload '{...}'`) is itself the JSON request; an
  API Gateway or function URL event (body + headers) works too.
Answer:
    {"statusCode": 200, "body": <str>, "isBase64Encoded": <bool>, "contentType": <str>}
  under the same text-or-base64 rule. A request the defaults cannot decode or encode answers its 4xx status in the
  envelope with the body {"errorType", "errorMessage", "statusCode"} (and "errorType" beside "statusCode"). A hook's
  exception propagates: Lambda reports a function error with {"errorType", "errorMessage", "stackTrace"}.
"""
import base64
import json
import os
import threading
import time
import uuid

from . import content, errors
from .hooks import ModelHooks

_lock = threading.Lock()
_hooks = None
_model_dir_override = None


def model_dir(entry_dir=None):
    return (_model_dir_override or os.environ.get("MLDEPLOY_MODEL_DIR") or os.environ.get("LAMBDA_TASK_ROOT")
            or entry_dir or os.getcwd())


def init(entry_dir=None):
    """Loads the model now (once per execution environment); model_fn's exception propagates."""
    global _hooks
    with _lock:
        if _hooks is None:
            _hooks = ModelHooks.load(model_dir(entry_dir))
    return _hooks


def reset():
    """Forgets the loaded model (tests)."""
    global _hooks, _model_dir_override
    with _lock:
        _hooks = None
        _model_dir_override = None


def _loaded():
    return _hooks if _hooks is not None else init()


def is_text(content_type):
    """Whether a body of this content type travels as text (JSON, +json, text/*) rather than base64."""
    media = content.media_type(content_type)
    return media.startswith("text/") or (media != "" and content.is_json(content_type))


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
    return {"body": text, "isBase64Encoded": b64, "contentType": content_type or content.JSON,
            "accept": accept or content.JSON}


def _header(headers, name):
    if isinstance(headers, dict):
        for key, value in headers.items():
            if isinstance(key, str) and key.lower() == name:
                return value
    return None


def decode_event(event):
    """(body bytes, content type, accept, headers) from an mldeploy, API Gateway or plain event."""
    if not isinstance(event, dict) or "body" not in event:
        # a direct invoke whose payload is the request itself
        return json.dumps(event).encode("utf-8"), content.JSON, content.JSON, {}
    headers = event.get("headers")
    content_type = event.get("contentType") or _header(headers, "content-type") or content.JSON
    accept = event.get("accept") or _header(headers, "accept") or content.JSON
    body = event.get("body")
    if body is None:
        body = b""
    elif event.get("isBase64Encoded"):
        body = base64.b64decode(body)
    elif isinstance(body, str):
        body = body.encode("utf-8")
    else:
        body = json.dumps(body).encode("utf-8")
    return body, content_type, accept, headers if isinstance(headers, dict) else {}


def answer(status, body, content_type):
    text, b64 = encode_body(body, content_type)
    return {"statusCode": status, "body": text, "isBase64Encoded": b64, "contentType": content_type}


def handler(event, context):
    """Lambda's entry point: one request through the hooks. Hooks' errors propagate; request errors answer 4xx."""
    hooks = _loaded()
    body, content_type, accept, headers = decode_event(event)
    try:
        out, out_type = hooks.invoke(body, content_type, accept, hooks.context(headers, context))
    except errors.RequestError as exc:
        result = answer(exc.status, exc.body(), "application/json")
        result["errorType"] = exc.error_type
        return result
    return answer(200, out, out_type)


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
    """What the server calls per request in serve mode: builds the Lambda event, calls handler(), unwraps it."""

    def context(self, headers=None):
        return None

    def invoke(self, body, content_type, accept, context=None):
        result = handler(make_event(body, content_type, accept), LocalContext())
        out = result.get("body") or ""
        out = base64.b64decode(out) if result.get("isBase64Encoded") else out.encode("utf-8")
        status = result.get("statusCode", 200)
        if status != 200:
            raise _EnvelopeError(status, result.get("errorType") or "BadRequest", out)
        return out, result.get("contentType")


class _EnvelopeError(errors.RequestError):
    """A 4xx answer of the handler, passed on by serve mode as the same status and body."""

    def __init__(self, status, error_type, body):
        errors.RequestError.__init__(self, "HTTP %d" % status)
        self.status = status
        self.error_type = error_type
        self._body = body

    def body(self):
        return self._body


def serve(model_dir_arg, host, port):
    """Serve mode: the handler behind GET /ping and POST /invocations, one worker (Lambda runs one request per
    execution environment). The model loads before the server forks, as at Lambda's init: model_fn's failure is a
    failed start (exit status 1, the traceback in the log)."""
    from . import serve as server

    def load(directory):
        global _model_dir_override
        _model_dir_override = directory
        init()
        return LambdaBridge()

    return server.serve(os.path.abspath(model_dir_arg), host, port, hooks_loader=load, workers=1, preload=True)
