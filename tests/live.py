"""A real HTTP server for the app in a background thread, for tests that need real requests
(the browser, or concurrent clients).

It is waitress, a production WSGI server, not Werkzeug's development server: when a browser
drops a connection mid-response (a page navigates away while a script or stylesheet is still
arriving) the development server skips closing the response, so the static file it was sending
stays open and the suite fails on a ResourceWarning. Waitress closes every response body, and on
shutdown every connection with whatever it was still sending.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from waitress.server import BaseWSGIServer, create_server

# Enough threads for a browser's parallel requests plus the test's own concurrent clients.
THREADS = 16


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free local port while the block runs; yields the base URL."""
    server = create_server(app, host="127.0.0.1", port=0, threads=THREADS, ident="parentapp")
    # One host and port make one listening server; several would make a MultiSocketServer.
    assert isinstance(server, BaseWSGIServer)
    port = server.effective_port  # type: ignore[attr-defined]  # set at bind; not in the stubs
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(server, thread)


def _stop(server: object, thread: threading.Thread) -> None:
    """Let the request threads finish what they are doing and stop, then close the listening
    socket and every open connection inside the server's own loop (so nothing races it), and
    let the loop end."""
    server.task_dispatcher.shutdown()  # type: ignore[attr-defined]

    def close_everything() -> None:
        for channel in list(server._map.values()):  # type: ignore[attr-defined]
            # An HTTP connection's handle_close also closes the buffers (files) it was sending.
            closer = getattr(channel, "handle_close", None) if hasattr(channel, "outbufs") else None
            (closer or channel.close)()

    server.trigger.pull_trigger(close_everything)  # type: ignore[attr-defined]
    thread.join(timeout=10)
