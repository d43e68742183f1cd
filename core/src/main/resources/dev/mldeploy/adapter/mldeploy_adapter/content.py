"""Content types: the default decoders (request body -> data) and encoders (prediction -> body) of the SageMaker
inference toolkit, without its numpy dependency.

Decoders by Content-Type: JSON (and +json) -> Python objects, text/csv -> with numpy importable and every field a
number, a float array shaped as np.genfromtxt(body, delimiter=",") shapes it (the toolkit's decoder: rows x columns,
1-D for one row or one column, an empty field NaN), otherwise a list of rows (numbers parsed), text/* -> str, application/octet-stream -> bytes, application/x-npy -> numpy array and application/x-npz -> a dict
of arrays when numpy is importable. Anything else is UnsupportedContentTypeError (415); a body that does not parse
is MalformedRequestError (400).

Encoders by Accept: JSON, text/csv, application/x-npy (numpy importable). bytes and str predictions pass through
as they are. Accept */* (or none) means SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT (default application/json); a list
("text/csv, application/json;q=0.5") is tried in order. No encoder for any: UnsupportedAcceptError (406).
"""
import csv
import io
import json
import os

from .errors import MalformedRequestError, UnsupportedAcceptError, UnsupportedContentTypeError

JSON = "application/json"
CSV = "text/csv"
NPY = "application/x-npy"
NPZ = "application/x-npz"
OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain"
ANY = "*/*"
DEFAULT_ACCEPT_ENV = "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"

try:  # optional: NPY and NPZ need it, nothing else does
    import numpy as _np
except ImportError:  # pragma: no cover - depends on the image
    _np = None


def media_type(content_type):
    """'Application/JSON; charset=utf-8' -> 'application/json'."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def charset(content_type, default="utf-8"):
    if content_type:
        for param in content_type.split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
    return default


def is_json(content_type):
    media = media_type(content_type)
    return media in ("", JSON) or media.endswith("+json")


def is_wildcard(accept):
    media = media_type(accept)
    return media == "" or media.endswith("/*")


def default_accept():
    """SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT, or application/json."""
    return os.environ.get(DEFAULT_ACCEPT_ENV) or JSON


def accepted(accept):
    """The types an Accept header lists, in order, a wildcard replaced by the default accept."""
    types = [part.strip() for part in (accept or "").split(",") if part.strip()]
    result = []
    for t in types or [ANY]:
        result.append(default_accept() if is_wildcard(t) else t)
    return result


def _text(body, content_type):
    try:
        return body.decode(charset(content_type))
    except (UnicodeDecodeError, LookupError) as exc:
        raise MalformedRequestError("the %s body is not %s text: %s" % (media_type(content_type),
                                                                        charset(content_type), exc))


def _number(field):
    for kind in (int, float):
        try:
            return kind(field)
        except ValueError:
            pass
    return field


def _decode_json(body, content_type):
    try:
        return json.loads(_text(body, content_type))
    except ValueError as exc:
        raise MalformedRequestError("the request body is not valid JSON: %s" % exc)


def _decode_csv(body, content_type):
    try:
        rows = [[_number(f.strip()) for f in row] for row in csv.reader(io.StringIO(_text(body, content_type)))
                if row]
    except csv.Error as exc:
        raise MalformedRequestError("the request body is not valid CSV: %s" % exc)
    if _np is None or not rows or not all(isinstance(f, (int, float)) or f == "" for row in rows for f in row):
        return rows  # without numpy, or not all numbers (where the toolkit would guess a structured array)
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(rows[0]):
            raise MalformedRequestError("the CSV rows have different lengths: row %d has %d fields, row 1 has %d"
                                        % (i, len(row), len(rows[0])))
    array = _np.array([[_np.nan if f == "" else f for f in row] for row in rows], dtype=float)
    return _np.squeeze(array)  # as np.genfromtxt returns it


def _require_numpy(what):
    if _np is None:
        raise UnsupportedContentTypeError("%s needs numpy, which is not installed in the model's environment; add "
                                          "numpy to requirements.txt or define input_fn" % what)


def _decode_npy(body, content_type):
    _require_numpy(NPY)
    try:
        return _np.load(io.BytesIO(body), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise MalformedRequestError("the request body is not a .npy array: %s" % exc)


def _decode_npz(body, content_type):
    _require_numpy(NPZ)
    try:
        with _np.load(io.BytesIO(body), allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError, AttributeError) as exc:
        raise MalformedRequestError("the request body is not a .npz archive: %s" % exc)


def decode(body, content_type):
    """The data for a request body; raises a RequestError when the body or its type cannot be decoded."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    media = media_type(content_type)
    if is_json(content_type):
        return _decode_json(body, content_type)
    if media == CSV:
        return _decode_csv(body, content_type)
    if media.startswith("text/"):
        return _text(body, content_type)
    if media == OCTET_STREAM:
        return body
    if media == NPY:
        return _decode_npy(body, content_type)
    if media == NPZ:
        return _decode_npz(body, content_type)
    raise UnsupportedContentTypeError("no default decoder for content type '%s'; send one of %s, or define "
                                      "input_fn(input_data, content_type) in inference.py to read it"
                                      % (content_type, ", ".join(supported_content_types())))


