#!/usr/bin/env python3
"""A well-behaved evidence API client built only on widely used libraries (not written here):

- authlib's OAuth2Session for the client_credentials grant; it refreshes tokens itself before
  they expire (60 s leeway), with the refresh_token grant when it has one;
- urllib3's Retry mounted on the session through a requests HTTPAdapter: GETs that get 429,
  500 or 503 are retried with exponential backoff (an immediate first retry, then
  backoff_factor * 2**n), honouring Retry-After in both forms, at most `total` times;
- a fixed X-Client-Name on every request, and pagination by following "next".

It reads CERTCOCKPIT_BASE_URL, CERTCOCKPIT_TOKEN_URL, CERTCOCKPIT_CLIENT_ID and
CERTCOCKPIT_CLIENT_SECRET, fetches the whole collection once, prints how many items it got,
and exits 1 when it gives up.
"""

import os
import sys

import requests
from authlib.integrations.requests_client import OAuth2Session
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

CLIENT_NAME = "acme-sync/1.4 (certcockpit good client)"


def main() -> int:
    base = os.environ["CERTCOCKPIT_BASE_URL"]
    token_url = os.environ["CERTCOCKPIT_TOKEN_URL"]
    session = OAuth2Session(
        os.environ["CERTCOCKPIT_CLIENT_ID"],
        os.environ["CERTCOCKPIT_CLIENT_SECRET"],
        token_endpoint=token_url,
        token_endpoint_auth_method="client_secret_basic",
        grant_type="client_credentials",
    )
    retry = Retry(
        total=5,
        backoff_factor=0.1,
        status_forcelist=[429, 500, 503],
        allowed_methods=["GET"],
        respect_retry_after_header=True,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["X-Client-Name"] = CLIENT_NAME

    session.fetch_token(token_url, grant_type="client_credentials")
    url = base + "/items"
    items = []
    renewed_after_401 = 0
    try:
        while url:
            resp = session.get(url, timeout=10)
            if resp.status_code == 401 and renewed_after_401 < 2:
                # The token died between authlib's check and the server's: get a new one.
                renewed_after_401 += 1
                session.fetch_token(token_url, grant_type="client_credentials")
                continue
            resp.raise_for_status()
            body = resp.json()
            items.extend(body["data"])
            url = body.get("next")
    except requests.exceptions.RequestException as e:
        print(f"giving up: {e}", file=sys.stderr)
        return 1
    print(f"fetched {len(items)} items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
