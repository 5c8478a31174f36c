#!/usr/bin/env python3
"""An evidence API client built on requests-oauthlib, which only speaks OAuth over HTTPS.

What the libraries do by themselves (requests-oauthlib 2.0.0, oauthlib 3.x/4.x, read from
their source):

- `OAuth2Session.fetch_token` and every `OAuth2Session.request` raise `InsecureTransportError`
  for an `http://` URL (oauthlib's `is_secure_transport`) unless OAUTHLIB_INSECURE_TRANSPORT is
  set, which this client never sets: it can only run against the cockpit's `--tls`.
- With `BackendApplicationClient` (the client_credentials grant) and `include_client_id` left
  at its default (None), fetch_token sends the client id and secret as HTTP Basic.
- Before each request oauthlib compares the token's `expires_at` with the clock and raises
  `TokenExpiredError` once it has passed (there is no refresh token with this grant and no
  auto_refresh_url here): this client catches it and fetches a new token, as the library's
  documentation for backend applications shows. A 401 from the server does the same.
- TLS: requests verifies against certifi's bundle unless REQUESTS_CA_BUNDLE names another
  file; the cockpit sets it to its local CA, so that CA is the only one trusted.
- urllib3's Retry mounted on the session retries GETs on 429/500/503 with exponential
  backoff (immediate first retry, then backoff_factor * 2**n), honouring Retry-After.

Reads CERTCOCKPIT_BASE_URL, CERTCOCKPIT_TOKEN_URL, CERTCOCKPIT_CLIENT_ID and
CERTCOCKPIT_CLIENT_SECRET; fetches the whole collection once by following "next"; exits 1 on
any error (a TLS failure included).
"""

import os
import sys

from oauthlib.oauth2 import BackendApplicationClient, TokenExpiredError
from requests.adapters import HTTPAdapter
from requests_oauthlib import OAuth2Session
from urllib3.util.retry import Retry

CLIENT_NAME = "acme-sync/2.0 (requests-oauthlib peer)"


def main() -> int:
    base = os.environ["CERTCOCKPIT_BASE_URL"]
    token_url = os.environ["CERTCOCKPIT_TOKEN_URL"]
    client_id = os.environ["CERTCOCKPIT_CLIENT_ID"]
    secret = os.environ["CERTCOCKPIT_CLIENT_SECRET"]
    session = OAuth2Session(client=BackendApplicationClient(client_id=client_id))
    retry = Retry(
        total=5,
        backoff_factor=0.1,
        status_forcelist=[429, 500, 503],
        allowed_methods=["GET"],
        respect_retry_after_header=True,
    )
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["X-Client-Name"] = CLIENT_NAME

    def new_token():
        session.fetch_token(token_url=token_url, client_id=client_id, client_secret=secret, timeout=10)

    try:
        new_token()
        url = base + "/items"
        items = 0
        renewals = 0
        while url:
            try:
                resp = session.get(url, timeout=10)
            except TokenExpiredError:
                new_token()
                continue
            if resp.status_code == 401 and renewals < 3:
                renewals += 1
                new_token()
                continue
            resp.raise_for_status()
            body = resp.json()
            items += len(body["data"])
            url = body.get("next")
        print(f"fetched {items} items")
        return 0
    except Exception as e:  # noqa: BLE001 - any failure ends the run with its reason
        print(f"oauthlib client failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
