#!/usr/bin/env python3
"""Serving benchmark: the mldeploy adapter against gunicorn, serving the same model hooks under the same load.

    python3 benchmarks/serving/bench.py [--rounds 3] [--duration 10] [--warmup 3] [--workers N] [--adapter DIR]
                                        [--models cpu,sentiment] [--out DIR] [--python /usr/bin/python3]

For each model (cpu: about 20 ms of pure-Python work a request; sentiment: the I/O-light sample model of
examples/models) and each worker count (1 and --workers, default the CPU count), it serves the model by
  - the adapter: the real entry mldeploy_serve.py (SageMaker contract), SAGEMAKER_MODEL_SERVER_WORKERS=N;
  - gunicorn 20.1 (Debian's python3-gunicorn), N sync workers, running wsgi_app.py (the same hooks);
both under the same interpreter (--python), on 127.0.0.1 and a free port, and loads it with wrk: a closed loop of
C = 2N connections, a warm-up run, then a measured run of --duration seconds. Rounds alternate the order (adapter,
gunicorn | gunicorn, adapter | ...). It reports the median over the rounds of requests a second, p50 and p99, and the
ratios adapter / gunicorn at the same N and, for the cpu model, adapter N workers / (N x adapter 1 worker), against
the targets (>= 1.0 and >= 0.9). Writes serving-benchmark.md and serving-benchmark.json to --out and prints the
table.

Exit status: 0 when every measured run completed without a failed request (a missed target is reported, not an
error), 1 when a server failed or a request failed, 2 when gunicorn or wrk is missing (with the package to install).
Every server it starts is stopped before it exits, also on failure and on Ctrl-C. Standard library only.
"""
import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
ADAPTER_DIR = os.path.join(REPO, "core", "src", "main", "resources", "dev", "mldeploy", "adapter")
WRK_SCRIPT = os.path.join(HERE, "wrk_report.lua")
WSGI_DIR = HERE
WRK_MARK = "MLDEPLOY_WRK "
ADAPTER = "adapter"
GUNICORN = "gunicorn"
TARGET_VS_GUNICORN = 1.0
TARGET_SCALING = 0.9
CPU_MODEL = "cpu"
ITERATIONS_ENV = "MLDEPLOY_BENCH_CPU_ITERATIONS"

MODELS = {
    CPU_MODEL: {"dir": os.path.join(HERE, "models", "cpu"), "body": b'{"seed": 7}',
                "content_type": "application/json"},
    "sentiment": {"dir": os.path.join(REPO, "examples", "models", "sentiment"),
                  "body": b'{"text": "what a lovely day, the staff were friendly and the food was great"}',
                  "content_type": "application/json"},
}


class BenchError(Exception):
    """A run that cannot be measured: a server that does not start, wrk failing, a request answered wrongly."""


class MissingTool(BenchError):
    """gunicorn or wrk is not installed."""


# ---- what the unit tests cover: parsing wrk's report, medians, ratios, the table -----------------------------------

def parse_wrk(output):
    """The MLDEPLOY_WRK line wrk_report.lua prints, as a dict with requests_per_second and latencies in ms."""
    for line in output.splitlines():
        if line.startswith(WRK_MARK):
            raw = json.loads(line[len(WRK_MARK):])
            break
    else:
        raise BenchError("wrk printed no %sline (was it run with %s?): %s"
                         % (WRK_MARK, os.path.basename(WRK_SCRIPT), output.strip()[-500:]))
    seconds = raw["duration_us"] / 1e6
    if seconds <= 0:
        raise BenchError("wrk reported a duration of %s us" % raw["duration_us"])
    lat = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "seconds": seconds,
        "requests_per_second": raw["requests"] / seconds,
        "p50_ms": lat["p50"] / 1000.0,
        "p90_ms": lat["p90"] / 1000.0,
        "p99_ms": lat["p99"] / 1000.0,
        "max_ms": lat["max"] / 1000.0,
        "errors": dict(raw["errors"]),
        "failed": sum(raw["errors"].values()),
    }


