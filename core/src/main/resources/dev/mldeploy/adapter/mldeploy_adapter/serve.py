"""The SageMaker hosting contract over N pre-forked worker processes.

The parent binds the port, forks SAGEMAKER_MODEL_SERVER_WORKERS workers (default: the CPUs this process may use)
that accept on the shared socket, replaces a worker that dies (and logs it), and on SIGTERM or SIGINT has every
worker finish its requests in flight within DRAIN_SECONDS (SageMaker's 30 s grace) before it exits 0. Each worker
loads the model once, then serves: GET /ping answers 200, POST /invocations runs the hooks on the connection's thread
(a watchdog thread answers the timeout); a worker takes a new connection only while no request of its own is in
flight, so concurrent requests spread over the workers. A worker runs its model for MLDEPLOY_MODEL_CONCURRENCY
requests at once (default 1, as a gunicorn sync worker or a multi-model-server worker): two CPU-bound requests on
two threads of one process only contend for the GIL, so the others wait their turn, a wait that counts against
their timeout; a model that mostly waits on I/O may allow more. With MLDEPLOY_PRELOAD_MODEL=true the parent loads
the model before forking (the workers share it copy-on-write).

Answers: a model error is 500 with {"errorType", "errorMessage", "stackTrace"} and X-Mldeploy-Error: model; a
request the defaults cannot decode or encode is 400/406/415 with {"errorType", "errorMessage", "statusCode"} and
X-Mldeploy-Error: request; a body over the limit (SAGEMAKER_MAX_PAYLOAD_IN_MB, default 6; MLDEPLOY_MAX_REQUEST_BYTES
wins) is 413; a request still running after SAGEMAKER_MODEL_SERVER_TIMEOUT seconds (default 60) is answered 504
with X-Mldeploy-Error: timeout, and its worker, whose thread cannot be stopped, is retired and replaced once its
other requests are done. Every answer names its worker in X-Mldeploy-Worker. Bodies are never logged.

Exit status of the parent: 0 after SIGTERM, 1 when model_fn failed (its traceback is in the log), 2 for a bad
setting, 3 when MLDEPLOY_TOKEN_STDIN=1 and stdin ended before a token (see the identity below), 75 when the port is
taken. Identity, with MLDEPLOY_TOKEN_STDIN=1 (the local target): the parent reads a per-deployment token from one
line of stdin before anything else (it is never in the environment); then every request must carry
"X-Mldeploy-Auth: <nonce> <hmac>" (hex HMAC-SHA256 of "request\\n<nonce>" keyed by the token) or is answered 403
unread, and every answer carries "X-Mldeploy-Pid: <parent pid>" and "X-Mldeploy-Proof: <hmac of
response\\n<nonce>\\n<parent pid>>", whichever worker answers. Log bound: with MLDEPLOY_LOG_FILE and
MLDEPLOY_LOG_MAX_BYTES the parent copies the log to <file>.1 and empties it whenever it grows past the limit.

Hand-written on the standard library (no gunicorn) so that the adapter needs nothing installed in the image.
"""
import collections
import errno
import hashlib
import hmac
import json
import os
import select
import shutil
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler

from . import errors
from . import hooks as model_hooks

