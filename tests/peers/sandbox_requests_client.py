#!/usr/bin/env python3
"""A partner's sync job written against the stand-in sandbox (sandbox_provider.py), on
requests + urllib3's Retry, and nothing written for the cockpit: only its base URL changes.

- urllib3 Retry(total=5, backoff_factor=0.1, status_forcelist=[429, 500, 502, 503, 504],
  allowed_methods=["GET"], respect_retry_after_header=True): urllib3 retries GETs only; its
  first retry is immediate and later ones sleep backoff_factor * 2**(n-1) (urllib3 2.x,
  util/retry.py get_backoff_time); a Retry-After header (seconds or HTTP date) on 429/503
  replaces the backoff;
- the token from POST {base}/oauth2/token (HTTP Basic), reused until a 401, then fetched again;
- a fixed X-Client-Name; all records by following Link rel="next" when the sandbox sends one,
  otherwise paging.next_cursor until it is null or paging.has_more is false.

Reads SANDBOX_URL (e.g. http://127.0.0.1:8000/api), SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET.
Exits 1 when it gives up.
"""

import os
import sys

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

BASE = os.environ["SANDBOX_URL"].rstrip("/")
AUTH = (os.environ["SANDBOX_CLIENT_ID"], os.environ["SANDBOX_CLIENT_SECRET"])


def main() -> int:
    session = requests.Session()
    retry = Retry(total=5, backoff_factor=0.1, status_forcelist=[429, 500, 502, 503, 504],
                  allowed_methods=["GET"], respect_retry_after_header=True)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.headers["X-Client-Name"] = "acme-records-sync/2.0"

    def token():
        r = session.post(BASE + "/oauth2/token", data={"grant_type": "client_credentials"}, auth=AUTH, timeout=10)
        r.raise_for_status()
        return r.json()["access_token"]

    tok = token()
    url, params, got, renewed = BASE + "/v3/records", {"limit": 4}, 0, 0
    try:
        while url:
            r = session.get(url, params=params, headers={"Authorization": f"Bearer {tok}"}, timeout=10)
            if r.status_code == 401 and renewed < 3:
                renewed += 1
                tok = token()
                continue
            r.raise_for_status()
            body = r.json()
            got += len(body["results"])
            if "next" in r.links:
                url, params = r.links["next"]["url"], None
            else:
                paging = body.get("paging") or {}
                cursor = paging.get("next_cursor")
                url = BASE + "/v3/records" if cursor and paging.get("has_more", True) else None
                params = {"limit": 4, "starting_after": cursor}
    except requests.exceptions.RequestException as e:
        print(f"gave up: {e}", file=sys.stderr)
        return 1
    print(f"synced {got} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
