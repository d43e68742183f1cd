"""The serving benchmark's own logic: reading wrk's report, the order of rounds, medians, ratios, the table, and
what it says when a tool is missing. No timing is asserted."""
import http.server
import os
import stat
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bench  # noqa: E402

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:4000/invocations
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.12ms   10.00ms  90.00ms   70.00%
  1000 requests in 10.00s, 120.00KB read
Requests/sec:    100.00
MLDEPLOY_WRK {"requests": 1000, "duration_us": 10000000, "bytes": 122880, "errors": {"connect": 0, "read": 1, \
"write": 0, "status": 2, "timeout": 0}, "latency_us": {"p50": 39500, "p90": 55000, "p99": 88250, "max": 90000, \
"mean": 40120.0}}
"""


def run(model, server, workers, rps, p50=1.0, p99=2.0, failed=0, cpu=None):
    return {"model": model, "server": server, "workers": workers, "connections": 2 * workers,
            "requests_per_second": rps, "p50_ms": p50, "p99_ms": p99, "failed": failed, "cpu_ms_per_request": cpu}


class ParseWrkTest(unittest.TestCase):
    def test_reads_counts_rate_latencies_in_ms_and_failed_requests(self):
        r = bench.parse_wrk(WRK_OUTPUT)
        self.assertEqual(1000, r["requests"])
        self.assertAlmostEqual(100.0, r["requests_per_second"])
        self.assertAlmostEqual(39.5, r["p50_ms"])
        self.assertAlmostEqual(88.25, r["p99_ms"])
        self.assertEqual(3, r["failed"], "one read error and two non-2xx answers")
        self.assertEqual(2, r["errors"]["status"])

    def test_output_without_the_report_line_is_an_error_quoting_it(self):
        with self.assertRaises(bench.BenchError) as caught:
            bench.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")
        self.assertIn("Connection refused", str(caught.exception))

    def test_a_zero_duration_is_an_error(self):
        with self.assertRaises(bench.BenchError):
            bench.parse_wrk(WRK_OUTPUT.replace('"duration_us": 10000000', '"duration_us": 0'))


class RoundsAndRatiosTest(unittest.TestCase):
    def test_rounds_alternate_which_server_goes_first(self):
        self.assertEqual([["adapter", "gunicorn"], ["gunicorn", "adapter"], ["adapter", "gunicorn"]],
                         [bench.order_of_round(i) for i in range(3)])

    def test_summary_takes_the_median_of_each_figure_over_the_rounds(self):
        s = bench.summarize([run("cpu", "adapter", 2, 90, 30, 80), run("cpu", "adapter", 2, 100, 20, 60),
                             run("cpu", "adapter", 2, 300, 10, 70, failed=1)])
        self.assertEqual({"rounds": 3, "connections": 4, "requests_per_second": 100, "p50_ms": 20, "p99_ms": 70,
                          "cpu_ms_per_request": None, "failed": 1}, s[("cpu", "adapter", 2)])

    def test_the_cpu_per_request_is_the_median_of_the_rounds_that_measured_it(self):
        s = bench.summarize([run("cpu", "adapter", 1, 50, cpu=20.0), run("cpu", "adapter", 1, 50, cpu=None),
                             run("cpu", "adapter", 1, 50, cpu=22.0), run("cpu", "gunicorn", 1, 40, cpu=42.0)])
        self.assertEqual(21.0, s[("cpu", "adapter", 1)]["cpu_ms_per_request"])
        rows = {r["ratio"]: r for r in bench.ratios(s, 1)}
        self.assertEqual(2.0, rows["server CPU per request, gunicorn / adapter"]["value"])
        self.assertIsNone(rows["server CPU per request, gunicorn / adapter"]["target"])
        self.assertEqual(0.5, bench.cpu_per_request_ms(1.0, 1.5, 1000))
        self.assertIsNone(bench.cpu_per_request_ms(None, 1.5, 1000))
        self.assertIsNone(bench.cpu_per_request_ms(1.0, 1.5, 0))

    def test_ratios_against_gunicorn_and_the_cpu_models_scaling_with_their_targets(self):
        s = bench.summarize([run("cpu", "adapter", 1, 50), run("cpu", "gunicorn", 1, 40),
                             run("cpu", "adapter", 2, 85), run("cpu", "gunicorn", 2, 100),
                             run("sentiment", "adapter", 1, 3000), run("sentiment", "gunicorn", 1, 2000)])
        rows = {(r["model"], r["ratio"], r["workers"]): r for r in bench.ratios(s, 2)}
        vs1 = rows[("cpu", "adapter / gunicorn", 1)]
        self.assertEqual((1.25, 1.0, True), (vs1["value"], vs1["target"], vs1["met"]))
        vs2 = rows[("cpu", "adapter / gunicorn", 2)]
        self.assertEqual((0.85, False), (vs2["value"], vs2["met"]))
        scaling = rows[("cpu", "adapter 2 workers / (2 x adapter 1 worker)", 2)]
        self.assertEqual((0.85, 0.9, False), (scaling["value"], scaling["target"], scaling["met"]))
        reference = rows[("cpu", "gunicorn 2 workers / (2 x gunicorn 1 worker)", 2)]
        self.assertEqual((1.25, None, None), (reference["value"], reference["target"], reference["met"]))
        self.assertEqual(1.5, rows[("sentiment", "adapter / gunicorn", 1)]["value"])
        self.assertNotIn(("sentiment", "adapter 2 workers / (2 x adapter 1 worker)", 2), rows,
                         "no scaling without the 2-worker run")

    def test_with_one_worker_there_is_no_scaling_ratio(self):
        s = bench.summarize([run("cpu", "adapter", 1, 50), run("cpu", "gunicorn", 1, 40)])
        self.assertEqual(["adapter / gunicorn"], [r["ratio"] for r in bench.ratios(s, 1)])

    def test_the_table_shows_every_configuration_and_says_which_target_is_missed(self):
        s = bench.summarize([run("cpu", "adapter", 2, 85.04, 40.0, 80.0), run("cpu", "gunicorn", 2, 100)])
        meta = {"rounds": 3, "duration": 10, "warmup": 3, "cpus": 2, "python": "/usr/bin/python3 (3.11.2)",
                "gunicorn": "20.1.0", "wrk": "wrk 4.1.0", "iterations": 1000, "cpu_ms": 20, "load_before": "0.1",
                "load_after": "0.2"}
        table = bench.markdown(s, bench.ratios(s, 2), meta)
        self.assertIn("| cpu | 2 | 4 | adapter | 85.0 | 40.0 | 80.0 | - |", table)
        self.assertIn("| cpu | adapter / gunicorn (N = 2) | 0.85× | ≥ 1.0 (MISSED) |", table)
        self.assertIn("Medians of 3 rounds", table)


class SessionCpuTest(unittest.TestCase):
    def test_sums_user_and_system_time_of_the_sessions_processes_only(self):
        proc = tempfile.mkdtemp(prefix="proc")
        ticks = os.sysconf("SC_CLK_TCK")
        # pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        for pid, comm, session, utime, stime in ((10, "python3", 10, ticks, ticks), (11, "a (b) c", 10, ticks, 0),
                                                 (12, "other", 99, 50 * ticks, 0)):
            os.makedirs(os.path.join(proc, str(pid)))
            with open(os.path.join(proc, str(pid), "stat"), "w") as f:
                f.write("%d (%s) S 1 %d %d 0 -1 0 0 0 0 0 %d %d 0 0\n" % (pid, comm, session, session, utime, stime))
        os.makedirs(os.path.join(proc, "self"))
        self.assertEqual(3.0, bench.session_cpu_seconds(10, proc))
        self.assertIsNone(bench.session_cpu_seconds(10, os.path.join(proc, "missing")))


class MissingToolTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bench-test")

    def fake(self, name, script):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + script + "\n")
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        return path

    def test_a_python_without_gunicorn_names_the_debian_package(self):
        python = self.fake("python3", "echo 'No module named gunicorn' >&2; exit 1")
        with self.assertRaises(bench.MissingTool) as caught:
            bench.check_tools(python, "/bin/true")
        self.assertIn("apt-get install python3-gunicorn", str(caught.exception))

    def test_a_missing_wrk_names_the_debian_package_and_main_exits_2(self):
        python = self.fake("python3", "echo 'gunicorn (version 20.1.0)'")
        missing = os.path.join(self.dir, "no-wrk")
        with self.assertRaises(bench.MissingTool) as caught:
            bench.check_tools(python, missing)
        self.assertIn("apt-get install wrk", str(caught.exception))
        self.assertEqual(2, bench.main(["--python", python, "--wrk", missing, "--out", self.dir]))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "serving-benchmark.json")), "nothing was measured")

    def test_the_gunicorn_version_is_read_from_its_banner(self):
        python = self.fake("python3", "echo '__main__.py (version 20.1.0)'")
        self.assertEqual("20.1.0", bench.check_tools(python, "/bin/true"))


class _Answer(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"ok": true}' if self.path == "/invocations" else b"no"
        self.send_response(200 if self.path == "/invocations" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@unittest.skipUnless(os.access("/usr/bin/wrk", os.X_OK), "wrk is not installed (apt-get install wrk)")
class WrkScriptTest(unittest.TestCase):
    def test_the_lua_script_posts_to_invocations_and_its_report_parses(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        body = os.path.join(tempfile.mkdtemp(prefix="bench-test"), "body")
        with open(body, "wb") as f:
            f.write(b'{"seed": 1}')
        r = bench.run_wrk("/usr/bin/wrk", server.server_address[1], body, "application/json", 1, 1)
        self.assertGreater(r["requests"], 0)
        self.assertEqual(0, r["failed"], "every POST reached /invocations and got 200: %s" % r["errors"])


if __name__ == "__main__":
    unittest.main()
