"""Tests of the Python adapter (hooks, the entry points, the server as a process); run by AdapterPythonUnitTest.

Environment (see adapter_env.py): MLDEPLOY_ADAPTER_DIR (the adapter as shipped), MLDEPLOY_TEST_MODELS (core's test
models: echo, fails-on-predict, slow-load).
"""
import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from adapter_env import ADAPTER, MODELS, ServerCase, auth_headers, free_port, load, write_model  # noqa: E402
from mldeploy_adapter import errors, hooks  # noqa: E402


class DefaultInputFnTest(unittest.TestCase):
    def test_json_content_types_are_parsed(self):
        self.assertEqual({"a": 1}, hooks.default_input_fn(b'{"a": 1}', "application/json"))
        self.assertEqual([1], hooks.default_input_fn(b"[1]", "Application/JSON; charset=utf-8"))
        self.assertEqual({"b": 2}, hooks.default_input_fn(b'{"b": 2}', "application/vnd.api+json"))
        self.assertEqual(3, hooks.default_input_fn(b"3", None))

    def test_text_is_decoded_with_its_charset(self):
        self.assertEqual("grüß", hooks.default_input_fn("grüß".encode("utf-8"), "text/plain"))
        self.assertEqual("é", hooks.default_input_fn("é".encode("latin-1"), "text/plain; charset=latin-1"))
        self.assertEqual([["é", 1]], hooks.default_input_fn("é,1".encode("latin-1"), "text/csv; charset=latin-1"))

    def test_octet_stream_passes_as_bytes(self):
        self.assertEqual(b"\x00\xff", hooks.default_input_fn(b"\x00\xff", "application/octet-stream"))

    def test_bad_json_raises_a_400_request_error(self):
        with self.assertRaises(errors.MalformedRequestError) as caught:
            hooks.default_input_fn(b"{nope", "application/json")
        self.assertEqual(400, caught.exception.status)


class DefaultOutputFnTest(unittest.TestCase):
    def test_objects_become_json(self):
        self.assertEqual((b'{"a": [1, 2]}', "application/json"), hooks.default_output_fn({"a": [1, 2]}, "*/*"))

    def test_bytes_and_str_pass_through(self):
        self.assertEqual((b"\x01", "application/octet-stream"), hooks.default_output_fn(b"\x01", "*/*"))
        self.assertEqual((b"\x01", "image/png"), hooks.default_output_fn(bytearray(b"\x01"), "image/png"))
        self.assertEqual(("hé".encode("utf-8"), "text/plain; charset=utf-8"), hooks.default_output_fn("hé", None))
        self.assertEqual((b"[1]", "application/json"), hooks.default_output_fn("[1]", "application/json"))


class ModelHooksTest(unittest.TestCase):
    def test_load_calls_model_fn_once_with_the_model_dir_on_sys_path(self):
        d = write_model("""
            import helper
            calls = []
            def model_fn(model_dir):
                calls.append(model_dir)
                return helper.VALUE
            def predict_fn(data, model):
                return {"model": model, "data": data, "calls": len(calls)}
        """, {"helper.py": "VALUE = 'from helper'\n"})
        h = load(d)
        self.assertEqual([os.path.abspath(d)], h.module.calls)
        body, ctype = h.invoke(b'{"x": 1}', "application/json", "application/json")
        self.assertEqual({"model": "from helper", "data": {"x": 1}, "calls": 1}, json.loads(body))
        h.invoke(b"{}", None, None)
        self.assertEqual(1, len(h.module.calls))

    def test_user_output_fn_may_return_a_body_or_a_body_and_type(self):
        for returned, expected in [
            ('("x,y", "text/csv")', (b"x,y", "text/csv")),
            ('"plain"', (b"plain", "text/plain")),
            ('b"raw"', (b"raw", "text/plain")),
            ('(b"raw", None)', (b"raw", "text/plain")),
            ('{"k": 1}', (b'{"k": 1}', "application/json")),
        ]:
            d = write_model("""
                def model_fn(model_dir):
                    return None
                def predict_fn(data, model):
                    return data
                def output_fn(prediction, accept):
                    return %s
            """ % returned)
            self.assertEqual(expected, load(d).invoke(b"1", "application/json", "text/plain"), returned)

    def test_missing_hooks_and_files_are_reported(self):
        with self.assertRaises(FileNotFoundError):
            load(tempfile.mkdtemp())
        with self.assertRaisesRegex(AttributeError, "predict_fn"):
            load(write_model("def model_fn(model_dir):\n    return None\n"))

    def test_error_dict_has_lambdas_shape_and_only_the_models_frames(self):
        h = load(os.path.join(MODELS, "fails-on-predict"))
        try:
            h.invoke(b'{"b": 1, "a": 2}', "application/json", "application/json")
            self.fail("predict_fn should raise")
        except ValueError as e:
            err = json.loads(errors.error_body(e))
        self.assertEqual("ValueError", err["errorType"])
        self.assertEqual("expected a 'text' field, got ['a', 'b']", err["errorMessage"])
        self.assertTrue(any("predict_fn" in line for line in err["stackTrace"]), err["stackTrace"])
        self.assertFalse(any("mldeploy_adapter" in line for line in err["stackTrace"]), err["stackTrace"])


