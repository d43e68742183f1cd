"""mldeploy adapter: AWS Lambda handler over the same hooks (handler name: mldeploy_lambda.handler).

Event:  {"body": <str, or base64 when isBase64Encoded>, "isBase64Encoded": bool, "contentType": ..., "accept": ...}
Answer: {"statusCode": 200, "body": <str or base64>, "isBase64Encoded": bool, "contentType": ...}

The model is loaded once per execution environment (model_fn gets the task root). An exception raised by a hook
propagates, so Lambda reports it as a function error {"errorType", "errorMessage", "stackTrace"}.
Standard library only, Python 3.9+.
"""
import base64
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mldeploy_hooks  # noqa: E402

_lock = threading.Lock()
_hooks = None


def _model_dir():
    return os.environ.get("MLDEPLOY_MODEL_DIR") or os.environ.get("LAMBDA_TASK_ROOT") \
        or os.path.dirname(os.path.abspath(__file__))


def _load():
    global _hooks
    if _hooks is None:
        with _lock:
            if _hooks is None:
                _hooks = mldeploy_hooks.ModelHooks.load(_model_dir())
    return _hooks


def _is_text(content_type):
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media.startswith("text/") or mldeploy_hooks.is_json(content_type) and media != ""


def handler(event, context):
    hooks = _load()
    event = event or {}
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body)
    elif isinstance(body, str):
        body = body.encode("utf-8")
    content_type = event.get("contentType") or mldeploy_hooks.JSON_CONTENT_TYPE
    accept = event.get("accept") or mldeploy_hooks.JSON_CONTENT_TYPE
    out, out_type = hooks.invoke(body, content_type, accept)
    if _is_text(out_type):
        try:
            return {"statusCode": 200, "body": out.decode("utf-8"), "isBase64Encoded": False,
                    "contentType": out_type}
        except UnicodeDecodeError:
            pass
    return {"statusCode": 200, "body": base64.b64encode(out).decode("ascii"), "isBase64Encoded": True,
            "contentType": out_type}
