-- wrk script: rotate through the addresses in a file, report as one JSON line.
--
--   wrk -s rotate.lua http://127.0.0.1:8000 -- paths.txt
--
-- The file holds one address per line ("/san-pham/cam-vinh/"). Each wrk thread
-- starts at a different place in the list, so threads do not ask for the same
-- page at the same moment. done() prints a line starting with "WRK_JSON " that
-- cms/bench/wrk.py reads: latency percentiles in microseconds and every kind of
-- error wrk counts ("status" is responses of 400 and above).

local started = 0

function setup(thread)
  thread:set("offset", started * 7919)
  started = started + 1
end

local paths = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  index = (offset or 0) % #paths
end

function request()
  index = index % #paths + 1
  return wrk.format(nil, paths[index])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p95": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency.max,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)
  ))
end
