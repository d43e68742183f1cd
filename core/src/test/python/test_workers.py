"""The SageMaker-contract server's workers, as a process: parallel serving, replacement, drain, limits."""
import http.client
import json
import os
import signal
import socket
import tempfile
import threading
import time
import unittest

from adapter_env import ServerCase, post, write_model

SLOW = """
    import os, time
    def model_fn(model_dir):
        with open(os.path.join(%(dir)r, "loads"), "a") as f:
            f.write("%%d\\n" %% os.getpid())
        return None
    def predict_fn(data, model):
        start = time.time()
        if data.get("marker"):
            open(data["marker"], "w").close()
        time.sleep(data.get("sleep", 0))
        return {"pid": os.getpid(), "start": start, "end": time.time()}
"""


def children(pid):
    """The pids whose parent is pid (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return sorted(found)


def wait_for(predicate, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


class WorkersTest(ServerCase, unittest.TestCase):
    def slow_model(self):
        self.dir = tempfile.mkdtemp()
        return write_model(SLOW % {"dir": self.dir})

    def log_file(self):
        path = os.path.join(tempfile.mkdtemp(), "server.log")
        out = open(path, "ab")
        self.addCleanup(out.close)
        return path, out

    def read(self, path):
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def test_two_workers_serve_two_slow_requests_at_once_in_different_processes(self):
        p, port = self.start(None, model_dir=self.slow_model(), env={"SAGEMAKER_MODEL_SERVER_WORKERS": "2"})
        self.wait_ready(port, p)
        self.assertEqual(2, len(wait_for(lambda: len(children(p.pid)) == 2 and children(p.pid))))
        results = []
        threads = [threading.Thread(target=lambda: results.append(post(port, {"sleep": 1.0}))) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual([200, 200], [r[0] for r in results])
        a, b = (json.loads(r[2]) for r in results)
        self.assertNotEqual(a["pid"], b["pid"], "each request ran in its own worker")
        self.assertEqual({a["pid"], b["pid"]}, {int(r[1]["x-mldeploy-worker"]) for r in results})
        self.assertTrue(a["start"] < b["end"] and b["start"] < a["end"], "the two requests ran at the same time")
        self.assertEqual(2, len(self.read(os.path.join(self.dir, "loads")).split()), "each worker loaded once")

    def test_a_killed_worker_is_replaced_and_logged_while_the_other_keeps_serving(self):
        log, out = self.log_file()
        p, port = self.start(None, model_dir=self.slow_model(), env={"SAGEMAKER_MODEL_SERVER_WORKERS": "2"},
                             stdout=out)
        self.wait_ready(port, p)
        first = wait_for(lambda: len(children(p.pid)) == 2 and children(p.pid))
        victim = first[0]
        os.kill(victim, signal.SIGKILL)
        for _ in range(5):  # the survivor answers meanwhile
            self.assertEqual(200, post(port, {})[0])
        now = wait_for(lambda: len(children(p.pid)) == 2 and victim not in children(p.pid) and children(p.pid))
        self.assertTrue(now, "a new worker replaced the killed one")
        self.assertIn("worker %d died (signal 9); starting another" % victim, self.read(log))
        # with one worker busy the next connection goes to the other: both workers now serving are the new set
        marker = os.path.join(self.dir, "busy")
        box = []
        t = threading.Thread(target=lambda: box.append(post(port, {"sleep": 1.0, "marker": marker})))
        t.start()
        self.assertTrue(wait_for(lambda: os.path.exists(marker)))
        quick = post(port, {})
        t.join(30)
        self.assertEqual(set(now), {int(quick[1]["x-mldeploy-worker"]), int(box[0][1]["x-mldeploy-worker"])},
                         "the replacement serves beside the survivor")

    def test_sigterm_lets_the_request_in_flight_finish_then_exits_0(self):
        p, port = self.start(None, model_dir=self.slow_model(), env={"SAGEMAKER_MODEL_SERVER_WORKERS": "1"})
        self.wait_ready(port, p)
        marker = os.path.join(self.dir, "running")
        box = []
        t = threading.Thread(target=lambda: box.append(post(port, {"sleep": 1.5, "marker": marker})))
        t.start()
        self.assertTrue(wait_for(lambda: os.path.exists(marker)), "the request reached the model")
        p.send_signal(signal.SIGTERM)
        t.join(30)
        self.assertEqual(200, box[0][0], "the request in flight was answered")
        self.assertEqual(0, p.wait(30))

    def test_a_request_over_the_timeout_answers_504_and_its_worker_is_replaced(self):
        log, out = self.log_file()
        p, port = self.start(None, model_dir=self.slow_model(), stdout=out,
                             env={"SAGEMAKER_MODEL_SERVER_WORKERS": "1", "SAGEMAKER_MODEL_SERVER_TIMEOUT": "0.5"})
        self.wait_ready(port, p)
        before = post(port, {})[1]["x-mldeploy-worker"]
        status, headers, body = post(port, {"sleep": 5})
        self.assertEqual(504, status)
        self.assertEqual("timeout", headers["x-mldeploy-error"])
        error = json.loads(body)
        self.assertEqual("ModelTimeout", error["errorType"])
        self.assertIn("0.5 s (SAGEMAKER_MODEL_SERVER_TIMEOUT)", error["errorMessage"])
        status, headers, _ = post(port, {})
        self.assertEqual(200, status, "a new worker serves")
        self.assertNotEqual(before, headers["x-mldeploy-worker"], "the timed-out worker was replaced")
        self.assertTrue(wait_for(lambda: "retired after a request timed out" in self.read(log)))

    def test_a_timed_out_models_late_result_is_never_sent_and_the_workers_other_request_finishes(self):
        log, out = self.log_file()
        p, port = self.start(None, model_dir=self.slow_model(), stdout=out,
                             env={"SAGEMAKER_MODEL_SERVER_WORKERS": "1", "SAGEMAKER_MODEL_SERVER_TIMEOUT": "2"})
        self.wait_ready(port, p)
        # two keep-alive connections of the one worker: x (raw, to see every byte) and y
        x = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.addCleanup(x.close)
        y = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        self.addCleanup(y.close)

        def request(body):
            data = json.dumps(body).encode()
            return (b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(data)) + data

        def read_until_closed(sock):
            chunks = []
            while True:
                data = sock.recv(65536)
                if not data:
                    return b"".join(chunks)
                chunks.append(data)

        x.sendall(request({}))
        first = b""
        while not first.endswith(b"}"):
            first += x.recv(65536)
        y.request("POST", "/invocations", body=b"{}", headers={"Content-Type": "application/json"})
        y_first = y.getresponse()
        y_first.read()
        worker = y_first.getheader("X-Mldeploy-Worker")
        self.assertIn(("X-Mldeploy-Worker: %s" % worker).encode(), first, "both connections are the one worker's")
        # x: 4 s, past the 2 s timeout; y, a second later: 0.5 s, which waits for the model's turn until x's
        # timeout gives it on (at 2 s, not when x's thread ends at 4 s), then runs beside x's late thread and ends
        # within its own timeout (at 3 s)
        sent = time.time()
        x.sendall(request({"sleep": 4}))
        time.sleep(1.0)
        y.request("POST", "/invocations", body=b'{"sleep": 0.5}', headers={"Content-Type": "application/json"})
        answered = read_until_closed(x)
        y_answer = y.getresponse()
        self.assertEqual(200, y_answer.status, "the worker's other request was answered")
        self.assertEqual(worker, y_answer.getheader("X-Mldeploy-Worker"))
        self.assertGreaterEqual(json.loads(y_answer.read())["start"] - sent, 1.9,
                                "y reached the model only when x's timeout gave its turn on")
        self.assertEqual(1, answered.count(b"HTTP/1.1 "), "one answer on x, never the late result: %r" % answered)
        self.assertTrue(answered.startswith(b"HTTP/1.1 504 "), answered)
        self.assertTrue(wait_for(lambda: "retired after a request timed out" in self.read(log)))

    def two_connections_of_one_worker(self, port):
        """Two keep-alive connections, both accepted by the one worker (each opened by a request of its own)."""
        connections = []
        for _ in range(2):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            self.addCleanup(c.close)
            c.request("POST", "/invocations", body=b"{}", headers={"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            connections.append((c, r.getheader("X-Mldeploy-Worker")))
        self.assertEqual(connections[0][1], connections[1][1])
        return [c for c, _ in connections]

    def slow_pair(self, connections, seconds):
        """Sends a slow request on each connection at once; their model start and end times."""
        results = [None, None]

        def run(i):
            c = connections[i]
            c.request("POST", "/invocations", body=json.dumps({"sleep": seconds}),
                      headers={"Content-Type": "application/json"})
            r = c.getresponse()
            results[i] = (r.status, json.loads(r.read()))

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual([200, 200], [r[0] for r in results])
        return [r[1] for r in results]

    def test_one_worker_runs_its_model_for_one_request_at_a_time_across_its_connections(self):
        p, port = self.start(None, model_dir=self.slow_model(), env={"SAGEMAKER_MODEL_SERVER_WORKERS": "1"})
        self.wait_ready(port, p)
        a, b = sorted(self.slow_pair(self.two_connections_of_one_worker(port), 0.5), key=lambda r: r["start"])
        self.assertEqual(a["pid"], b["pid"])
        self.assertGreaterEqual(b["start"], a["end"], "the second request reached the model after the first left it")

    def test_model_concurrency_lets_one_worker_run_its_model_for_that_many_requests_at_once(self):
        p, port = self.start(None, model_dir=self.slow_model(),
                             env={"SAGEMAKER_MODEL_SERVER_WORKERS": "1", "MLDEPLOY_MODEL_CONCURRENCY": "2"})
        self.wait_ready(port, p)
        a, b = self.slow_pair(self.two_connections_of_one_worker(port), 1.0)
        self.assertTrue(a["start"] < b["end"] and b["start"] < a["end"], "the two requests ran at the same time")

    def test_a_malformed_model_concurrency_exits_2_naming_the_setting(self):
        p, port = self.start("echo", env={"MLDEPLOY_MODEL_CONCURRENCY": "0"})
        self.assertEqual(2, p.wait(30))
        self.assertIn("MLDEPLOY_MODEL_CONCURRENCY='0' must be a positive integer", p.stdout.read().decode())

    def test_a_body_over_sagemaker_max_payload_in_mb_answers_413(self):
        p, port = self.start("echo", env={"SAGEMAKER_MAX_PAYLOAD_IN_MB": "0.001"})  # 1048 bytes
        self.wait_ready(port, p)
        status, headers, body = post(port, b"x" * 1049, "text/plain")
        self.assertEqual(413, status)
        self.assertIn("1048-byte limit", json.loads(body)["errorMessage"])
        self.assertEqual(200, post(port, b"x" * 1048, "text/plain")[0])

    def test_preload_loads_the_model_once_in_the_parent_before_forking(self):
        p, port = self.start(None, model_dir=self.slow_model(),
                             env={"SAGEMAKER_MODEL_SERVER_WORKERS": "2", "MLDEPLOY_PRELOAD_MODEL": "true"})
        self.wait_ready(port, p)
        self.assertEqual([str(p.pid)], self.read(os.path.join(self.dir, "loads")).split())

    def test_model_fn_failing_in_the_workers_ends_the_server_with_status_1_and_the_traceback(self):
        p, port = self.start("fails-on-load", env={"SAGEMAKER_MODEL_SERVER_WORKERS": "2"})
        self.assertEqual(1, p.wait(30))
        out = p.stdout.read().decode()
        self.assertIn("Traceback", out)
        self.assertIn("could not load the model; stopping", out)

    def test_a_malformed_worker_count_exits_2_naming_the_setting(self):
        p, port = self.start("echo", env={"SAGEMAKER_MODEL_SERVER_WORKERS": "none"})
        self.assertEqual(2, p.wait(30))
        self.assertIn("SAGEMAKER_MODEL_SERVER_WORKERS='none' must be a positive integer", p.stdout.read().decode())

    def test_request_errors_answer_4xx_with_the_reason_and_model_errors_500(self):
        p, port = self.start("echo", env={"SAGEMAKER_MODEL_SERVER_WORKERS": "1"})
        self.wait_ready(port, p)
        for body, ctype, accept, status, kind in ((b"{nope", "application/json", None, 400, "MalformedRequest"),
                                                  (b"x", "image/png", None, 415, "UnsupportedContentType"),
                                                  (b"{}", "application/json", "image/png", 406, "UnsupportedAccept")):
            got, headers, answer = post(port, body, ctype, accept)
            self.assertEqual(status, got, kind)
            self.assertEqual("request", headers["x-mldeploy-error"])
            self.assertEqual(kind, json.loads(answer)["errorType"])


class ModelTurnsTest(unittest.TestCase):
    """The turn at the model of one worker, without a server: who holds it, who gives it back."""

    class FakeHandler(object):
        def __init__(self, seconds):
            self._deadline = time.monotonic() + seconds
            self._timed_out = False

    def worker(self, concurrency=1):
        from mldeploy_adapter import serve
        return serve.Worker(None, serve.ModelState(1024, timeout_seconds=60, model_concurrency=concurrency), 1)

    def test_a_turn_is_held_until_unwatch_then_the_next_request_gets_it(self):
        w = self.worker()
        first, second = self.FakeHandler(60), self.FakeHandler(0.2)
        self.assertTrue(w.take_model(first))
        self.assertFalse(w.take_model(second), "the one turn is taken: the second waits until its deadline")
        self.assertTrue(w.unwatch(second), "nobody answered the waiting one: its own thread answers the 504")
        self.assertTrue(w.unwatch(first))
        third = self.FakeHandler(0.2)
        self.assertTrue(w.take_model(third), "unwatch gave the turn back")
        self.assertTrue(w.unwatch(third))
        self.assertTrue(w.take_model(self.FakeHandler(0.2)), "unwatch gives a turn back once, never twice")
        self.assertFalse(w.take_model(self.FakeHandler(0.05)))

    def test_a_request_timed_out_before_it_got_its_turn_does_not_run_and_leaves_the_turn(self):
        w = self.worker()
        late = self.FakeHandler(60)
        late._timed_out = True  # the watchdog answered 504 while it waited
        self.assertFalse(w.take_model(late))
        self.assertTrue(w.take_model(self.FakeHandler(0.2)), "the turn it got was passed on")

    def test_a_given_back_turn_goes_to_the_longest_waiter_never_to_a_newcomer(self):
        from mldeploy_adapter import serve
        turns = serve.Turns(1)
        self.assertTrue(turns.take(0))
        order = []

        def waiter(name):
            if turns.take(10):
                order.append(name)

        a = threading.Thread(target=waiter, args=("a",))
        a.start()
        self.assertTrue(wait_for(lambda: len(turns._waiting) == 1))
        b = threading.Thread(target=waiter, args=("b",))
        b.start()
        self.assertTrue(wait_for(lambda: len(turns._waiting) == 2))
        turns.give_back()
        a.join(10)
        self.assertEqual(["a"], order)
        self.assertFalse(turns.take(0), "the turn was handed to a, not left free for whoever asks first")
        turns.give_back()
        b.join(10)
        self.assertEqual(["a", "b"], order)
        turns.give_back()
        self.assertTrue(turns.take(0), "with nobody waiting a given-back turn is free")

    def test_a_waiter_whose_time_runs_out_leaves_the_line(self):
        from mldeploy_adapter import serve
        turns = serve.Turns(1)
        self.assertTrue(turns.take(0))
        self.assertFalse(turns.take(0.05))
        self.assertEqual(0, len(turns._waiting))
        turns.give_back()
        self.assertTrue(turns.take(0))

    def test_concurrency_two_gives_two_turns(self):
        w = self.worker(2)
        self.assertTrue(w.take_model(self.FakeHandler(0.2)))
        self.assertTrue(w.take_model(self.FakeHandler(0.2)))
        self.assertFalse(w.take_model(self.FakeHandler(0.05)))


if __name__ == "__main__":
    unittest.main()
