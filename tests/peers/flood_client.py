#!/usr/bin/env python3
"""A client that launders a failure through the journal (issue 11, item 2): it fails
pagination (reads page 1 only), then floods the evidence API with junk requests to push that
failure out of a bounded journal, then makes one clean pass over every page.

Libraries: requests 2.x for the token and the pages (its defaults: no retry, a fresh
connection pool per Session, keep-alive on); the flood is raw HTTP/1.1 pipelined on one socket
from the standard library (`socket`), in batches, so 20,500 requests take seconds.

Usage: flood_client.py JUNK_REQUESTS (the runner's CERTCOCKPIT_* variables give the API)."""

import os
import socket
import sys
from urllib.parse import urlsplit

import requests

BATCH = 500


def flood(base_url: str, count: int) -> None:
    url = urlsplit(base_url)
    request = f"GET /junk HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n".encode()
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sent = 0
        while sent < count:
            n = min(BATCH, count - sent)
            sock.sendall(request * n)
            seen, buf = 0, b""
            while seen < n:
                chunk = sock.recv(65536)
                if not chunk:
                    raise SystemExit(f"the API closed the flood connection after {sent + seen} requests")
                buf += chunk
                seen += buf.count(b"HTTP/1.1 ")
                buf = buf[buf.rfind(b"HTTP/1.1 ") + 1:] if b"HTTP/1.1 " in buf else buf[-8:]
            sent += n


def main() -> int:
    junk = int(sys.argv[1])
    base = os.environ["CERTCOCKPIT_BASE_URL"]
    s = requests.Session()
    s.headers["X-Client-Name"] = "flood/1.0"
    token = s.post(
        os.environ["CERTCOCKPIT_TOKEN_URL"],
        data={"grant_type": "client_credentials"},
        auth=(os.environ["CERTCOCKPIT_CLIENT_ID"], os.environ["CERTCOCKPIT_CLIENT_SECRET"]),
        timeout=10,
    ).json()["access_token"]
    s.headers["Authorization"] = f"Bearer {token}"
    # The failure: page 1 only.
    s.get(base + "/items", timeout=10).raise_for_status()
    flood(base, junk)
    # The clean pass, following `next` to the end.
    url = base + "/items"
    while url:
        resp = s.get(url, timeout=10)
        resp.raise_for_status()
        url = resp.json().get("next")
    return 0


if __name__ == "__main__":
    sys.exit(main())
