"""Real HTTP servers on loopback for tests: static pages, scripted routes, and a connection sentinel."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

RouteHandler = Callable[[SimpleHTTPRequestHandler], None]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LoopbackServer:
    """Serves `root` as static files, with `routes` (exact path -> handler) taking precedence.

    Records every request path in `hits`, so a test can assert what the browser fetched.
    """

    def __init__(self, root: Path | None = None, routes: dict[str, RouteHandler] | None = None) -> None:
        self.routes = dict(routes or {})
        self.hits: list[str] = []
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, directory=str(root or Path.cwd()), **kwargs)  # type: ignore[arg-type]

            def log_message(self, format: str, *args: object) -> None:
                return

            def _dispatch(self) -> bool:
                server.hits.append(self.path)
                handler = server.routes.get(self.path.split("?", 1)[0])
                if handler is None:
                    return False
                handler(self)
                return True

            def do_GET(self) -> None:
                if not self._dispatch():
                    super().do_GET()

            def do_HEAD(self) -> None:
                if not self._dispatch():
                    super().do_HEAD()

            def do_POST(self) -> None:
                if not self._dispatch():
                    self.send_error(405)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.host_port}{path}"

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()


class ConnectionSentinel:
    """Counts every TCP connection accepted on its port, whatever protocol follows.

    Answers a minimal HTTP 200 so a leaked request would succeed visibly; the count is what tests assert.
    """

    def __init__(self) -> None:
        self.connections = 0
        self._lock = threading.Lock()
        sentinel = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with sentinel._lock:
                    sentinel.connections += 1
                self.request.settimeout(1.0)
                try:
                    self.request.recv(4096)
                    self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nleaked!")
                except OSError:
                    return

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ConnectionSentinel:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
