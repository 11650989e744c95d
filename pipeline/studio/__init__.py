"""The studio: a local web page to make, hear, check, fix and publish episodes.

    python -m pipeline studio [--episodes episodes] [--port 8020] [--host 127.0.0.1]

pipeline.studio.app is the web app (Starlette, served by uvicorn), pipeline.studio.jobs
its one-at-a-time build queue, and pipeline.studio.adapter the one module that calls
the rest of the pipeline. See docs/studio.md.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from pathlib import Path

DEFAULT_PORT = 8020
LOOPBACK = "127.0.0.1"

log = logging.getLogger("pipeline.studio")


def allowed_hosts(host: str) -> list[str]:
    """The Host names the app answers to: the loopback names, and the address the user named."""
    names = ["127.0.0.1", "localhost", "[::1]"]
    if host not in (LOOPBACK, "localhost"):
        try:
            names.append(f"[{host}]" if ipaddress.ip_address(host).version == 6 else host)
        except ValueError:
            names.append(host)
        if host in ("0.0.0.0", "::"):
            names = ["*"]       # the user asked for every interface: any name reaches it
    return names


def serve(episodes: str | Path = "episodes", port: int = DEFAULT_PORT, host: str = LOOPBACK) -> None:
    """Run the studio until Ctrl-C (loopback only unless `host` names another address)."""
    import uvicorn

    from ..errors import SystemFault
    from .app import create_app

    app = create_app(Path(episodes), allowed_hosts(host))
    shown = f"[{host}]" if ":" in host else host
    log.info("studio on http://%s:%d/ (episodes: %s); Ctrl-C stops it", shown, port, Path(episodes))
    if host != LOOPBACK:
        log.warning("note: the studio listens on %s: anyone who can reach it and holds the page's "
                    "token can build; the token is only in the page", host)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise SystemFault(f"cannot listen on {shown}:{port} ({e.strerror or e})",
                          "choose another port: --port N") from None
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