class LambdaHandlerTest(unittest.TestCase):
    def setUp(self):
        from mldeploy_adapter import lambda_handler
        sys.modules.pop("inference", None)
        lambda_handler.reset()
        self.addCleanup(lambda_handler.reset)
        self.addCleanup(os.environ.pop, "MLDEPLOY_MODEL_DIR", None)
        os.environ["MLDEPLOY_MODEL_DIR"] = os.path.join(MODELS, "echo")
        self.lam = lambda_handler

    def test_json_event_answers_json_text(self):
        out = self.lam.handler({"body": '{"text": "hi"}', "contentType": "application/json"}, None)
        self.assertEqual(200, out["statusCode"])
        self.assertFalse(out["isBase64Encoded"])
        self.assertEqual("application/json", out["contentType"])
        self.assertEqual({"echo": {"text": "hi"}, "version": "1"}, json.loads(out["body"]))

    def test_base64_event_answers_base64(self):
        raw = b"\x00\x01\xfe"
        out = self.lam.handler({"body": base64.b64encode(raw).decode(), "isBase64Encoded": True,
                                "contentType": "application/octet-stream", "accept": "application/octet-stream"}, None)
        self.assertTrue(out["isBase64Encoded"])
        self.assertEqual(raw, base64.b64decode(out["body"]))

    def test_model_error_propagates(self):
        os.environ["MLDEPLOY_MODEL_DIR"] = os.path.join(MODELS, "fails-on-predict")
        with self.assertRaises(ValueError):
            self.lam.handler({"body": "{}"}, None)