def supported_content_types():
    types = [JSON, CSV, "text/*", OCTET_STREAM]
    return types + ([NPY, NPZ] if _np is not None else [])


def _plain(obj):
    """numpy values as Python ones, for JSON and CSV."""
    if _np is not None:
        if isinstance(obj, _np.ndarray):
            return obj.tolist()
        if isinstance(obj, _np.generic):
            return obj.item()
    raise TypeError("%s is not JSON serializable" % type(obj).__name__)


def _encode_json(prediction):
    return json.dumps(prediction, default=_plain).encode("utf-8")


def _encode_csv(prediction):
    if _np is not None and isinstance(prediction, (_np.ndarray, _np.generic)):
        prediction = prediction.tolist()
    if isinstance(prediction, dict):
        raise TypeError("a dict has no CSV form; return rows (a list of lists) or define output_fn")
    if not isinstance(prediction, (list, tuple)):
        prediction = [prediction]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in prediction:  # a flat list is one value a line, as numpy.savetxt writes it
        writer.writerow(list(row) if isinstance(row, (list, tuple)) else [row])
    return out.getvalue().encode("utf-8")


def _encode_npy(prediction):
    out = io.BytesIO()
    _np.save(out, _np.asarray(prediction), allow_pickle=False)
    return out.getvalue()


def _encoder(media):
    if media == JSON or media.endswith("+json"):
        return _encode_json, JSON
    if media == CSV:
        return _encode_csv, CSV
    if media == NPY and _np is not None:
        return _encode_npy, NPY
    return None, None


def encode(prediction, accept):
    """(body bytes, content type) for a prediction under an Accept header; raises UnsupportedAcceptError."""
    if isinstance(prediction, (bytes, bytearray, memoryview)):
        return bytes(prediction), accept if accept and not is_wildcard(accept) else OCTET_STREAM
    if isinstance(prediction, str):
        return prediction.encode("utf-8"), accept if accept and not is_wildcard(accept) else "text/plain; charset=utf-8"
    for candidate in accepted(accept):
        fn, content_type = _encoder(media_type(candidate))
        if fn is not None:
            try:
                return fn(prediction), content_type
            except (TypeError, ValueError) as exc:
                raise TypeError("cannot write the prediction (%s) as %s: %s" % (type(prediction).__name__,
                                                                                 content_type, exc))
    encodable = [JSON, CSV] + ([NPY] if _np is not None else [])
    raise UnsupportedAcceptError("no default encoder for accept '%s'; accept one of %s, or define "
                                 "output_fn(prediction, accept) in inference.py to write it"
                                 % (accept, ", ".join(encodable)))


def normalize_output(result, accept):
    """What a user's output_fn or transform_fn returned (body, or (body, content type)) as (bytes, content type)."""
    content_type = None
    if isinstance(result, tuple) and len(result) == 2:
        result, content_type = result
    specific = accept if accept and not is_wildcard(accept) else None
    if isinstance(result, (bytes, bytearray, memoryview)):
        return bytes(result), content_type or specific or OCTET_STREAM
    if isinstance(result, str):
        return result.encode("utf-8"), content_type or specific or "text/plain; charset=utf-8"
    if _np is not None and isinstance(result, _np.ndarray) and (content_type or specific) == NPY:
        return _encode_npy(result), NPY
    return _encode_json(result), content_type or JSON
