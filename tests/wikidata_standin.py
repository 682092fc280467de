"""A stand-in for Wikidata's SPARQL endpoint, for offline federation tests.

Run as a process: `python tests/wikidata_standin.py FIXTURE.ttl`. It binds 127.0.0.1 on a free
port, prints `PORT <n>` on stdout, and answers SPARQL queries (GET ?query=, POST form or
application/sparql-query) over the fixture with SPARQL JSON results, like query.wikidata.org.
`GET /requests` returns how many queries it has answered, so tests can prove that SERVICE
reached it. Only loopback; nothing is fetched.
"""

from __future__ import annotations

import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

STORE = ox.Store()
ANSWERED = 0
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _answer(self, query: str | None) -> None:
        global ANSWERED
        if not query:
            self._send(400, "text/plain", b"missing query")
            return
        try:
            result = STORE.query(query)
        except (SyntaxError, OSError, RuntimeError) as exc:
            self._send(400, "text/plain", str(exc).encode())
            return
        with LOCK:
            ANSWERED += 1
        self._send(
            200,
            "application/sparql-results+json",
            result.serialize(format=ox.QueryResultsFormat.JSON),
        )

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urllib.parse.urlparse(self.path)
        if url.path == "/requests":
            self._send(200, "text/plain", str(ANSWERED).encode())
            return
        self._answer(urllib.parse.parse_qs(url.query).get("query", [None])[0])

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
        if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
            self._answer(body)
        else:
            self._answer(urllib.parse.parse_qs(body).get("query", [None])[0])


def main() -> None:
    STORE.load(path=sys.argv[1], format=ox.RdfFormat.TURTLE)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
