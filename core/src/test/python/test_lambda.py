"""The Lambda handler: the model loads at import (init), request errors in the envelope, toolkit-style models."""
import base64
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

from adapter_env import ADAPTER, ServerCase, post, write_model
from mldeploy_adapter import lambda_handler

TRANSFORM_ONLY = """
    import json
    def model_fn(model_dir):
        return {"scale": 2}
    def transform_fn(model, data, content_type, accept):
        values = json.loads(data)
        return json.dumps([v * model["scale"] for v in values]), "application/json"
"""

WITH_CONTEXT = """
    def model_fn(model_dir, context):
        return {"dir": context.system_properties["model_dir"]}
    def input_fn(body, content_type, context):
        return body.decode()
    def predict_fn(data, model, context):
        return {"upper": data.upper(), "has_context": context is not None}
    def output_fn(prediction, accept, context):
        import json
        return json.dumps(prediction), "application/json"
"""

ECHO_ARRAYS = """
    def model_fn(model_dir):
        return None
    def predict_fn(data, model):
        return data
"""


def run_python(code, env):
    e = dict(os.environ)
    e.update(env)
    return subprocess.run([sys.executable, "-B", "-c", code], env=e, capture_output=True, text=True, timeout=60)


class LambdaInitTest(unittest.TestCase):
    def test_importing_the_handler_module_loads_the_model_before_any_event(self):
        record = os.path.join(tempfile.mkdtemp(), "loads")
        d = write_model("""
            def model_fn(model_dir):
                open(%r, "a").write("load\\n")
            def predict_fn(data, model):
                return data
        """ % record)
        code = ("import os, sys; sys.path.insert(0, %r)\n"
                "import mldeploy_lambda\n"
                "print(open(%r).read().count('load'))\n"
                "mldeploy_lambda.handler({'body': '[1]'}, None)\n"
                "print(open(%r).read().count('load'))\n" % (ADAPTER, record, record))
        out = run_python(code, {"MLDEPLOY_MODEL_DIR": d})
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertEqual(["1", "1"], out.stdout.split(), "loaded at import, not again on the first event")

    def test_model_fn_failing_fails_the_import_with_its_traceback(self):
        d = write_model("""
            def model_fn(model_dir):
                raise RuntimeError("weights missing")
            def predict_fn(data, model):
                return data
        """)
        out = run_python("import sys; sys.path.insert(0, %r)\nimport mldeploy_lambda\n" % ADAPTER,
                         {"MLDEPLOY_MODEL_DIR": d})
        self.assertNotEqual(0, out.returncode)
        self.assertIn("Traceback", out.stderr)
        self.assertIn("RuntimeError: weights missing", out.stderr)
        self.assertIn("model_fn", out.stderr)


