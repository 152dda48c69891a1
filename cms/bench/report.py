"""The benchmark's results: a table for people, a JSON file for comparing runs.

A run's results are plain data (what `json` writes), built by the runner:

    {"started_at": ..., "machine": {...}, "options": {...}, "rows": {...},
     "setups": [{"page_cache": "off", "scenarios": [
         {"name": "product", "queries": {"min": 9, "max": 9, ...},
          "runs": [{"concurrency": 20, "requests_per_second": ..., ...}]}],
       "checkout": {...}, "log_problems": [...]}]}

`compare` lines a run up with an earlier one, scenario by scenario.
"""

import json
from datetime import datetime
from pathlib import Path


def file_name(started: datetime) -> str:
    """ "20261127T034512Z.json": runs sort by time, as their names do."""
    return started.strftime("%Y%m%dT%H%M%SZ") + ".json"


def write_json(results: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    return path


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


def _throughputs(results: dict) -> dict[tuple[str, str, int], float]:
    return {
        (setup["page_cache"], scenario["name"], run["concurrency"]): run[
            "requests_per_second"
        ]
        for setup in results.get("setups", [])
        for scenario in setup["scenarios"]
        for run in scenario["runs"]
    }


def compare(results: dict, previous: dict) -> dict[tuple[str, str, int], float]:
    """Change of requests/s against `previous`, as a fraction (+0.12 = 12 % more),
    for each (page cache, scenario, concurrency) both runs measured."""
    before = _throughputs(previous)
    return {
        key: rps / before[key] - 1
        for key, rps in _throughputs(results).items()
        if before.get(key)
    }


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _queries(queries: dict | None) -> str:
    if not queries:
        return "—"
    if queries["min"] == queries["max"]:
        return str(queries["min"])
    return f"{queries['min']}–{queries['max']}"


def _by_app(migrations: list[str]) -> str:
    """ "market.0007_indexes, django_tasks_database (21 migrations)"."""
    apps: dict[str, list[str]] = {}
    for name in migrations:
        apps.setdefault(name.split(".", 1)[0], []).append(name)
    return ", ".join(
        names[0] if len(names) == 1 else f"{app} ({len(names)} migrations)"
        for app, names in apps.items()
    )


COLUMNS = [
    ("scenario", 20, "<"),
    ("conc", 4, ">"),
    ("req/s", 9, ">"),
    ("p50 ms", 7, ">"),
    ("p95 ms", 7, ">"),
    ("p99 ms", 7, ">"),
    ("errors", 6, ">"),
    ("×ceiling", 8, ">"),
    ("queries", 7, ">"),
    ("RSS MB", 6, ">"),
]


def _line(values: list[str], columns=COLUMNS) -> str:
    return "  ".join(
        f"{value:{align}{width}}"
        for value, (_title, width, align) in zip(values, columns, strict=False)
    ).rstrip()


def table(results: dict, previous: dict | None = None) -> str:
    """The results as text: one block per page-cache set-up, checkout below."""
    changes = compare(results, previous) if previous else {}
    columns = COLUMNS + ([("vs prev", 8, ">")] if previous else [])
    options = results["options"]
    lines = []
    missing = results.get("unapplied_migrations")
    if missing:
        lines.append(
            "Warning: the database lacks migrations the code has, measured "
            f"without them: {_by_app(missing)} (run `manage.py migrate`)."
        )
    for setup in results["setups"]:
        lines += [
            "",
            f"Page cache {setup['page_cache']}: {options['workers']} gunicorn "
            f"sync workers, {options['seconds']:g} s per run, "
            f"{results['machine']['cpus']} CPUs (load average at start "
            f"{results['machine']['load_average'][0]:.1f})",
            _line([title for title, _w, _a in columns], columns),
        ]
        for scenario in setup["scenarios"]:
            for index, run in enumerate(scenario["runs"]):
                first = index == 0
                change = changes.get(
                    (setup["page_cache"], scenario["name"], run["concurrency"])
                )
                lines.append(
                    _line(
                        [
                            scenario["name"] if first else "",
                            str(run["concurrency"]),
                            _number(run["requests_per_second"]),
                            _number(run["p50_ms"]),
                            _number(run["p95_ms"]),
                            _number(run["p99_ms"]),
                            str(run["errors"]),
                            _number(run["ratio_to_ceiling"], 2),
                            _queries(scenario.get("queries")) if first else "",
                            _number(scenario["rss_mb_max"], 0) if first else "",
                            "" if change is None else f"{change:+.0%}",
                        ],
                        columns,
                    )
                )
        for scenario in setup["scenarios"]:
            if scenario.get("note"):
                lines.append(f"  note, {scenario['name']}: {scenario['note']}")
            for kind, count in scenario.get("errors_by_kind", {}).items():
                lines.append(f"  errors, {scenario['name']}: {count} × {kind}")
        if setup.get("checkout"):
            lines += checkout_lines(setup["checkout"])
        lines.append(f"  worker RSS, max: {_number(setup['worker_rss_mb_max'], 0)} MB")
        for problem in setup.get("log_problems", []):
            lines.append(f"  gunicorn log: {problem}")
    return "\n".join(lines) + "\n"


def checkout_lines(checkout: dict) -> list[str]:
    ms = checkout["checkout_ms"]
    stock = checkout.get("stock", {})
    lines = [
        f"checkout: {checkout['users']} buyers for {checkout['seconds']:.1f} s: "
        f"{checkout['orders']} orders, {_number(checkout['orders_per_second'])} "
        f"orders/s; place order p50/p95/p99 {_number(ms['p50'], 0)}/"
        f"{_number(ms['p95'], 0)}/{_number(ms['p99'], 0)} ms",
        f"  sold out (the site's message): {checkout['sold_out']}; "
        f"errors: {checkout['errors']}; requests: {checkout['requests']}; "
        f"load generator CPU: {checkout['client_cpu_seconds']:.1f} s",
    ]
    if stock:
        verdict = "OK" if stock["oversell_ok"] else "OVERSOLD"
        lines.append(
            f"  stock check: {verdict}: {stock['units_ordered']} units ordered, "
            f"{stock['sold_out_products']} of {len(stock['products'])} products "
            f"sold out, none below zero"
            if stock["oversell_ok"]
            else f"  stock check: {verdict}: " + "; ".join(stock["problems"])
        )
    for kind, count in checkout["errors_by_kind"].items():
        lines.append(f"  errors, checkout: {count} × {kind}")
    return lines
