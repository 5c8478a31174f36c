#!/usr/bin/env python3
"""A partner's long-running sync service written against the stand-in sandbox
(sandbox_provider.py), on requests + urllib3's Retry: it syncs every record, sleeps
SYNC_INTERVAL seconds (default 4), and syncs again, forever, until it is killed. Nothing in it
knows about the cockpit; `check api --watch` judges it while it runs (the test starts it, not
the cockpit).

Library defaults it relies on (read from their source, urllib3 2.x util/retry.py and
requests 2.x adapters.py):
- urllib3 Retry(total=5, backoff_factor=0.1, status_forcelist=[429, 500, 502, 503, 504],
  allowed_methods=["GET"], respect_retry_after_header=True): GETs only are retried; the first
  retry is immediate (get_backoff_time returns 0 while consecutive errors <= 1), later ones
  sleep backoff_factor * 2**(n-1) (0.2, 0.4, 0.8 s), capped at DEFAULT_BACKOFF_MAX = 120 s; a
  Retry-After header (seconds or HTTP date, parse_retry_after) on 413/429/503 replaces the
  backoff; raise_on_status=True, so running out of retries raises MaxRetryError (requests'
  RetryError).
- requests.Session keeps one connection pool per host (HTTPAdapter pool_maxsize 10), so the
  service's calls reuse connections as a real service does.

The token from POST {base}/oauth2/token (HTTP Basic) is kept across cycles and fetched again
only after a 401. A cycle that gives up is logged on stderr and the service carries on at its
next cycle, as services do.

Reads SANDBOX_URL, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SYNC_INTERVAL.
"""

import os
import sys
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

BASE = os.environ["SANDBOX_URL"].rstrip("/")
AUTH = (os.environ["SANDBOX_CLIENT_ID"], os.environ["SANDBOX_CLIENT_SECRET"])
INTERVAL = float(os.environ.get("SYNC_INTERVAL", "4"))


def main() -> int:
    session = requests.Session()
    retry = Retry(total=5, backoff_factor=0.1, status_forcelist=[429, 500, 502, 503, 504],
                  allowed_methods=["GET"], respect_retry_after_header=True)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["X-Client-Name"] = "acme-records-sync/2.0"
    tok = None

    def token():
        r = session.post(BASE + "/oauth2/token", data={"grant_type": "client_credentials"}, auth=AUTH, timeout=10)
        r.raise_for_status()
        return r.json()["access_token"]

    cycle = 0
    while True:
        cycle += 1
        url, params, got, renewed = BASE + "/v3/records", {"limit": 4}, 0, 0
        try:
            if tok is None:
                tok = token()
            while url:
                r = session.get(url, params=params, headers={"Authorization": f"Bearer {tok}"}, timeout=10)
                if r.status_code == 401 and renewed < 3:
                    renewed += 1
                    tok = token()
                    continue
                r.raise_for_status()
                body = r.json()
                got += len(body["results"])
                cursor = (body.get("paging") or {}).get("next_cursor")
                url = BASE + "/v3/records" if cursor else None
                params = {"limit": 4, "starting_after": cursor}
            print(f"cycle {cycle}: synced {got} records", file=sys.stderr, flush=True)
        except requests.exceptions.RequestException as e:
            print(f"cycle {cycle}: gave up: {e}", file=sys.stderr, flush=True)
        time.sleep(INTERVAL)


if __name__ == "__main__":
    sys.exit(main())