class LambdaHandlerContractTest(unittest.TestCase):
    def use(self, code):
        lambda_handler.reset()
        sys.modules.pop("inference", None)
        self.addCleanup(lambda_handler.reset)
        self.addCleanup(os.environ.pop, "MLDEPLOY_MODEL_DIR", None)
        os.environ["MLDEPLOY_MODEL_DIR"] = write_model(code)
        lambda_handler.init()

    def test_a_transform_fn_model_is_served_unchanged(self):
        self.use(TRANSFORM_ONLY)
        out = lambda_handler.handler({"body": "[1, 2]", "contentType": "application/json"}, None)
        self.assertEqual((200, [2, 4]), (out["statusCode"], json.loads(out["body"])))

    def test_hooks_taking_a_context_are_served_unchanged_with_the_lambda_context(self):
        self.use(WITH_CONTEXT)
        out = lambda_handler.handler({"body": "abc", "contentType": "text/plain"}, object())
        self.assertEqual({"upper": "ABC", "has_context": True}, json.loads(out["body"]))

    def test_csv_and_npy_round_trips(self):
        self.use(ECHO_ARRAYS)
        out = lambda_handler.handler({"body": "1,2\n3,4\n", "contentType": "text/csv", "accept": "text/csv"}, None)
        self.assertEqual(("1.0,2.0\n3.0,4.0\n", "text/csv"), (out["body"], out["contentType"]), "as a float array")
        buf = io.BytesIO()
        np.save(buf, np.array([[1.5, -2.0]]))
        out = lambda_handler.handler({"body": base64.b64encode(buf.getvalue()).decode(), "isBase64Encoded": True,
                                      "contentType": "application/x-npy", "accept": "application/x-npy"}, None)
        self.assertTrue(out["isBase64Encoded"])
        self.assertEqual([[1.5, -2.0]], np.load(io.BytesIO(base64.b64decode(out["body"]))).tolist())

    def test_a_request_the_defaults_cannot_read_answers_its_status_in_the_envelope(self):
        self.use(ECHO_ARRAYS)
        out = lambda_handler.handler({"body": "{nope", "contentType": "application/json"}, None)
        self.assertEqual(400, out["statusCode"])
        self.assertEqual("MalformedRequest", json.loads(out["body"])["errorType"])
        out = lambda_handler.handler({"body": "eA==", "isBase64Encoded": True, "contentType": "image/png"}, None)
        self.assertEqual((415, "UnsupportedContentType"), (out["statusCode"], out["errorType"]))


class ServedUnchangedTest(ServerCase, unittest.TestCase):
    """The same toolkit-style models through both local contracts' servers."""

    def test_transform_fn_and_context_models_through_both_contracts(self):
        for script in ("mldeploy_serve.py", "mldeploy_lambda.py"):
            p, port = self.start(None, model_dir=write_model(TRANSFORM_ONLY), script=script)
            self.wait_ready(port, p)
            status, headers, body = post(port, b"[3]")
            self.assertEqual((200, [6]), (status, json.loads(body)), script)
            p, port = self.start(None, model_dir=write_model(WITH_CONTEXT), script=script)
            self.wait_ready(port, p)
            status, headers, body = post(port, b"xy", "text/plain")
            self.assertEqual((200, "XY"), (status, json.loads(body)["upper"]), script)

    def test_npy_and_csv_round_trips_through_the_server(self):
        p, port = self.start(None, model_dir=write_model(ECHO_ARRAYS))
        self.wait_ready(port, p)
        buf = io.BytesIO()
        np.save(buf, np.arange(4, dtype=np.int32))
        status, headers, body = post(port, buf.getvalue(), "application/x-npy", "application/x-npy")
        self.assertEqual((200, "application/x-npy"), (status, headers["content-type"]))
        self.assertEqual([0, 1, 2, 3], np.load(io.BytesIO(body)).tolist())
        status, headers, body = post(port, b"1,2\n", "text/csv", "text/csv")
        self.assertEqual((200, b"1.0\n2.0\n", "text/csv"), (status, body, headers["content-type"]),
                         "one row decodes to a 1-D float array, written one value a line as numpy.savetxt does")

    def test_lambda_serve_mode_reports_a_failing_model_fn_as_a_failed_start_with_the_traceback(self):
        p, port = self.start("fails-on-load", script="mldeploy_lambda.py")
        self.assertEqual(1, p.wait(30))
        out = p.stdout.read().decode()
        self.assertIn("Traceback", out)
        self.assertIn("model_fn", out)

    def test_lambda_serve_mode_passes_a_refused_request_on_with_its_status(self):
        p, port = self.start(None, model_dir=write_model(ECHO_ARRAYS), script="mldeploy_lambda.py")
        self.wait_ready(port, p)
        status, headers, body = post(port, b"x", "image/png")
        self.assertEqual((415, "request"), (status, headers["x-mldeploy-error"]))
        self.assertEqual("UnsupportedContentType", json.loads(body)["errorType"])


if __name__ == "__main__":
    unittest.main()
