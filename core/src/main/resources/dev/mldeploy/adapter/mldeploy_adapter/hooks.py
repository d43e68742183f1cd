"""Loads a model directory's inference.py and runs its hooks as the SageMaker inference toolkit does.

    model = ModelHooks.load("/path/to/model")          # imports inference.py, calls model_fn(model_dir) once
    body, content_type = model.invoke(body_bytes, "application/json", "application/json")

The model defines model_fn and either transform_fn(model, data, content_type, accept) or predict_fn with optional
input_fn and output_fn (not both ways: the toolkit refuses that too). A hook may take one more argument than the
toolkit passes: the context (Context below), detected from its signature. Without input_fn or output_fn the
default decoders and encoders of content.py apply. A hook that raises escapes as is; a request the defaults cannot
decode or encode raises errors.RequestError.
"""
import importlib.util
import inspect
import os
import sys

from . import content

ENTRY_POINT = "inference.py"
MODULE_NAME = "inference"
# kept for callers of the single-file adapter
JSON_CONTENT_TYPE = content.JSON
is_json = content.is_json
default_input_fn = content.decode
default_output_fn = content.encode


class Context(object):
    """What a hook taking a context argument gets: the toolkit's system_properties and the request's headers."""

    def __init__(self, model_dir, headers=None, lambda_context=None):
        self.model_dir = model_dir
        self.system_properties = {"model_dir": model_dir, "gpu_id": None}
        self.request_headers = dict(headers or {})
        self.lambda_context = lambda_context

    def get_request_header(self, idx, key):
        for name, value in self.request_headers.items():
            if name.lower() == key.lower():
                return value
        return None

    def get_all_request_header(self, idx):
        return dict(self.request_headers)


def _arity(fn):
    try:
        return len(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None


def _caller(fn, name, args):
    """A function calling fn with args, plus the context when fn takes one more argument."""
    arity = _arity(fn)
    if arity is None or arity == args:
        return lambda ctx, *a: fn(*a)
    if arity == args + 1:
        return lambda ctx, *a: fn(*(a + (ctx,)))
    raise TypeError("%s takes %d arguments; the inference toolkit passes %d (or %d with the context)"
                    % (name, arity, args, args + 1))


class ModelHooks(object):
    """A loaded model and its hooks. Thread-safe as far as the user's hooks are."""

    def __init__(self, model_dir, module, model):
        self.model_dir = model_dir
        self.module = module
        self.model = model
        transform = getattr(module, "transform_fn", None)
        if transform is not None:
            self._transform = _caller(transform, "transform_fn", 4)
        else:
            self._transform = None
            input_fn = getattr(module, "input_fn", None)
            output_fn = getattr(module, "output_fn", None)
            self._input = _caller(input_fn, "input_fn", 2) if input_fn else None
            self._predict = _caller(getattr(module, "predict_fn"), "predict_fn", 2)
            self._output = _caller(output_fn, "output_fn", 2) if output_fn else None

    @classmethod
    def load(cls, model_dir, context=None):
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
        if not callable(getattr(module, "model_fn", None)):
            raise AttributeError("%s does not define model_fn" % entry)
        has_transform = callable(getattr(module, "transform_fn", None))
        split = [h for h in ("input_fn", "predict_fn", "output_fn") if callable(getattr(module, h, None))]
        if has_transform and split:
            raise AttributeError("%s defines transform_fn and %s: use transform_fn alone, or input_fn, predict_fn "
                                 "and output_fn (as the inference toolkit requires)" % (entry, ", ".join(split)))
        if not has_transform and "predict_fn" not in split:
            raise AttributeError("%s defines neither predict_fn nor transform_fn" % entry)
        load = _caller(module.model_fn, "model_fn", 1)
        model = load(context or Context(model_dir), model_dir)
        return cls(model_dir, module, model)

    def context(self, headers=None, lambda_context=None):
        return Context(self.model_dir, headers, lambda_context)

    def invoke(self, body, content_type, accept, context=None):
        """One request through the hooks; returns (body bytes, content type). Hooks' errors escape."""
        content_type = content_type or content.JSON
        accept = accept or content.ANY
        ctx = context if context is not None else Context(self.model_dir)
        if self._transform is not None:
            # the toolkit hands transform_fn the accept with */* already replaced by the default
            resolved = content.accepted(accept)[0] if content.is_wildcard(accept) else accept
            return content.normalize_output(self._transform(ctx, self.model, body, content_type, resolved), accept)
        data = self._input(ctx, body, content_type) if self._input else content.decode(body, content_type)
        prediction = self._predict(ctx, data, self.model)
        if self._output is not None:
            resolved = content.accepted(accept)[0] if content.is_wildcard(accept) else accept
            # a body returned without its type under a wildcard accept is octet-stream (or text), never "*/*"
            return content.normalize_output(self._output(ctx, prediction, resolved), accept)
        return content.encode(prediction, accept)
