"""Shared set-up of the adapter's Python tests: where the adapter and the test models are, and a server helper.

MLDEPLOY_ADAPTER_DIR: the adapter as the jar ships it (AdapterPythonUnitTest writes it); default the resources.
MLDEPLOY_TEST_MODELS: the test models (core's and the kit's, as the build copies them to target/test-classes/models);
    default core/target/test-classes/models.
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
ADAPTER = os.environ.get("MLDEPLOY_ADAPTER_DIR") or os.path.join(_HERE, "..", "..", "main", "resources", "dev",
                                                                 "mldeploy", "adapter")
MODELS = os.environ.get("MLDEPLOY_TEST_MODELS") or os.path.join(_HERE, "..", "..", "..", "target", "test-classes", "models")
if ADAPTER not in sys.path:
    sys.path.insert(0, ADAPTER)

from mldeploy_adapter import hooks  # noqa: E402


def write_model(code, files=None):
    d = tempfile.mkdtemp(prefix="model")
    with open(os.path.join(d, "inference.py"), "w") as f:
        f.write(textwrap.dedent(code))
    for name, text in (files or {}).items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    return d


def load(model_dir):
    sys.modules.pop("inference", None)
    return hooks.ModelHooks.load(model_dir)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def auth_headers(token, nonce):
    from mldeploy_adapter import serve
    return {"X-Mldeploy-Auth": serve.request_auth(token, nonce)}


def post(port, body, content_type="application/json", accept=None, timeout=30):
    """(status, headers dict, body bytes) of one POST /invocations on a new connection."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type}
        if accept:
            headers["Accept"] = accept
        c.request("POST", "/invocations", body=body if isinstance(body, bytes) else json.dumps(body),
                  headers=headers)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


class ServerCase(object):
    """Starts the server as a process (killed at the end of the test) and waits for GET /ping."""

    def start(self, model, env=None, token=None, script="mldeploy_serve.py", model_dir=None, stdout=None):
        port = free_port()
        e = dict(os.environ)
        e.update(env or {})
        if token is not None:
            e["MLDEPLOY_TOKEN_STDIN"] = "1"
        p = subprocess.Popen([sys.executable, os.path.join(ADAPTER, script), "serve", "--model-dir",
                              model_dir or os.path.join(MODELS, model), "--host", "127.0.0.1", "--port", str(port)],
                             stdin=subprocess.PIPE, stdout=stdout or subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=e)
        if token is not None:
            p.stdin.write(token + b"\n")
        p.stdin.close()
        self.addCleanup(lambda: (p.poll() is None and p.kill(), p.wait(), p.stdout and p.stdout.close()))
        return p, port

    def wait_ready(self, port, p, token=None):
        deadline = time.time() + 20
        while time.time() < deadline:
            self.assertIsNone(p.poll(), "the server exited")
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/ping", headers=auth_headers(token, "0123456789abcdef") if token else {})
                if c.getresponse().status == 200:
                    c.close()
                    return
                c.close()
            except OSError:
                pass
            time.sleep(0.05)
        self.fail("not ready")