EXIT_MODEL_LOAD_FAILED = 1
EXIT_BAD_SETTING = 2
EXIT_NO_TOKEN = 3
EXIT_WORKER_LOAD_FAILED = 4
EXIT_WORKER_RETIRED = 5
EXIT_PORT_IN_USE = 75
AUTH_HEADER = "X-Mldeploy-Auth"
PROOF_HEADER = "X-Mldeploy-Proof"
PID_HEADER = "X-Mldeploy-Pid"
WORKER_HEADER = "X-Mldeploy-Worker"
MODEL_ERROR_HEADER = errors.ERROR_HEADER
LOG_CHECK_SECONDS = 0.1  # every worker writes to the log: check often, a burst of N of them overshoots less
DEFAULT_MAX_REQUEST_BYTES = 6 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 60.0
DRAIN_SECONDS = 30.0
ENV_WORKERS = "SAGEMAKER_MODEL_SERVER_WORKERS"
ENV_TIMEOUT = "SAGEMAKER_MODEL_SERVER_TIMEOUT"
ENV_MAX_PAYLOAD_MB = "SAGEMAKER_MAX_PAYLOAD_IN_MB"
ENV_PRELOAD = "MLDEPLOY_PRELOAD_MODEL"
ENV_MAX_REQUEST_BYTES = "MLDEPLOY_MAX_REQUEST_BYTES"
ENV_MODEL_CONCURRENCY = "MLDEPLOY_MODEL_CONCURRENCY"
_MONITOR_SECONDS = 0.1
_ACCEPT_POLL_SECONDS = 0.2
_FAST_DEATH_SECONDS = 1.0


def log(message):
    sys.stderr.write("mldeploy_serve[%d]: %s\n" % (os.getpid(), message))
    sys.stderr.flush()


class SettingError(ValueError):
    """A serving setting (environment variable) is malformed."""


def _mac(token, text):
    return hmac.new(token, text.encode("ascii"), hashlib.sha256).hexdigest()


def request_auth(token, nonce):
    """The X-Mldeploy-Auth value a caller holding the token sends (what mldeploy's Java invoker computes)."""
    return "%s %s" % (nonce, _mac(token, "request\n" + nonce))


def response_proof(token, nonce, pid):
    """The X-Mldeploy-Proof value the server answers with."""
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


def available_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _positive(env, name, kind, default):
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value <= 0:
        raise SettingError("%s='%s' must be a positive %s" % (name, raw, "integer" if kind is int else "number"))
    return value


class Settings(object):
    """The server's settings, from the environment unless given."""

    def __init__(self, workers, timeout_seconds, max_request_bytes, preload, model_concurrency=1):
        self.workers = workers
        self.timeout_seconds = timeout_seconds
        self.max_request_bytes = max_request_bytes
        self.preload = preload
        self.model_concurrency = model_concurrency

    @classmethod
    def from_environment(cls, env=None, workers=None, preload=None, max_request_bytes=None):
        env = os.environ if env is None else env
        if workers is None:
            workers = _positive(env, ENV_WORKERS, int, None) or available_cpus()
        if max_request_bytes is None:
            max_request_bytes = _positive(env, ENV_MAX_REQUEST_BYTES, int, None)
        if max_request_bytes is None:
            mb = _positive(env, ENV_MAX_PAYLOAD_MB, float, None)
            max_request_bytes = int(mb * 1024 * 1024) if mb else DEFAULT_MAX_REQUEST_BYTES
        if preload is None:
            preload = env.get(ENV_PRELOAD, "").strip().lower() in ("1", "true", "yes")
        timeout = _positive(env, ENV_TIMEOUT, float, DEFAULT_TIMEOUT_SECONDS)
        concurrency = _positive(env, ENV_MODEL_CONCURRENCY, int, 1)
        return cls(workers, timeout, max_request_bytes, preload, concurrency)


class ModelState(object):
    """What every worker shares: the model (None until loaded), the limits, the token and the parent's pid."""

    def __init__(self, max_request_bytes, token=None, timeout_seconds=DEFAULT_TIMEOUT_SECONDS, model_concurrency=1):
        self.hooks = None
        self.max_request_bytes = max_request_bytes
        self.timeout_seconds = timeout_seconds
        self.model_concurrency = model_concurrency
        self.token = token
        self.pid = os.getpid()  # the identity is the parent's: the process mldeploy started and recorded


_MAX_HEADER_LINE = 65536  # http.client's limits
_MAX_HEADERS = 100


