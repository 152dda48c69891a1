"""The benchmark: the site under gunicorn, driven by wrk, measured and reported.

`manage.py bench` (cms/management/commands/bench.py) runs it; `make bench`
does the same with the default options. docs/performance.md, "Benchmark",
says what it measures and how to read the results.

- `scenarios`: which addresses each scenario requests, chosen from the data;
- `server`: gunicorn with production settings on a free port;
- `wrk` (with `rotate.lua`): the page scenarios' load and latencies;
- `checkout`: buyers adding to cart and ordering, with cookies and CSRF;
- `probe`: work done inside the site's own process (choosing addresses,
  counting queries, profiling, checking stock after checkout);
- `report`: the table, the JSON file and comparing two runs;
- `runner`: all of it in order.
"""


class Refused(Exception):
    """The benchmark cannot run here; the message says what to do about it."""