def session_cpu_seconds(sid, proc="/proc"):
    """User + system CPU seconds of the live processes of session sid (a server and its workers), from /proc;
    None where there is no /proc."""
    try:
        entries = os.listdir(proc)
        ticks = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, AttributeError):
        return None
    total = 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(os.path.join(proc, entry, "stat")) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        # after the command: state ppid pgrp session ... utime (14th field of the line) stime (15th)
        if int(fields[3]) == sid:
            total += int(fields[11]) + int(fields[12])
    return total / float(ticks)


def cpu_per_request_ms(before, after, requests):
    """The servers' CPU milliseconds per request over a run, or None when it was not measured."""
    if before is None or after is None or requests <= 0:
        return None
    return (after - before) * 1000.0 / requests


def order_of_round(index):
    """The servers in the order round `index` (from 0) runs them: adapter, gunicorn, then gunicorn, adapter, ..."""
    return [ADAPTER, GUNICORN] if index % 2 == 0 else [GUNICORN, ADAPTER]


def summarize(runs):
    """Medians over rounds per (model, server, workers): {(model, server, workers): {...}}."""
    groups = {}
    for run in runs:
        groups.setdefault((run["model"], run["server"], run["workers"]), []).append(run)
    summary = {}
    for key, group in groups.items():
        summary[key] = {
            "rounds": len(group),
            "connections": group[0]["connections"],
            "requests_per_second": statistics.median(r["requests_per_second"] for r in group),
            "p50_ms": statistics.median(r["p50_ms"] for r in group),
            "p99_ms": statistics.median(r["p99_ms"] for r in group),
            "cpu_ms_per_request": _median_or_none([r.get("cpu_ms_per_request") for r in group]),
            "failed": sum(r["failed"] for r in group),
        }
    return summary


def _median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratios(summary, workers):
    """adapter / gunicorn at the same worker count, per model and count; and for the cpu model the adapter's
    scaling, N workers / (N x 1 worker), when both were measured. Each with its target and whether it is met."""
    out = []
    for (model, server, n), s in sorted(summary.items()):
        if server != ADAPTER or (model, GUNICORN, n) not in summary:
            continue
        value = s["requests_per_second"] / summary[(model, GUNICORN, n)]["requests_per_second"]
        out.append({"model": model, "workers": n, "ratio": "adapter / gunicorn", "value": value,
                    "target": TARGET_VS_GUNICORN, "met": value >= TARGET_VS_GUNICORN})
        theirs = summary[(model, GUNICORN, n)].get("cpu_ms_per_request")
        if s.get("cpu_ms_per_request") and theirs:
            out.append({"model": model, "workers": n, "ratio": "server CPU per request, gunicorn / adapter",
                        "value": theirs / s["cpu_ms_per_request"], "target": None, "met": None})
    for model in sorted({m for (m, _, _) in summary}):
        for server in (ADAPTER, GUNICORN):
            one, many = summary.get((model, server, 1)), summary.get((model, server, workers))
            if workers <= 1 or one is None or many is None:
                continue
            value = many["requests_per_second"] / (workers * one["requests_per_second"])
            target = TARGET_SCALING if (model == CPU_MODEL and server == ADAPTER) else None
            out.append({"model": model, "workers": workers,
                        "ratio": "%s %d workers / (%d x %s 1 worker)" % (server, workers, workers, server),
                        "value": value, "target": target, "met": None if target is None else value >= target})
    return out


