-- wrk script of the serving benchmark: POSTs one body to /invocations on every request and, at the end, prints one
-- line "MLDEPLOY_WRK {json}" with the counts and latency percentiles (microseconds) that bench.py parses.
-- Arguments (after "--"): <body file> <content type>.

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = args[2]
  wrk.headers["Accept"] = "application/json"
  req = wrk.format(nil, "/invocations")
end

function request()
  return req
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'MLDEPLOY_WRK {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, ' ..
    '"mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
