"""Figures the domain reports for monitoring; `/metrics` (app/metrics.py) serves them.

They live here, not in app/, so that a domain module counts with one call and
imports nothing of the web wiring. prometheus_client keeps them per process,
or, when `PROMETHEUS_MULTIPROC_DIR` is set before the server starts, in files
there that `/metrics` adds up across worker processes.
"""

from prometheus_client import Counter, Gauge

_FEED_CACHE = Counter(
    "fangzha_feed_cache_requests",
    "Feed and event-file requests, answered from the feed cache (hit) or built anew (miss).",
    ["result"],
)
feed_cache_hits = _FEED_CACHE.labels(result="hit")
feed_cache_misses = _FEED_CACHE.labels(result="miss")

# Each worker counts its own; the sum over live workers is what is running now.
imports_in_progress = Gauge(
    "fangzha_imports_in_progress",
    "Interception CSV imports being uploaded, checked or written right now.",
    multiprocess_mode="livesum",
)
