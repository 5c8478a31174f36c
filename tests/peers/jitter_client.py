#!/usr/bin/env python3
"""An evidence API client whose retries come from tenacity (a widely used retry library, not
written here): exponential waits with random jitter (wait_exponential_jitter: 0.1 s doubling,
plus up to 0.1 s at random), at most 5 attempts, on 429/500/502/503/504. Like many tenacity
setups it does not read Retry-After. Plain requests otherwise: one token reused, a fixed
X-Client-Name, pagination by following "next"."""

import os
import sys

import requests
from tenacity import (
    RetryError,
    retry,
    retry_if_result,
    stop_after_attempt,
    wait_exponential_jitter,
)

RETRY_STATUSES = {429, 500, 502, 503, 504}


@retry(
    retry=retry_if_result(lambda r: r.status_code in RETRY_STATUSES),
    wait=wait_exponential_jitter(initial=0.1, max=5, jitter=0.1),
    stop=stop_after_attempt(5),
)
def get(session: requests.Session, url: str) -> requests.Response:
    return session.get(url, timeout=10)


def main() -> int:
    session = requests.Session()
    session.headers["X-Client-Name"] = "jitter-sync/0.9"
    token = session.post(
        os.environ["CERTCOCKPIT_TOKEN_URL"],
        data={"grant_type": "client_credentials"},
        auth=(os.environ["CERTCOCKPIT_CLIENT_ID"], os.environ["CERTCOCKPIT_CLIENT_SECRET"]),
        timeout=10,
    ).json()["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"
    url = os.environ["CERTCOCKPIT_BASE_URL"] + "/items"
    count = 0
    try:
        while url:
            resp = get(session, url)
            resp.raise_for_status()
            body = resp.json()
            count += len(body["data"])
            url = body.get("next")
    except (RetryError, requests.RequestException) as e:
        print(f"giving up: {e}", file=sys.stderr)
        return 1
    print(f"fetched {count} items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
