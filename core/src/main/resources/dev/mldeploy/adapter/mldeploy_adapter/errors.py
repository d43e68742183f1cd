"""What goes wrong in a request, and the error bodies the adapter answers with.

A request the model cannot take (malformed body, a content type or accept no decoder or encoder handles) is a
RequestError: HTTP 4xx with {"errorType", "errorMessage", "statusCode"}, the header X-Mldeploy-Error: request, and
on Lambda an answer envelope carrying the status. Anything a hook raises is a model error: HTTP 500 (Lambda: a
function error) with {"errorType", "errorMessage", "stackTrace"}, Lambda's shape for a Python exception.
"""
import json
import os
import traceback

ERROR_HEADER = "X-Mldeploy-Error"
MODEL = "model"
REQUEST = "request"

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_ENTRY_POINTS = ("mldeploy_serve.py", "mldeploy_lambda.py")


class RequestError(Exception):
    """The request cannot be served as sent; the status says how (400, 406, 413, 415)."""

    status = 400
    error_type = "BadRequest"

    def __init__(self, message):
        Exception.__init__(self, message)
        self.message = message

    def to_dict(self):
        return {"errorType": self.error_type, "errorMessage": self.message, "statusCode": self.status}

    def body(self):
        return json.dumps(self.to_dict()).encode("utf-8")


class MalformedRequestError(RequestError):
    """The body is not what its content type says (JSON that does not parse, CSV that is not UTF-8...)."""
    status = 400
    error_type = "MalformedRequest"


class UnsupportedContentTypeError(RequestError):
    """No decoder for the request's content type, and the model has no input_fn."""
    status = 415
    error_type = "UnsupportedContentType"


class UnsupportedAcceptError(RequestError):
    """No encoder for any type the request accepts, and the model has no output_fn."""
    status = 406
    error_type = "UnsupportedAccept"


def _ours(filename):
    path = os.path.abspath(filename)
    return os.path.dirname(path) == _PACKAGE_DIR or os.path.basename(path) in _ENTRY_POINTS \
        and os.path.isdir(os.path.join(os.path.dirname(path), "mldeploy_adapter"))


def error_dict(exc):
    """{"errorType", "errorMessage", "stackTrace"} for a hook's exception; the trace leaves out the adapter's frames."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not _ours(f.filename)]
    return {
        "errorType": type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_list(frames),
    }


def error_body(exc):
    """The JSON error body (bytes) for a hook's exception."""
    return json.dumps(error_dict(exc)).encode("utf-8")
