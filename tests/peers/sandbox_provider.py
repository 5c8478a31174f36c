#!/usr/bin/env python3
"""A stand-in for a provider's sandbox, written with the standard library's http.server, with
its own shape (not the cockpit's): OAuth 2 client credentials at POST /api/oauth2/token (HTTP
Basic or form body; token_type "bearer", expires_in 3600, no refresh token), and one
collection at GET /api/v3/records with its own envelope and cursor pagination:

    {"results": [...], "paging": {"next_cursor": "<opaque>" | null, "has_more": bool}}

with `limit` (default 4) and `starting_after=<cursor>`. Started with `--link`, the collection
pages by `?page=N` instead and says what comes next only in a `Link: <absolute URL>;
rel="next"` header (envelope {"results": [...]}), for the no-profile proxy test. Started with
`--gzip`, it compresses every answer with gzip when the request's Accept-Encoding offers it
(as most production APIs behind nginx or a CDN do; requests offers "gzip, deflate" by default,
urllib3.util.SKIP_HEADER aside). Started with `--cursor-always`, `next_cursor` is issued on
every page, the last included (where a later sync would start, as Plaid's
/transactions/sync does), and only `has_more: false` says the walk is over.

For the proxy's connection handling: `--conn-id` adds `X-Sandbox-Connection: <the peer's
port>` to every answer (which TCP connection carried the request), and `--close-after N` closes
a connection after its Nth answer without saying so (no `Connection: close`), as a server whose
keep-alive timeout ran out does: the close arrives while the connection sits idle.
`--drop-after N` answers N requests on a connection and then reads the next one whole and
closes the connection without answering it: the same timeout running out just as a request
crossed it on the wire, which no client can see coming.

Usage: sandbox_provider.py CLIENT_ID CLIENT_SECRET [--link] [--gzip] [--cursor-always]
[--conn-id] [--close-after N] [--drop-after N]. Binds 127.0.0.1 on a free port and prints "LISTENING <n>" on
its first line of output.
"""

import base64
import gzip
import json
import secrets
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

CLIENT_ID, CLIENT_SECRET = sys.argv[1], sys.argv[2]
LINK_MODE = "--link" in sys.argv[3:]
GZIP_MODE = "--gzip" in sys.argv[3:]
CURSOR_ALWAYS = "--cursor-always" in sys.argv[3:]
CONN_ID = "--conn-id" in sys.argv[3:]
CLOSE_AFTER = int(sys.argv[sys.argv.index("--close-after") + 1]) if "--close-after" in sys.argv else 0
DROP_AFTER = int(sys.argv[sys.argv.index("--drop-after") + 1]) if "--drop-after" in sys.argv else 0
RECORDS = [{"record_id": f"r{n:03}", "title": f"Record {n}"} for n in range(1, 15)]
TOKENS = set()
CURSORS = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.answered = 0

    def send_json(self, status, body, headers=()):
        data = json.dumps(body).encode()
        offered = [c.split(";")[0].strip() for c in self.headers.get("Accept-Encoding", "").split(",")]
        compress = GZIP_MODE and "gzip" in offered
        if compress:
            data = gzip.compress(data)
        self.send_response(status)
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        if CONN_ID:
            self.send_header("X-Sandbox-Connection", str(self.client_address[1]))
        self.end_headers()
        if not getattr(self, "head_only", False):
            self.wfile.write(data)
        self.head_only = False
        self.answered += 1
        if CLOSE_AFTER and self.answered >= CLOSE_AFTER:
            # handle() stops reading this connection; finish() closes it, with no header said.
            self.close_connection = True

    def dropped(self):
        """Whether this request is the one the connection closes under (`--drop-after`)."""
        if DROP_AFTER and self.answered >= DROP_AFTER:
            # handle() stops reading; finish() closes the connection with nothing sent.
            self.close_connection = True
            return True
        return False

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode())
        if self.dropped():
            return
        if urlparse(self.path).path != "/api/oauth2/token":
            return self.send_json(404, {"message": "not found"})
        cid, secret = form.get("client_id", [None])[0], form.get("client_secret", [None])[0]
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("basic "):
            cid, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if (cid, secret) != (CLIENT_ID, CLIENT_SECRET):
            return self.send_json(401, {"error": "invalid_client"})
        if form.get("grant_type", [""])[0] != "client_credentials":
            return self.send_json(400, {"error": "unsupported_grant_type"})
        token = "sbx_" + secrets.token_hex(16)
        TOKENS.add(token)
        self.send_json(200, {"access_token": token, "token_type": "bearer", "expires_in": 3600})

    def do_HEAD(self):
        """GET's status and headers, no body (as http.server leaves to the handler)."""
        self.head_only = True
        self.do_GET()

    def do_GET(self):
        if self.dropped():
            return
        url = urlparse(self.path)
        if url.path != "/api/v3/records":
            return self.send_json(404, {"message": "not found"})
        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("bearer ") or auth[7:].strip() not in TOKENS:
            return self.send_json(401, {"error": "invalid_token"})
        q = parse_qs(url.query)
        limit = int(q.get("limit", ["4"])[0])
        if LINK_MODE:
            page = int(q.get("page", ["1"])[0])
            start = (page - 1) * limit
            chunk = RECORDS[start:start + limit]
            headers = []
            if start + limit < len(RECORDS):
                host = self.headers.get("Host", "127.0.0.1")
                headers.append(("Link", f'<http://{host}/api/v3/records?page={page + 1}&limit={limit}>; rel="next"'))
            return self.send_json(200, {"results": chunk}, headers)
        after = q.get("starting_after", [None])[0]
        if after is not None and after not in CURSORS:
            return self.send_json(400, {"message": "unknown cursor"})
        start = CURSORS.get(after, 0)
        chunk = RECORDS[start:start + limit]
        more = start + limit < len(RECORDS)
        cursor = None
        if more or CURSOR_ALWAYS:
            cursor = secrets.token_urlsafe(8)
            CURSORS[cursor] = min(start + limit, len(RECORDS))
        self.send_json(200, {"results": chunk, "paging": {"next_cursor": cursor, "has_more": more}})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"LISTENING {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
