"""`/metrics` for Prometheus: requests and latency per route, and the domain's figures.

Litestar's Prometheus middleware counts requests and times them, labelled by
route template (`/api/events/{event_id}`, never the ids themselves, so the
number of series stays bounded) and status; core/metrics.py adds the feed
cache and the imports in progress. Only admins may read them: the figures
say how busy each branch's staff are.

With several worker processes each keeps its own figures; with
`PROMETHEUS_MULTIPROC_DIR` set (to a folder `fangzha serve` empties as it
starts) each writes them there, and `/metrics` adds them up, whichever worker
answers.
"""

import anyio.to_thread
from litestar import Controller, Request, get
from litestar.plugins.prometheus import PrometheusConfig
from litestar.response import Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from accounts.guards import requires_admin

prometheus = PrometheusConfig(
    app_name="fangzha",
    prefix="fangzha",
    group_path=True,
    # The scrape itself is not traffic worth graphing.
    exclude=["^/metrics$"],
)


def _exposition(multiprocess_folder: str) -> bytes:
    if not multiprocess_folder:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=multiprocess_folder)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


class MetricsController(Controller):
    path = "/metrics"
    guards = [requires_admin]
    tags = ["service"]

    @get("/", operation_id="metrics", media_type=CONTENT_TYPE_LATEST)
    async def metrics(self, request: Request) -> Response[bytes]:
        """Prometheus text format, for admins: requests and latency by route and status,
        feed cache hits and misses, and interception imports in progress."""
        folder = request.app.state["settings"].metrics_multiprocess_folder
        # With many workers this reads a file per worker and metric: off the event loop.
        body = await anyio.to_thread.run_sync(_exposition, folder)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