class Headers(object):
    """A request's headers: case-insensitive get (the first of repeated names), as email.message.Message answers it,
    without the cost of the email parser, which took about half of the server's time on a small request."""

    __slots__ = ("_items",)

    def __init__(self, items):
        self._items = items  # [(name, value)] in order

    def get(self, name, default=None):
        name = name.lower()
        for key, value in self._items:
            if key.lower() == name:
                return value
        return default

    def __getitem__(self, name):
        return self.get(name)

    def __contains__(self, name):
        return self.get(name) is not None

    def keys(self):
        return [k for k, _ in self._items]

    def items(self):
        return list(self._items)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self._items)


class HeaderError(ValueError):
    def __init__(self, status, message):
        ValueError.__init__(self, message)
        self.status = status


def read_headers(rfile):
    """The header block after the request line, up to its empty line; raises HeaderError (431 or 400)."""
    items = []
    while True:
        line = rfile.readline(_MAX_HEADER_LINE + 1)
        if len(line) > _MAX_HEADER_LINE:
            raise HeaderError(431, "Line too long")
        if line in (b"\r\n", b"\n", b""):
            return Headers(items)
        if len(items) >= _MAX_HEADERS:
            raise HeaderError(431, "Too many headers")
        text = line.decode("iso-8859-1")
        if text[0] in " \t" and items:  # an obsolete folded continuation line
            name, value = items[-1]
            items[-1] = (name, value + " " + text.strip())
            continue
        name, sep, value = text.partition(":")
        if not sep or not name or name != name.strip():
            raise HeaderError(400, "Bad header line")
        items.append((name, value.strip()))


