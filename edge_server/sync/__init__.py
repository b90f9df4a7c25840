"""Offline-first sync to the district hub: the outbox writer lives here; the worker sends what it holds."""


def start_background_sync(app) -> None:
    """Start the sync worker thread when a district is configured (the worker lands with the sync issue)."""
    cfg = app.extensions["edge_config"]
    if not cfg.district_url:
        return
    from .worker import start_worker

    start_worker(app)


def sync_once(app) -> bool:
    """Send everything pending; True once the district acknowledged all that was pending at the start."""
    from .worker import sync_until_acked

    return sync_until_acked(app)
