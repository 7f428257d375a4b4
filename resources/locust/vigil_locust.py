# Vigil's launcher for Locust: runs `locust` with the same arguments, plus two things Vigil needs
# to follow a run live and to report it exactly:
#  - Locust writes its CSV history every second but flushes the file only every 10 s
#    (locust.stats.CSV_STATS_FLUSH_INTERVAL_SEC); flushing each row lets Vigil read it each second.
#  - in distributed mode a worker reports to the master every 3 s
#    (locust.runners.WORKER_REPORT_INTERVAL); each second keeps the master's per-second rows even.
#  - Debian's python3-locust 2.12.1 has an empty version string (locust/_version.py), so a master
#    takes every worker for "an old (pre 2.0) worker" and refuses it: the distributed mode does not
#    work with plain `locust` there. An empty version is replaced by one both sides share.
#  - Locust's "current" percentiles (the 50%..100% columns of each history row) cover its last
#    ~10 s (locust.stats.CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW), so a slowdown shows at full
#    height only seconds later and lingers 10 s after it ended; a 2 s window (the request times
#    since the start of the previous second) keeps each row about its own second.
#  - the final CSVs are written up to a second before the end; on quit this writes the final
#    totals, percentiles (the whole run's and the last 2 s's), per-endpoint figures and errors as
#    JSON to $VIGIL_LOCUST_FINAL.
import json
import os
import sys

import locust.runners
import locust.stats
from locust import events

locust.stats.CSV_STATS_FLUSH_INTERVAL_SEC = 0
locust.runners.WORKER_REPORT_INTERVAL = 1.0
locust.stats.CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW = 2
if not locust.runners.__version__:
    locust.runners.__version__ = "2.12-unversioned"

_state = {}


@events.init.add_listener
def _on_init(environment, **_kwargs):
    _state["env"] = environment


def _entry(e):
    pct = lambda q: e.get_response_time_percentile(q) if e.num_requests else 0
    return {
        "method": e.method or "",
        "name": e.name,
        "requests": e.num_requests,
        "failures": e.num_failures,
        "avg_ms": e.avg_response_time,
        "max_ms": e.max_response_time or 0,
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


@events.quit.add_listener
def _on_quit(exit_code, **_kwargs):
    path = os.environ.get("VIGIL_LOCUST_FINAL")
    env = _state.get("env")
    if not path or env is None or env.runner is None or type(env.runner).__name__ == "WorkerRunner":
        return
    stats = env.stats
    total = _entry(stats.total)
    # The percentiles of the last moments (the same 2 s window as the history rows): the seconds
    # after the last history row get these instead of none.
    current = lambda q: stats.total.get_current_response_time_percentile(q) if stats.total.num_requests else None
    total["current_p50_ms"] = current(0.5)
    total["current_p95_ms"] = current(0.95)
    total["current_p99_ms"] = current(0.99)
    data = {
        "exit_code": exit_code,
        "total": total,
        "entries": [_entry(e) for e in stats.entries.values()],
        "errors": [
            {
                "method": e.method or "",
                "name": e.name,
                # as Locust's failures CSV shows it: HTTPError('500 Server Error: ...')
                "error": e.error if isinstance(e.error, str) else locust.stats.StatsError.parse_error(e.error),
                "occurrences": e.occurrences,
            }
            for e in stats.errors.values()
        ],
        "start_time": stats.total.start_time,
        "last_request": stats.total.last_request_timestamp or 0,
    }
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)


if __name__ == "__main__":
    from locust.main import main

    sys.exit(main())