class Handler(BaseHTTPRequestHandler):
    """One connection (keep-alive: many requests), on a thread of its worker."""

    protocol_version = "HTTP/1.1"
    server_version = "mldeploy"
    sys_version = ""
    disable_nagle_algorithm = True  # the whole answer goes out in one write

    def __init__(self, request, client_address, worker, started):
        self._started = started
        self.idle = True
        BaseHTTPRequestHandler.__init__(self, request, client_address, worker)

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass  # no access log: it would cost time on every request

    def parse_request(self):
        """BaseHTTPRequestHandler.parse_request's checks, with the headers read by read_headers."""
        self.command = None
        self.request_version = version = self.default_request_version
        self.close_connection = True
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if not words:
            return False
        if len(words) >= 3:
            version = words[-1]
            try:
                if not version.startswith("HTTP/"):
                    raise ValueError(version)
                major, minor = version.split("/", 1)[1].split(".")
                if len(major) > 10 or len(minor) > 10 or not (major.isdigit() and minor.isdigit()):
                    raise ValueError(version)
                number = (int(major), int(minor))
            except ValueError:
                self.send_error(400, "Bad request version (%r)" % version)
                return False
            self.request_version = version  # (before the 505, unlike the standard library: it has a status line)
            if number >= (2, 0):
                self.send_error(505, "Invalid HTTP version (%s)" % version)
                return False
            if number >= (1, 1):
                self.close_connection = False
        if not 2 <= len(words) <= 3:
            self.send_error(400, "Bad request syntax (%r)" % requestline)
            return False
        command, path = words[:2]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(400, "Bad HTTP/0.9 request type (%r)" % command)
                return False
        self.command, self.path = command, path
        if self.path.startswith("//"):
            self.path = "/" + self.path.lstrip("/")
        try:
            self.headers = read_headers(self.rfile)
        except HeaderError as exc:
            self.send_error(exc.status, str(exc))
            return False
        connection = self.headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        if self.headers.get("Expect", "").lower() == "100-continue" and self.request_version >= "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def handle_one_request(self):
        try:
            BaseHTTPRequestHandler.handle_one_request(self)
        finally:
            self._started.set()
            if self.server.draining:
                self.close_connection = True

    def _begin(self):
        self._timed_out = False
        self.idle = False
        self._started.set()
        self.server.begin()

    def _end(self):
        if not getattr(self, "_timed_out", False):  # a timed-out request was ended by the watchdog
            self.server.end()
        self.idle = True

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
        state = self.server.state
        if self.server.draining:
            self.close_connection = True  # stopping: this is the connection's last answer
        if nonce is not None:
            head.append("%s: %d" % (PID_HEADER, state.pid))
            head.append("%s: %s" % (PROOF_HEADER, response_proof(state.token, nonce, state.pid)))
        head.append("%s: %d" % (WORKER_HEADER, self.server.pid))
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
        limit = self.server.state.max_request_bytes
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
                if total > limit:
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
        if length > limit:
            self.close_connection = True
            self._too_large(length)
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away mid-body: never run the model on a truncated request
            self.close_connection = True
            return None
        return body

    def _too_large(self, size):
        limit = self.server.state.max_request_bytes
        self._send_json(413, {"errorType": "PayloadTooLarge", "statusCode": 413,
                              "error": "request body of %d bytes is over the %d-byte limit" % (size, limit),
                              "errorMessage": "request body of %d bytes is over the %d-byte limit (%s)"
                                              % (size, limit, ENV_MAX_PAYLOAD_MB)},
                        {MODEL_ERROR_HEADER: errors.REQUEST})

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
        self._begin()
        try:
            self._post()
        finally:
            self._end()

    def _post(self):
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
        # the model runs on this thread (a hand-over to another would cost more than a fast model takes); the
        # worker's watchdog answers 504 in its place if it runs past the timeout
        self._deadline = time.monotonic() + self.server.state.timeout_seconds
        self.server.watch(self)
        if self.server.take_model(self):
            try:
                out, content_type = hooks.invoke(body, self.headers.get("Content-Type"), self.headers.get("Accept"),
                                                 hooks.context(self.headers))
                answer = (200, out, content_type, None)
            except errors.RequestError as exc:
                answer = (exc.status, exc.body(), "application/json", {MODEL_ERROR_HEADER: errors.REQUEST})
            except Exception as exc:  # noqa: BLE001 - every model error becomes the error body
                log("model raised %s (request failed with HTTP 500)" % type(exc).__name__)
                answer = (500, errors.error_body(exc), "application/json", {MODEL_ERROR_HEADER: errors.MODEL})
        elif self.server.unwatch(self):  # its time ran out as it waited, before the watchdog looked: answer here
            self.answer_timeout(False)
            return
        else:
            answer = None  # its time ran out as it waited for the model: the watchdog answers 504
        if answer is not None and self.server.unwatch(self):
            self._send(*answer)
        else:  # the watchdog answers 504 and counts the request as ended; this answer is too late
            self._answered.wait(DRAIN_SECONDS)  # the connection closes only once the 504 is out
            self.close_connection = True

    def answer_timeout(self, running):
        """The 504 the watchdog sends for a request still running or still waiting (on the watchdog's thread)."""
        timeout = self.server.state.timeout_seconds
        self.close_connection = True
        message = ("the model did not answer within %g s (%s); the worker running it is replaced"
                   % (timeout, ENV_TIMEOUT)) if running else \
            ("the request waited %g s (%s) for this worker's model, busy with others; send fewer requests at once "
             "or run more workers (SAGEMAKER_MODEL_SERVER_WORKERS)" % (timeout, ENV_TIMEOUT))
        self._send_json(504, {"errorType": "ModelTimeout", "errorMessage": message, "statusCode": 504},
                        {MODEL_ERROR_HEADER: "timeout"})


class Turns(object):
    """Turns at the model, handed over first come, first served. A semaphore lets the thread that just gave its turn
    back take it again before a waiter wakes (the thread holds the GIL, its client's next request is already there),
    which starves the worker's other connections and shows as a long tail; here a given-back turn goes to the
    longest waiter. Any thread may give a turn back (the watchdog does for a request it timed out)."""

    def __init__(self, count):
        self._free = count
        self._lock = threading.Lock()
        self._waiting = collections.deque()

    def take(self, timeout):
        """Whether a turn was had within timeout seconds."""
        with self._lock:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return True
            handed = threading.Event()
            self._waiting.append(handed)
        handed.wait(timeout)
        with self._lock:
            if handed.is_set():  # (also when it was handed over just as the wait ran out)
                return True
            self._waiting.remove(handed)
            return False

    def give_back(self):
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1


