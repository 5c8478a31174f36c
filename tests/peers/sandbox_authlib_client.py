#!/usr/bin/env python3
"""The same partner job as sandbox_requests_client.py, on authlib's OAuth2Session instead of
a hand-made token: authlib fetches the client_credentials token itself and, before each
request, fetches a new one when the current one expires within its leeway (60 s by default,
authlib/oauth2/client.py ensure_active_token; with no refresh token it re-grants
client_credentials). Retries by urllib3 Retry as there (GET only, Retry-After honoured).
Follows paging.next_cursor (or Link rel="next"). Same environment; only the base URL changes.
"""

import os
import sys

import requests
from authlib.integrations.requests_client import OAuth2Session
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

BASE = os.environ["SANDBOX_URL"].rstrip("/")


def main() -> int:
    session = OAuth2Session(os.environ["SANDBOX_CLIENT_ID"], os.environ["SANDBOX_CLIENT_SECRET"],
                            token_endpoint=BASE + "/oauth2/token", grant_type="client_credentials",
                            token_endpoint_auth_method="client_secret_post")
    retry = Retry(total=5, backoff_factor=0.1, status_forcelist=[429, 500, 502, 503, 504],
                  allowed_methods=["GET"], respect_retry_after_header=True)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.headers["X-Client-Name"] = "acme-records-sync/2.0 (authlib)"
    session.fetch_token(BASE + "/oauth2/token", grant_type="client_credentials")
    url, params, got, renewed = BASE + "/v3/records", {"limit": 4}, 0, 0
    try:
        while url:
            r = session.get(url, params=params, timeout=10)
            if r.status_code == 401 and renewed < 3:
                renewed += 1
                session.fetch_token(BASE + "/oauth2/token", grant_type="client_credentials")
                continue
            r.raise_for_status()
            body = r.json()
            got += len(body["results"])
            if "next" in r.links:
                url, params = r.links["next"]["url"], None
            else:
                cursor = (body.get("paging") or {}).get("next_cursor")
                url = BASE + "/v3/records" if cursor else None
                params = {"limit": 4, "starting_after": cursor}
    except requests.exceptions.RequestException as e:
        print(f"gave up: {e}", file=sys.stderr)
        return 1
    print(f"synced {got} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
