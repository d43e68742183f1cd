"""mldeploy adapter: serves a model over the SageMaker hosting contract.

    python3 mldeploy_serve.py serve [--model-dir DIR] [--host H] [--port P]

GET /ping answers 200 with an empty body once model_fn has returned (503 before); POST /invocations runs the
hooks. A model error answers 500 with {"errorType", "errorMessage", "stackTrace"}, Content-Type application/json
and the header X-Mldeploy-Error: model. HTTP/1.1 keep-alive, Content-Length on every answer. If model_fn raises,
the traceback goes to stderr and the process exits with status 1; a port already taken exits with status 75.
SIGTERM stops the server cleanly. Request and response bodies are never logged.

Identity (the local target): with MLDEPLOY_TOKEN_STDIN=1 the server first reads a per-deployment secret token from
one line of stdin (it exits with status 3, having done nothing, when stdin ends first: the process that started it
is gone and nobody recorded it). The token is never in the environment, so nothing the model starts inherits it.
Then every request must carry "X-Mldeploy-Auth: <nonce> <hmac>" (hex HMAC-SHA256 of "request\n<nonce>" keyed by
the token) or is answered 403 without being read; every answer to it carries "X-Mldeploy-Pid: <pid>" and
"X-Mldeploy-Proof: <hmac of response\n<nonce>\n<pid>>", so that the caller knows it talks to this process and not
to another that took the port. Without MLDEPLOY_TOKEN_STDIN (SageMaker) no header is required or sent.

Log bound (the local target): with MLDEPLOY_LOG_FILE (stdout and stderr, opened for append) and
MLDEPLOY_LOG_MAX_BYTES, a thread copies the log to <file>.1 and empties it whenever it grows past the limit (a
line written during the copy may be lost).

Standard library only, Python 3.9+.
"""
import argparse
import errno
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mldeploy_hooks  # noqa: E402

EXIT_MODEL_LOAD_FAILED = 1
EXIT_NO_TOKEN = 3
EXIT_PORT_IN_USE = 75
AUTH_HEADER = "X-Mldeploy-Auth"
PROOF_HEADER = "X-Mldeploy-Proof"
PID_HEADER = "X-Mldeploy-Pid"
LOG_CHECK_SECONDS = 0.5
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


def _mac(token, text):
    return hmac.new(token, text.encode("ascii"), hashlib.sha256).hexdigest()


def request_auth(token, nonce):
    """The X-Mldeploy-Auth value a caller holding the token sends (what mldeploy's Java invoker computes)."""
    return "%s %s" % (nonce, _mac(token, "request\n" + nonce))


def response_proof(token, nonce, pid):
    """The X-Mldeploy-Proof value this process answers with."""
    return _mac(token, "response\n%s\n%d" % (nonce, pid))


def take_token(stream=None):
    """The token from one line of stdin when MLDEPLOY_TOKEN_STDIN=1, b"" when stdin ended first; None otherwise."""
    if os.environ.pop("MLDEPLOY_TOKEN_STDIN", None) != "1":
        return None
    line = (stream or sys.stdin).readline().strip()
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)  # nothing else reads the token
        os.close(devnull)
    except OSError:
        pass
    return line.encode("ascii", "replace")


class ModelState(object):
    """Holds the loaded model; None until model_fn returned."""

    def __init__(self, max_request_bytes, token=None):
        self.hooks = None
        self.max_request_bytes = max_request_bytes
        self.token = token
        self.pid = os.getpid()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mldeploy"
    sys_version = ""
    # the whole answer goes out in one write; no Nagle delay between headers and body
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass  # no access log: it would cost time on every request; errors are reported below

    def _authorized(self):
        """Whether the request proves it comes from mldeploy; answers 403 (and closes) when it does not."""
        self._nonce = None
        token = self.server.state.token
        if token is None:
            return True
        parts = (self.headers.get(AUTH_HEADER) or "").split(" ")
        if len(parts) == 2 and 16 <= len(parts[0]) <= 128 and parts[0].isalnum() \
                and hmac.compare_digest(request_auth(token, parts[0]).encode("ascii"),
                                        (parts[0] + " " + parts[1]).encode("ascii", "replace")):
            self._nonce = parts[0]
            return True
        self.close_connection = True  # the body, if any, is not read
        self._send_json(403, {"error": "this model server answers only the mldeploy deployment that started it"})
        return False

    def _send(self, status, body=b"", content_type=None, extra=None):
        head = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("",))[0])]
        nonce = getattr(self, "_nonce", None)
        if nonce is not None:
            state = self.server.state
            head.append("%s: %d" % (PID_HEADER, state.pid))
            head.append("%s: %s" % (PROOF_HEADER, response_proof(state.token, nonce, state.pid)))
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
        if not self._authorized():
            return
        path = self.path.split("?", 1)[0]
        if path == "/ping":
            if self.server.state.hooks is not None:
                self._send(200)
            else:
                self._send_json(503, {"error": "model is loading"})
        else:
            self._send_json(404, {"error": "no such path: GET " + path})

    def do_POST(self):
        if not self._authorized():
            return
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


def rotate_if_large(path, max_bytes, fd=1):
    """Copies the log that fd appends to into path.1 and empties it when it holds more than max_bytes."""
    try:
        if os.fstat(fd).st_size <= max_bytes:
            return False
        tmp = path + ".1.tmp"
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # as private as the log itself
        with os.fdopen(out, "wb") as dst, open(path, "rb") as src:
            shutil.copyfileobj(src, dst)
        os.replace(tmp, path + ".1")
        os.ftruncate(fd, 0)  # fd is in append mode: the next write goes to the new end
        return True
    except OSError as exc:
        _log("cannot rotate %s: %s" % (path, exc))
        return False


def _bound_log():
    """Starts the thread that keeps MLDEPLOY_LOG_FILE under MLDEPLOY_LOG_MAX_BYTES (stdout must append to it)."""
    path = os.environ.get("MLDEPLOY_LOG_FILE")
    limit = os.environ.get("MLDEPLOY_LOG_MAX_BYTES")
    if not path or not limit:
        return
    try:
        import fcntl
        if not fcntl.fcntl(1, fcntl.F_GETFL) & os.O_APPEND:
            _log("stdout is not in append mode; %s is not bounded" % path)
            return
    except (ImportError, OSError):
        return

    def loop():
        while True:
            time.sleep(LOG_CHECK_SECONDS)
            rotate_if_large(path, int(limit))

    threading.Thread(target=loop, name="mldeploy-log-bound", daemon=True).start()


def serve(model_dir, host, port, max_request_bytes=DEFAULT_MAX_REQUEST_BYTES, hooks_loader=None):
    """Binds, loads the model (ping answers 503 meanwhile), serves until SIGTERM or SIGINT. Returns an exit status."""
    token = take_token()
    if token is not None and not token:
        _log("no token on stdin: the process that started this one is gone; exiting")
        return EXIT_NO_TOKEN
    _bound_log()
    state = ModelState(max_request_bytes, token)
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