class Worker(object):
    """One worker process's server: accepts on the inherited socket, a thread per connection."""

    def __init__(self, listener, state, parent_pid):
        self.listener = listener
        self.state = state
        self.parent_pid = parent_pid
        self.pid = os.getpid()
        self.draining = False
        self.retired = False
        self._lock = threading.Condition()
        self._in_flight = 0
        self._handlers = set()
        self._watched = set()  # handlers whose model runs, for the watchdog
        self._watch_lock = threading.Lock()
        self._watchdog = None
        self._model_turns = Turns(state.model_concurrency)  # the watchdog gives a timed-out request's turn on

    def begin(self):
        with self._lock:
            self._in_flight += 1

    def end(self):
        with self._lock:
            self._in_flight -= 1
            self._lock.notify_all()

    def watch(self, handler):
        with self._watch_lock:
            self._watched.add(handler)
            if self._watchdog is None:
                self._watchdog = threading.Thread(target=self._watch_deadlines, name="mldeploy-watchdog", daemon=True)
                self._watchdog.start()

    def take_model(self, handler):
        """Waits for a turn at the model until the handler's deadline; whether the handler has it and is to run."""
        handler._has_turn = False
        taken = self._model_turns.take(max(0.0, handler._deadline - time.monotonic()))
        with self._watch_lock:
            if taken and not handler._timed_out:
                handler._has_turn = True
                return True
        if taken:
            self._model_turns.give_back()  # timed out at the moment it got its turn: the turn goes on
        return False

    def unwatch(self, handler):
        """Whether the handler is still to answer: False when the watchdog answered 504 in its place. Gives back
        the handler's turn at the model unless the watchdog already did."""
        with self._watch_lock:
            self._watched.discard(handler)
            if getattr(handler, "_has_turn", False):
                handler._has_turn = False
                self._model_turns.give_back()
            return not handler._timed_out

    def _watch_deadlines(self):
        """Wakes at the soonest deadline (every deadline is a fixed time after its start, so a request watched
        later never has a sooner one), at least every _ACCEPT_POLL_SECONDS; a sleep rather than a condition, so
        that ending a request never has to wake it."""
        idle = min(_ACCEPT_POLL_SECONDS, self.state.timeout_seconds)
        while True:
            with self._watch_lock:
                now = time.monotonic()
                late = [h for h in self._watched if h._deadline <= now]
                running = {}
                for h in late:
                    self._watched.discard(h)
                    h._answered = threading.Event()  # set once the 504 is out; the handler waits for it
                    h._timed_out = True
                    running[h] = getattr(h, "_has_turn", False)
                    if running[h]:  # its thread runs on, but the next request in line may start
                        h._has_turn = False
                        self._model_turns.give_back()
                soonest = min((h._deadline for h in self._watched), default=now + idle)
            if not late:
                time.sleep(max(0.001, min(soonest - now, _ACCEPT_POLL_SECONDS)))
                continue
            for h in late:
                if running[h]:
                    log("a request ran past %s=%g s; answered 504; this worker is retired once its other requests "
                        "end" % (ENV_TIMEOUT, self.state.timeout_seconds))
                else:  # it never reached the model: nothing of it runs on, the worker need not go
                    log("a request waited past %s=%g s for the model; answered 504" % (ENV_TIMEOUT,
                                                                                       self.state.timeout_seconds))
                try:
                    h.answer_timeout(running[h])
                except (OSError, ValueError):
                    pass  # the client is gone
                finally:
                    h._answered.set()
                if running[h]:
                    self.retire()
            with self._lock:
                self._in_flight -= len(late)  # their threads cannot be stopped: the requests end here, for the drain
                self._lock.notify_all()

    def retire(self):
        """After a timed-out request: take nothing more, finish the rest, exit for the parent to replace us."""
        self.retired = True
        self.draining = True

    def _parent_gone(self):
        return os.getppid() != self.parent_pid

    def serve(self):
        """Accepts until drained; then waits for the requests in flight. Returns the exit status."""
        while not self.draining and not self._parent_gone():
            with self._lock:
                # busy: leave new connections to the other workers
                while self._in_flight > 0 and not self.draining:
                    self._lock.wait(_ACCEPT_POLL_SECONDS)
            if self.draining:
                break
            try:
                ready, _, _ = select.select([self.listener], [], [], _ACCEPT_POLL_SECONDS)
            except InterruptedError:
                continue
            if not ready:
                continue
            try:
                conn, address = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                continue  # another worker took it
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    log("cannot accept: %s" % exc)
                    time.sleep(_ACCEPT_POLL_SECONDS)
                    continue
                raise
            conn.setblocking(True)
            started = threading.Event()
            threading.Thread(target=self._connection, args=(conn, address, started), name="mldeploy-conn",
                             daemon=True).start()
            started.wait(0.05)  # its first request makes us busy before we take another connection
        return self._drain()

    def _connection(self, conn, address, started):
        handler = None
        try:
            handler = Handler.__new__(Handler)
            with self._lock:
                self._handlers.add(handler)
            Handler.__init__(handler, conn, address, self, started)
        except (ConnectionError, socket.timeout):
            pass  # the client went away
        except Exception as exc:  # noqa: BLE001
            log("error handling a request: %r" % (exc,))
        finally:
            started.set()
            with self._lock:
                self._handlers.discard(handler)
            try:
                conn.close()
            except OSError:
                pass

    def _drain(self):
        try:
            self.listener.close()
        except OSError:
            pass
        deadline = time.time() + DRAIN_SECONDS
        with self._lock:
            for h in list(self._handlers):
                if getattr(h, "idle", False) and getattr(h, "connection", None) is not None:
                    try:
                        h.connection.shutdown(socket.SHUT_RD)  # an idle keep-alive connection: nothing to finish
                    except OSError:
                        pass
            while self._in_flight > 0 and time.time() < deadline:
                self._lock.wait(0.05)
            left = self._in_flight
        if left:
            log("%d request(s) still running after %g s; exiting anyway" % (left, DRAIN_SECONDS))
        return EXIT_WORKER_RETIRED if self.retired else 0