def markdown(summary, ratio_rows, meta):
    lines = ["| model | workers | connections | server | req/s | p50 ms | p99 ms | server CPU ms/request |",
             "|---|---:|---:|---|---:|---:|---:|---:|"]
    for (model, server, n), s in sorted(summary.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1])):
        cpu = s.get("cpu_ms_per_request")
        lines.append("| %s | %d | %d | %s | %.1f | %.1f | %.1f | %s |"
                     % (model, n, s["connections"], server, s["requests_per_second"], s["p50_ms"], s["p99_ms"],
                        "-" if cpu is None else "%.3f" % cpu))
    lines += ["", "| model | ratio | value | target |", "|---|---|---:|---|"]
    for r in ratio_rows:
        target = "-" if r["target"] is None else "≥ %.1f (%s)" % (r["target"], "met" if r["met"] else "MISSED")
        name = r["ratio"] + (" (N = %d)" % r["workers"] if "/ gunicorn" in r["ratio"] or "gunicorn /" in r["ratio"]
                             else "")
        lines.append("| %s | %s | %.2f× | %s |" % (r["model"], name, r["value"], target))
    lines += ["", "Medians of %(rounds)d rounds of %(duration)g s (after %(warmup)g s of warm-up each), %(cpus)d CPUs, "
              "%(python)s, gunicorn %(gunicorn)s (sync workers), %(wrk)s; cpu model: %(iterations)d loop rounds "
              "(%(cpu_ms)g ms calibrated); load average %(load_before)s before, %(load_after)s after. Server CPU: user + "
              "system time of the server's processes over the measured run, per request (less sensitive than req/s "
              "to other load on the machine)." % meta]
    return "\n".join(lines) + "\n"


# ---- servers and load ---------------------------------------------------------------------------------------------

