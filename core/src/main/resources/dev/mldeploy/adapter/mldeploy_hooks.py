"""mldeploy adapter: loads a model directory's inference.py and runs its SageMaker inference-toolkit hooks.

Standard library only, Python 3.9+. Shared by the local target, the SageMaker container and the Lambda function:

    model = ModelHooks.load("/path/to/model")          # imports inference.py, calls model_fn(model_dir) once
    body, content_type = model.invoke(body_bytes, "application/json", "application/json")

A hook that raises escapes as is; error_body(exc) turns it into Lambda's error shape
{"errorType": "<type name>", "errorMessage": "<str(e)>", "stackTrace": [...]}.
"""
import importlib.util
import json
import os
import sys
import traceback

ENTRY_POINT = "inference.py"
MODULE_NAME = "inference"
JSON_CONTENT_TYPE = "application/json"


def _media_type(content_type):
    """'Application/JSON; charset=utf-8' -> 'application/json'."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def _charset(content_type, default="utf-8"):
    if content_type:
        for param in content_type.split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
    return default


def is_json(content_type):
    media = _media_type(content_type)
    return media in ("", JSON_CONTENT_TYPE) or media.endswith("+json")


def default_input_fn(body, content_type):
    """JSON content types are parsed, text/* is decoded, anything else is passed on as bytes."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if is_json(content_type):
        return json.loads(body.decode(_charset(content_type)))
    if _media_type(content_type).startswith("text/"):
        return body.decode(_charset(content_type))
    return body


def default_output_fn(prediction, accept):
    """bytes and str pass through; anything else is written as JSON."""
    specific = accept if accept and _media_type(accept) not in ("*/*", "") else None
    if isinstance(prediction, (bytes, bytearray, memoryview)):
        return bytes(prediction), specific or "application/octet-stream"
    if isinstance(prediction, str):
        return prediction.encode("utf-8"), specific or "text/plain; charset=utf-8"
    return json.dumps(prediction).encode("utf-8"), JSON_CONTENT_TYPE


def _to_bytes(result, accept):
    """Normalizes what a user's output_fn returned: body or (body, content_type)."""
    content_type = None
    if isinstance(result, tuple) and len(result) == 2:
        result, content_type = result
    if isinstance(result, (bytes, bytearray, memoryview)):
        return bytes(result), content_type or accept or "application/octet-stream"
    if isinstance(result, str):
        return result.encode("utf-8"), content_type or accept or "text/plain; charset=utf-8"
    return json.dumps(result).encode("utf-8"), content_type or JSON_CONTENT_TYPE


def error_body(exc):
    """The JSON error body (bytes) for a hook's exception: Lambda's shape."""
    return json.dumps(error_dict(exc)).encode("utf-8")


_ADAPTER_DIR = os.path.dirname(os.path.abspath(__file__))


def error_dict(exc):
    """{"errorType", "errorMessage", "stackTrace"}; the trace leaves out the adapter's own frames."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if os.path.dirname(os.path.abspath(f.filename)) != _ADAPTER_DIR]
    return {
        "errorType": type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_list(frames),
    }


class ModelHooks(object):
    """A loaded model and its hooks. Thread-safe as far as the user's hooks are."""

    def __init__(self, model_dir, module, model):
        self.model_dir = model_dir
        self.module = module
        self.model = model
        self._input_fn = getattr(module, "input_fn", None)
        self._predict_fn = getattr(module, "predict_fn")
        self._output_fn = getattr(module, "output_fn", None)

    @classmethod
    def load(cls, model_dir):
        """Imports <model_dir>/inference.py (with model_dir on sys.path) and calls model_fn(model_dir) once."""
        model_dir = os.path.abspath(model_dir)
        entry = os.path.join(model_dir, ENTRY_POINT)
        if not os.path.isfile(entry):
            raise FileNotFoundError("no %s in model directory %s" % (ENTRY_POINT, model_dir))
        if model_dir not in sys.path:
            sys.path.insert(0, model_dir)
        spec = importlib.util.spec_from_file_location(MODULE_NAME, entry)
        module = importlib.util.module_from_spec(spec)
        sys.modules[MODULE_NAME] = module
        spec.loader.exec_module(module)
        for hook in ("model_fn", "predict_fn"):
            if not callable(getattr(module, hook, None)):
                raise AttributeError("%s does not define %s" % (entry, hook))
        model = module.model_fn(model_dir)
        return cls(model_dir, module, model)

    def invoke(self, body, content_type, accept):
        """Runs input_fn -> predict_fn -> output_fn; returns (body bytes, content type). Hooks' errors escape."""
        content_type = content_type or JSON_CONTENT_TYPE
        if self._input_fn is not None:
            data = self._input_fn(body, content_type)
        else:
            data = default_input_fn(body, content_type)
        prediction = self._predict_fn(data, self.model)
        if self._output_fn is not None:
            return _to_bytes(self._output_fn(prediction, accept), accept)
        return default_output_fn(prediction, accept)
