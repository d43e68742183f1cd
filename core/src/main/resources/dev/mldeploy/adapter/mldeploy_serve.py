"""mldeploy adapter: serves a model over the SageMaker hosting contract.

    python3 mldeploy_serve.py serve [--model-dir DIR] [--host H] [--port P]

GET /ping answers 200 with an empty body once model_fn has returned (503 before); POST /invocations runs the
hooks. A model error answers 500 with {"errorType", "errorMessage", "stackTrace"}, Content-Type application/json
and the header X-Mldeploy-Error: model. HTTP/1.1 keep-alive, Content-Length on every answer. If model_fn raises,
the traceback goes to stderr and the process exits with status 1; a port already taken exits with status 75.
SIGTERM stops the server cleanly. Request and response bodies are never logged.

Standard library only, Python 3.9+.
"""
import argparse
import errno
import json
import os
import signal
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mldeploy_hooks  # noqa: E402

EXIT_MODEL_LOAD_FAILED = 1
EXIT_PORT_IN_USE = 75
DEFAULT_MAX_REQUEST_BYTES = 6 * 1024 * 1024
MODEL_ERROR_HEADER = "X-Mldeploy-Error"


def _default_model_dir():
    for candidate in ("/opt/ml/model/code", "/opt/ml/model"):
        if os.path.isfile(os.path.join(candidate, mldeploy_hooks.ENTRY_POINT)):
            return candidate
    return "/opt/ml/model/code"


def _log(message):
    sys.stderr.write("mldeploy_serve: %s\n" % message)
    sys.stderr.flush()


class ModelState(object):
    """Holds the loaded model; None until model_fn returned."""

    def __init__(self, max_request_bytes):
        self.hooks = None
        self.max_request_bytes = max_request_bytes


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mldeploy"
    sys_version = ""
    # the whole answer goes out in one write; no Nagle delay between headers and body
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass  # no access log: it would cost time on every request; errors are reported below

    def _send(self, status, body=b"", content_type=None, extra=None):
        head = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("",))[0])]
        if content_type:
            head.append("Content-Type: " + content_type)
        head.append("Content-Length: %d" % len(body))
        if extra:
            for key, value in extra.items():
                head.append("%s: %s" % (key, value))
        if self.close_connection:
            head.append("Connection: close")
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def _send_json(self, status, obj, extra=None):
        self._send(status, json.dumps(obj).encode("utf-8"), "application/json", extra)

    def _read_body(self):
        """The request body, or None after answering an error."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > self.server.state.max_request_bytes:
                    self.close_connection = True
                    self._too_large(total)
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            length = int(length)
        except ValueError:
            self.close_connection = True
            self._send_json(400, {"error": "bad Content-Length"})
            return None
        if length > self.server.state.max_request_bytes:
            self.close_connection = True
            self._too_large(length)
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away mid-body: never run the model on a truncated request
            self.close_connection = True
            return None
        return body

    def _too_large(self, size):
        self._send_json(413, {"error": "request body of %d bytes is over the %d-byte limit"
                                       % (size, self.server.state.max_request_bytes)})

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/ping":
            if self.server.state.hooks is not None:
                self._send(200)
            else:
                self._send_json(503, {"error": "model is loading"})
        else:
            self._send_json(404, {"error": "no such path: GET " + path})

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        body = self._read_body()
        if body is None:
            return
        if path != "/invocations":
            self._send_json(404, {"error": "no such path: POST " + path})
            return
        hooks = self.server.state.hooks
        if hooks is None:
            self._send_json(503, {"error": "model is loading"})
            return
        try:
            out, content_type = hooks.invoke(body, self.headers.get("Content-Type"), self.headers.get("Accept"))
        except Exception as exc:  # noqa: BLE001 - every model error becomes the error body
            _log("model raised %s (request failed with HTTP 500)" % type(exc).__name__)
            self._send(500, mldeploy_hooks.error_body(exc), "application/json", {MODEL_ERROR_HEADER: "model"})
            return
        self._send(200, out, content_type)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, state):
        self.state = state
        ThreadingHTTPServer.__init__(self, address, Handler)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout)):
            return  # the client went away
        _log("error handling a request: %r" % (exc,))


def serve(model_dir, host, port, max_request_bytes=DEFAULT_MAX_REQUEST_BYTES, hooks_loader=None):
    """Binds, loads the model (ping answers 503 meanwhile), serves until SIGTERM or SIGINT. Returns an exit status."""
    state = ModelState(max_request_bytes)
    try:
        server = Server((host, port), state)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            _log("port %d on %s is already in use" % (port, host))
            return EXIT_PORT_IN_USE
        raise
    stop = threading.Event()

    def on_signal(signum, frame):
        if state.hooks is None:
            _log("stopped by signal %d while loading the model" % signum)
            os._exit(128 + signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="mldeploy-http", daemon=True)
    thread.start()
    _log("listening on %s:%d; loading the model from %s" % (host, server.server_address[1], model_dir))
    try:
        state.hooks = (hooks_loader or mldeploy_hooks.ModelHooks.load)(model_dir)
    except BaseException:  # noqa: BLE001 - any failure to load ends the process
        traceback.print_exc()
        _log("model_fn failed; exiting")
        server.shutdown()
        server.server_close()
        return EXIT_MODEL_LOAD_FAILED
    _log("model loaded; serving")
    while not stop.wait(0.5):
        pass
    _log("stopping")
    server.shutdown()
    server.server_close()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mldeploy_serve.py", description="serve a model (SageMaker contract)")
    sub = parser.add_subparsers(dest="command")
    s = sub.add_parser("serve", help="serve GET /ping and POST /invocations")
    s.add_argument("--model-dir", default=None)
    s.add_argument("--host", default="0.0.0.0")
    s.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    if args.command != "serve":
        parser.print_help(sys.stderr)
        return 2
    if os.environ.get("MLDEPLOY_SETSID") == "1" and hasattr(os, "setsid"):
        try:
            os.setsid()  # a session of its own: outlives the process (and the terminal) that started it
        except OSError:
            pass
    port = args.port if args.port is not None else int(os.environ.get("SAGEMAKER_BIND_TO_PORT", "8080"))
    max_bytes = int(os.environ.get("MLDEPLOY_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES))
    return serve(args.model_dir or _default_model_dir(), args.host, port, max_bytes)


if __name__ == "__main__":
    sys.exit(main())