class LoadingResponder(object):
    """The parent's answers until a worker serves (503 "model is loading"), one connection at a time, closing each
    so that the client's next connection reaches a worker."""

    draining = True  # every answer closes its connection

    def __init__(self, listener, state):
        import copy
        self.listener = listener
        self.state = copy.copy(state)  # the identity and limits, never a model: it only ever answers "loading"
        self.state.hooks = None
        self.pid = os.getpid()

    def begin(self):
        pass

    def end(self):
        pass

    def answer_one(self, timeout, serving_fd=None):
        """Waits up to timeout for a connection and answers it, unless serving_fd (a worker serves) is readable
        first; returns whether it is."""
        watched = [self.listener] + ([serving_fd] if serving_fd is not None else [])
        try:
            ready, _, _ = select.select(watched, [], [], timeout)
        except InterruptedError:
            return False
        if serving_fd is not None and serving_fd in ready:
            return True  # a worker serves: the connection is its (the client got 200 from a worker already)
        if not ready:
            return False
        try:
            conn, address = self.listener.accept()
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return False
        try:
            conn.setblocking(True)
            conn.settimeout(1.0)  # a silent client must not stall the parent
            Handler(conn, address, self, threading.Event())
        except (OSError, ValueError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass
        return True


def _die_with_parent():
    """Linux: the kernel kills this worker when the parent dies (even by SIGKILL), so the port is freed."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - elsewhere the accept loop notices the parent is gone
        pass


def _run_worker(listener, state, loader, model_dir, parent_pid, ready_fd):
    """The body of a forked worker; never returns."""
    status = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # while loading, SIGTERM just ends it
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which drains the workers
        _die_with_parent()
        if os.getppid() != parent_pid:
            os._exit(0)
        if state.hooks is None:
            try:
                state.hooks = loader(model_dir)
            except BaseException:  # noqa: BLE001 - any failure to load ends the server
                traceback.print_exc()
                log("model_fn failed")
                sys.stderr.flush()
                os._exit(EXIT_WORKER_LOAD_FAILED)
        worker = Worker(listener, state, parent_pid)
        try:
            os.write(ready_fd, b"r")  # the parent stops answering "loading"
        except OSError:
            pass
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, lambda signum, frame: setattr(worker, "draining", True))
        else:  # model_fn chose how SIGTERM is handled (ignored, say): its choice stands, the parent SIGKILLs later
            log("model_fn changed how SIGTERM is handled; this worker keeps its handling")
        status = worker.serve()
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


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
        log("cannot rotate %s: %s" % (path, exc))
        return False


def _log_bound():
    """(path, limit) when MLDEPLOY_LOG_FILE is to be kept under MLDEPLOY_LOG_MAX_BYTES, else None."""
    path = os.environ.get("MLDEPLOY_LOG_FILE")
    limit = os.environ.get("MLDEPLOY_LOG_MAX_BYTES")
    if not path or not limit:
        return None
    try:
        import fcntl
        if not fcntl.fcntl(1, fcntl.F_GETFL) & os.O_APPEND:
            log("stdout is not in append mode; %s is not bounded" % path)
            return None
    except (ImportError, OSError):
        return None
    return path, int(limit)


def _bind(host, port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(128)
    listener.setblocking(False)  # the workers select, then accept; a lost race is EAGAIN, not a hang
    return listener


class Supervisor(object):
    """The parent: keeps the workers running, replaces the dead, stops them all on SIGTERM."""

    def __init__(self, listener, state, loader, model_dir, count):
        self.listener = listener
        self.state = state
        self.loader = loader
        self.model_dir = model_dir
        self.count = count
        self.workers = {}  # pid -> start time
        self.stop = threading.Event()
        self.failed = False
        self.serving = False
        self.ready_r, self.ready_w = os.pipe()
        os.set_blocking(self.ready_r, False)
        self.loading = LoadingResponder(listener, state)

    def spawn(self):
        pid = os.fork()
        if pid == 0:
            os.close(self.ready_r)
            _run_worker(self.listener, self.state, self.loader, self.model_dir, self.state.pid, self.ready_w)
        self.workers[pid] = time.time()

    def _check_serving(self):
        try:
            if os.read(self.ready_r, 64):
                self.serving = True
                log("a worker is serving")
        except BlockingIOError:
            pass

    def _reap(self):
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            started = self.workers.pop(pid, None)
            if started is None:
                continue  # a process the model started
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == EXIT_WORKER_LOAD_FAILED:
                log("worker %d could not load the model; stopping" % pid)
                self.failed = True
                self.stop.set()
                return
            if self.stop.is_set():
                continue
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == EXIT_WORKER_RETIRED:
                log("worker %d retired after a request timed out; starting another" % pid)
            else:
                how = ("signal %d" % os.WTERMSIG(status)) if os.WIFSIGNALED(status) \
                    else ("exit status %d" % os.WEXITSTATUS(status))
                log("worker %d died (%s); starting another" % (pid, how))
                if time.time() - started < _FAST_DEATH_SECONDS:
                    self.stop.wait(_FAST_DEATH_SECONDS)  # no busy loop of workers dying at once
                    if self.stop.is_set():
                        return
            self.spawn()

    def run(self):
        bound = _log_bound()
        for _ in range(self.count):
            self.spawn()
        next_rotation = 0.0
        while not self.stop.is_set():
            self._reap()
            if bound and time.time() >= next_rotation:
                rotate_if_large(bound[0], bound[1])
                next_rotation = time.time() + LOG_CHECK_SECONDS
            if not self.serving:
                self._check_serving()
            if self.serving:
                self.stop.wait(_MONITOR_SECONDS)
            elif self.loading.answer_one(_MONITOR_SECONDS, self.ready_r):  # ping answers 503 until a worker serves
                self._check_serving()
        return self._shutdown()

    def _shutdown(self):
        log("stopping %d worker(s)" % len(self.workers) if not self.failed else "model_fn failed; exiting")
        for pid in list(self.workers):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.time() + DRAIN_SECONDS + 1
        while self.workers and time.time() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                time.sleep(0.02)
            else:
                self.workers.pop(pid, None)
        for pid in list(self.workers):
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        try:
            self.listener.close()
        except OSError:
            pass
        return EXIT_MODEL_LOAD_FAILED if self.failed else 0


def serve(model_dir, host, port, max_request_bytes=None, hooks_loader=None, workers=None, preload=None):
    """Binds, starts the workers, serves until SIGTERM or SIGINT. Returns an exit status."""
    token = take_token()
    if token is not None and not token:
        log("no token on stdin: the process that started this one is gone; exiting")
        return EXIT_NO_TOKEN
    try:
        settings = Settings.from_environment(workers=workers, preload=preload, max_request_bytes=max_request_bytes)
    except SettingError as exc:
        log(str(exc))
        return EXIT_BAD_SETTING
    try:
        listener = _bind(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            log("port %d on %s is already in use" % (port, host))
            return EXIT_PORT_IN_USE
        raise
    state = ModelState(settings.max_request_bytes, token, settings.timeout_seconds, settings.model_concurrency)
    loader = hooks_loader or model_hooks.ModelHooks.load
    supervisor = Supervisor(listener, state, loader, model_dir, settings.workers)

    def on_signal(signum, frame):
        if state.hooks is None and settings.preload:
            log("stopped by signal %d while loading the model" % signum)
            os._exit(128 + signum)
        supervisor.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log("listening on %s:%d; %d worker(s); loading the model from %s%s"
        % (host, listener.getsockname()[1], settings.workers, model_dir,
           " before forking" if settings.preload else " in each worker"))
    if settings.preload:
        if not _preload(loader, model_dir, state, supervisor.loading):
            log("model_fn failed; exiting")
            listener.close()
            return EXIT_MODEL_LOAD_FAILED
    return supervisor.run()


def _preload(loader, model_dir, state, loading):
    """Loads the model in this process, answering "loading" meanwhile; the thread has ended when this returns, so
    that the fork that follows copies no running thread. Returns whether model_fn succeeded."""
    result = {}

    def load():
        try:
            result["hooks"] = loader(model_dir)
        except BaseException:  # noqa: BLE001 - any failure to load ends the process
            traceback.print_exc()

    thread = threading.Thread(target=load, name="mldeploy-preload")
    thread.start()
    while thread.is_alive():
        loading.answer_one(_MONITOR_SECONDS)
    thread.join()
    state.hooks = result.get("hooks")
    return state.hooks is not None


def default_model_dir():
    for candidate in ("/opt/ml/model/code", "/opt/ml/model"):
        if os.path.isfile(os.path.join(candidate, model_hooks.ENTRY_POINT)):
            return candidate
    return "/opt/ml/model/code"


def main(argv=None):
    import argparse
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
    setsid_if_asked()
    port = args.port if args.port is not None else int(os.environ.get("SAGEMAKER_BIND_TO_PORT", "8080"))
    return serve(args.model_dir or default_model_dir(), args.host, port)


def setsid_if_asked():
    if os.environ.get("MLDEPLOY_SETSID") == "1" and hasattr(os, "setsid"):
        try:
            os.setsid()  # a session of its own: outlives the process (and the terminal) that started it
        except OSError:
            pass