class ServeTest(ServerCase, unittest.TestCase):
    """mldeploy_serve.py as a process, as the local target and the SageMaker container run it."""

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        p, port = self.start("echo")
        self.wait_ready(port, p)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.connect()
        sock = c.sock
        for i in range(3):
            c.request("POST", "/invocations", body=json.dumps({"text": str(i)}),
                      headers={"Content-Type": "application/json", "Accept": "application/json"})
            r = c.getresponse()
            self.assertEqual(200, r.status)
            self.assertEqual("HTTP/1.1", "HTTP/1.%d" % (r.version - 10))
            body = r.read()
            self.assertEqual(str(len(body)), r.getheader("Content-Length"))
            self.assertEqual({"echo": {"text": str(i)}, "version": "1"}, json.loads(body))
        self.assertIs(sock, c.sock, "the same connection served every request")
        c.request("GET", "/ping")
        r = c.getresponse()
        self.assertEqual((200, b"", "0"), (r.status, r.read(), r.getheader("Content-Length")))
        c.request("GET", "/nope")
        r = c.getresponse()
        self.assertEqual(404, r.status)
        r.read()
        c.close()

    def test_model_error_answers_500_with_the_error_header(self):
        p, port = self.start("fails-on-predict")
        self.wait_ready(port, p)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("POST", "/invocations", body=b'{"q": 1}', headers={"Content-Type": "application/json"})
        r = c.getresponse()
        self.assertEqual(500, r.status)
        self.assertEqual("model", r.getheader("X-Mldeploy-Error"))
        self.assertEqual("application/json", r.getheader("Content-Type"))
        self.assertEqual("ValueError", json.loads(r.read())["errorType"])
        c.close()

    def test_body_over_the_limit_answers_413(self):
        p, port = self.start("echo", {"MLDEPLOY_MAX_REQUEST_BYTES": "10"})
        self.wait_ready(port, p)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("POST", "/invocations", body=b"x" * 11, headers={"Content-Type": "text/plain"})
        self.assertEqual(413, c.getresponse().status)
        c.close()
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("POST", "/invocations", body=b"x" * 10, headers={"Content-Type": "text/plain"})
        r = c.getresponse()
        self.assertEqual((200, b"x" * 10), (r.status, r.read()))
        c.close()

    def test_ping_answers_503_until_a_worker_has_loaded_the_model(self):
        for env in ({}, {"MLDEPLOY_PRELOAD_MODEL": "true"}):
            p, port = self.start("slow-load", dict(env, SLOW_LOAD_SECONDS="1.5", SAGEMAKER_MODEL_SERVER_WORKERS="2"))
            statuses = set()
            deadline = time.time() + 20
            while time.time() < deadline:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    c.request("GET", "/ping")
                    status = c.getresponse().status
                    c.close()
                    statuses.add(status)
                    if status == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.05)
            self.assertEqual({503, 200}, statuses, env)
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("POST", "/invocations", body=b'{"text": "x"}', headers={"Content-Type": "application/json"})
            self.assertEqual(200, c.getresponse().status, env)
            c.close()

    def test_sigterm_stops_cleanly(self):
        p, port = self.start("echo")
        self.wait_ready(port, p)
        p.send_signal(signal.SIGTERM)
        self.assertEqual(0, p.wait(10))

    def test_with_token_requests_without_auth_get_403_and_no_payload_reaches_the_model(self):
        from mldeploy_adapter import serve as mldeploy_serve
        token = b"f" * 64
        for script in ("mldeploy_serve.py", "mldeploy_lambda.py"):
            # two workers: whichever answers proves the identity of the process that was started
            p, port = self.start("echo", token=token, script=script, env={"SAGEMAKER_MODEL_SERVER_WORKERS": "2"})
            self.wait_ready(port, p, token)
            for headers in ({}, {"X-Mldeploy-Auth": "0123456789abcdef deadbeef"},
                            auth_headers(b"e" * 64, "0123456789abcdef")):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("POST", "/invocations", body=b'{"text": "x"}',
                          headers=dict(headers, **{"Content-Type": "application/json"}))
                r = c.getresponse()
                self.assertEqual(403, r.status, (script, headers))
                self.assertIsNone(r.getheader("X-Mldeploy-Proof"))
                r.read()
                c.close()
            nonce = "00112233445566778899aabbccddeeff"
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("POST", "/invocations", body=b'{"text": "x"}',
                      headers=dict(auth_headers(token, nonce), **{"Content-Type": "application/json"}))
            r = c.getresponse()
            self.assertEqual(200, r.status, script)
            self.assertEqual({"echo": {"text": "x"}, "version": "1"}, json.loads(r.read()))
            self.assertEqual(str(p.pid), r.getheader("X-Mldeploy-Pid"))
            self.assertEqual(mldeploy_serve.response_proof(token, nonce, p.pid), r.getheader("X-Mldeploy-Proof"))
            c.close()

    def test_with_token_stdin_and_nothing_on_it_exits_3_without_binding(self):
        p, port = self.start("echo", token=None, env={"MLDEPLOY_TOKEN_STDIN": "1"})
        self.assertEqual(3, p.wait(10))
        self.assertIn(b"no token", p.stdout.read())

    def test_token_is_not_in_the_models_environment(self):
        d = write_model("""
            import os
            def model_fn(model_dir):
                return None
            def predict_fn(data, model):
                return sorted(k for k in os.environ if k.startswith("MLDEPLOY_TOKEN"))
        """)
        token = b"a" * 64
        p, port = self.start(None, token=token, model_dir=d)
        self.wait_ready(port, p, token)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("POST", "/invocations", body=b"{}", headers=auth_headers(token, "0123456789abcdef"))
        self.assertEqual([], json.loads(c.getresponse().read()))
        c.close()

    def test_log_over_the_limit_is_rotated_keeping_one_previous_file(self):
        d = write_model("""
            def model_fn(model_dir):
                return None
            def predict_fn(data, model):
                print("x" * 999, flush=True)
                return data
        """)
        log = os.path.join(tempfile.mkdtemp(), "server.log")
        out = open(log, "ab")
        self.addCleanup(out.close)
        p, port = self.start(None, model_dir=d, stdout=out,
                             env={"MLDEPLOY_LOG_FILE": log, "MLDEPLOY_LOG_MAX_BYTES": "20000"})
        self.wait_ready(port, p)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        for _ in range(100):  # 100 KB of output
            c.request("POST", "/invocations", body=b"1", headers={"Content-Type": "application/json"})
            c.getresponse().read()
            time.sleep(0.01)
        c.close()
        time.sleep(1.2)
        self.assertTrue(os.path.exists(log + ".1"))
        self.assertLess(os.path.getsize(log), 60000)
        self.assertLess(os.path.getsize(log + ".1"), 60000)
        self.assertFalse(os.path.exists(log + ".2"))
        self.assertEqual(0o600, os.stat(log + ".1").st_mode & 0o777)

    def test_port_in_use_exits_75(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        try:
            p = subprocess.Popen([sys.executable, os.path.join(ADAPTER, "mldeploy_serve.py"), "serve", "--model-dir",
                                  os.path.join(MODELS, "echo"), "--host", "127.0.0.1", "--port", str(port)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.assertEqual(75, p.wait(10))
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