def free_port():
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def check_tools(python, wrk):
    """Raises MissingTool naming the Debian package when gunicorn (for `python`) or wrk is missing."""
    if not os.path.isfile(python):
        raise MissingTool("%s does not exist: install Debian's python3 (apt-get install python3) or pass --python"
                          % python)
    probe = subprocess.run([python, "-m", "gunicorn", "--version"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if probe.returncode != 0:
        raise MissingTool("gunicorn is not installed for %s: install Debian's python3-gunicorn "
                          "(apt-get install python3-gunicorn)" % python)
    if not (os.path.isfile(wrk) and os.access(wrk, os.X_OK)):
        raise MissingTool("wrk is not installed at %s: install Debian's wrk (apt-get install wrk) or pass --wrk" % wrk)
    return probe.stdout.decode("utf-8", "replace").strip().split()[-1].strip("()")


def calibrate(python, cpu_ms):
    """How many rounds of the cpu model's loop take cpu_ms here under `python` (best of several tries)."""
    code = ("import sys, time; sys.path.insert(0, %r); import inference\n"
            "best = min((lambda t: (inference.work(0, 100000), time.perf_counter() - t)[1])(time.perf_counter())"
            " for _ in range(15))\nprint(best)" % MODELS[CPU_MODEL]["dir"])
    out = subprocess.run([python, "-c", code], stdout=subprocess.PIPE, check=True, stdin=subprocess.DEVNULL)
    per_100k = float(out.stdout.decode().strip())
    return max(1000, int(100000 * (cpu_ms / 1000.0) / per_100k))


class Server(object):
    """One server process (its own session, so that stopping it stops its workers too)."""

    def __init__(self, kind, model, workers, python, env, log_dir, adapter_dir):
        self.kind = kind
        self.port = free_port()
        self.log_path = os.path.join(log_dir, "%s-%s-%d-%d.log" % (kind, model, workers, self.port))
        env = dict(env)
        model_dir = MODELS[model]["dir"]
        if kind == ADAPTER:
            env["SAGEMAKER_MODEL_SERVER_WORKERS"] = str(workers)
            env.pop("MLDEPLOY_TOKEN_STDIN", None)
            cmd = [python, os.path.join(adapter_dir, "mldeploy_serve.py"), "serve", "--model-dir", model_dir, "--host", "127.0.0.1",
                   "--port", str(self.port)]
        else:
            env["MLDEPLOY_BENCH_MODEL_DIR"] = model_dir
            cmd = [python, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
                   "--bind", "127.0.0.1:%d" % self.port, "--chdir", WSGI_DIR, "--log-level", "warning",
                   "wsgi_app:app"]
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def wait_ready(self, timeout=60.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise BenchError("%s exited with status %d before answering /ping; its log: %s"
                                 % (self.kind, self.process.returncode, self.log_path))
            try:
                with urllib.request.urlopen(self.url("/ping"), timeout=2) as r:
                    if r.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.05)
        raise BenchError("%s did not answer /ping with 200 within %g s; its log: %s"
                         % (self.kind, timeout, self.log_path))

    def invoke(self, body, content_type):
        req = urllib.request.Request(self.url("/invocations"), data=body, method="POST",
                                     headers={"Content-Type": content_type, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def stop(self):
        """SIGTERM to the whole session, SIGKILL what is left after 15 s; returns once the process is reaped."""
        try:
            if self.process.poll() is None:
                _signal_group(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(15)
                except subprocess.TimeoutExpired:
                    pass
            _signal_group(self.process.pid, signal.SIGKILL)  # workers that outlived their parent
            self.process.wait()
        finally:
            self.log.close()


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def start_server(kind, model, workers, python, env, log_dir, adapter_dir=ADAPTER_DIR, attempts=3):
    """A started, ready server; a new free port when the one chosen was taken in the meantime."""
    last = None
    for _ in range(attempts):
        server = Server(kind, model, workers, python, env, log_dir, adapter_dir)
        try:
            server.wait_ready()
            return server
        except BaseException as exc:
            server.stop()
            last = exc
            if not isinstance(exc, BenchError):
                raise
    raise last


def run_wrk(wrk, port, body_file, content_type, connections, seconds):
    cmd = [wrk, "-t", "1", "-c", str(connections), "-d", "%ds" % max(1, int(round(seconds))), "--timeout", "30s",
           "-s", WRK_SCRIPT, "http://127.0.0.1:%d/invocations" % port, "--", body_file, content_type]
    out = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    text = out.stdout.decode("utf-8", "replace")
    if out.returncode != 0:
        raise BenchError("wrk exited with status %d: %s" % (out.returncode, text.strip()[-500:]))
    return parse_wrk(text)


def measure(args, kind, model, workers, env, body_file, reference, log_dir):
    spec = MODELS[model]
    connections = 2 * workers
    server = start_server(kind, model, workers, args.python, env, log_dir, args.adapter)
    try:
        status, answer = server.invoke(spec["body"], spec["content_type"])
        if status != 200:
            raise BenchError("%s answered %d to the %s model's request; its log: %s"
                             % (kind, status, model, server.log_path))
        expected = reference.setdefault(model, answer)
        if json.loads(answer) != json.loads(expected):
            raise BenchError("%s answered %r to the %s model's request, the other server %r"
                             % (kind, answer[:200], model, expected[:200]))
        if args.warmup > 0:
            run_wrk(args.wrk, server.port, body_file, spec["content_type"], connections, args.warmup)
        load = _load()
        cpu_before = session_cpu_seconds(server.process.pid)
        result = run_wrk(args.wrk, server.port, body_file, spec["content_type"], connections, args.duration)
        result["cpu_ms_per_request"] = cpu_per_request_ms(cpu_before, session_cpu_seconds(server.process.pid),
                                                          result["requests"])
        result["load_average"] = load
        if server.process.poll() is not None:
            raise BenchError("%s exited during the run; its log: %s" % (kind, server.log_path))
    finally:
        server.stop()
    result.update({"model": model, "server": kind, "workers": workers, "connections": connections})
    return result


def _load():
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "?"


def _wrk_version(wrk):
    out = subprocess.run([wrk, "--version"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode("utf-8", "replace")
    return out.strip().splitlines()[0].split(" [")[0] if out.strip() else "wrk"


def available_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=3, help="rounds per configuration, in alternating order (3)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of each measured run (10)")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of load before each measured run (3)")
    p.add_argument("--workers", type=int, default=available_cpus(),
                   help="worker count of the multi-worker configurations (default: the CPU count, %(default)s)")
    p.add_argument("--models", default=",".join(MODELS), help="comma-separated, of: " + ", ".join(MODELS))
    p.add_argument("--cpu-ms", type=float, default=20.0, help="work of the cpu model per request, in ms (20)")
    p.add_argument("--python", default="/usr/bin/python3", help="the interpreter of both servers")
    p.add_argument("--wrk", default="/usr/bin/wrk")
    p.add_argument("--adapter", default=ADAPTER_DIR,
                   help="the adapter directory (holding mldeploy_serve.py) to measure; default this checkout's")
    p.add_argument("--out", default=os.path.join(REPO, "benchmarks", "target", "serving"),
                   help="directory for serving-benchmark.md, serving-benchmark.json and the servers' logs")
    args = p.parse_args(argv)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODELS]
    if unknown or not models:
        p.error("unknown model(s) %s; known: %s" % (", ".join(unknown) or "(none)", ", ".join(MODELS)))
    if args.rounds < 1 or args.duration < 1 or args.workers < 1 or args.warmup < 0 or args.cpu_ms <= 0:
        p.error("--rounds, --duration and --workers must be at least 1, --warmup at least 0, --cpu-ms positive")
    if not os.path.isfile(os.path.join(args.adapter, "mldeploy_serve.py")):
        p.error("--adapter %s holds no mldeploy_serve.py" % args.adapter)
    args.adapter = os.path.abspath(args.adapter)
    args.models = models
    return args


def _stop_on_signal(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)  # unwinds through every finally, which stops the servers


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    try:
        gunicorn_version = check_tools(args.python, args.wrk)
    except MissingTool as exc:
        sys.stderr.write("bench.py: %s\n" % exc)
        return 2
    os.makedirs(args.out, exist_ok=True)
    log_dir = os.path.join(args.out, "logs")
    os.makedirs(log_dir, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAGEMAKER_", "MLDEPLOY_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    iterations = 0
    if CPU_MODEL in args.models:
        iterations = calibrate(args.python, args.cpu_ms)
        env[ITERATIONS_ENV] = str(iterations)
    meta = {"rounds": args.rounds, "duration": args.duration, "warmup": args.warmup, "cpus": available_cpus(),
            "python": "%s (%s)" % (args.python, subprocess.run([args.python, "-c", "import platform; print("
                                                                "platform.python_version())"], stdout=subprocess.PIPE,
                                                               stdin=subprocess.DEVNULL).stdout.decode().strip()),
            "gunicorn": gunicorn_version, "wrk": _wrk_version(args.wrk), "iterations": iterations,
            "cpu_ms": args.cpu_ms, "adapter": args.adapter, "load_before": _load(), "machine": platform.machine(), "workers": args.workers}
    counts = sorted({1, args.workers})
    runs = []
    reference = {}
    try:
        with tempfile.TemporaryDirectory(prefix="mldeploy-bench") as tmp:
            for model in args.models:
                body_file = os.path.join(tmp, model + ".body")
                with open(body_file, "wb") as f:
                    f.write(MODELS[model]["body"])
                for n in counts:
                    for r in range(args.rounds):
                        for kind in order_of_round(r):
                            result = measure(args, kind, model, n, env, body_file, reference, log_dir)
                            result["round"] = r + 1
                            runs.append(result)
                            sys.stderr.write("%-9s %-8s N=%d C=%d round %d: %8.1f req/s  p50 %6.1f ms  p99 %6.1f ms"
                                             "%s\n" % (model, kind, n, 2 * n, r + 1, result["requests_per_second"],
                                                       result["p50_ms"], result["p99_ms"],
                                                       "  FAILED REQUESTS: %s" % result["errors"]
                                                       if result["failed"] else ""))
    except BenchError as exc:
        sys.stderr.write("bench.py: %s\n" % exc)
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("bench.py: interrupted; the servers are stopped\n")
        return 130
    meta["load_after"] = _load()
    summary = summarize(runs)
    ratio_rows = ratios(summary, args.workers)
    table = markdown(summary, ratio_rows, meta)
    with open(os.path.join(args.out, "serving-benchmark.md"), "w", encoding="utf-8") as f:
        f.write(table)
    with open(os.path.join(args.out, "serving-benchmark.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "runs": runs, "ratios": ratio_rows,
                   "summary": [dict(v, model=k[0], server=k[1], workers=k[2]) for k, v in sorted(summary.items())]},
                  f, indent=2)
    sys.stdout.write(table)
    sys.stdout.write("\n(written to %s)\n" % os.path.join(args.out, "serving-benchmark.{md,json}"))
    failed = sum(s["failed"] for s in summary.values())
    if failed:
        sys.stderr.write("bench.py: %d request(s) failed (see the runs in the JSON); the figures are not valid\n"
                         % failed)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
