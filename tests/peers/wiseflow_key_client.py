#!/usr/bin/env python3
"""A WISEflow integration with an API key (x-api-key header), on requests + urllib3 Retry
(GET only, Retry-After honoured, 5 retries). It lists a license's flows page by page
(?page=N&pageSize=5, following nextPageUrl), with X-Client-Name on every call. A 401 means the
key is wrong: it stops (exit 1) rather than retrying. Reads WISEFLOW_URL (the API base, ending
in /v1) and WISEFLOW_API_KEY."""

import os
import sys

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


def main() -> int:
    s = requests.Session()
    s.mount("http://", HTTPAdapter(max_retries=Retry(total=5, backoff_factor=0.1,
            status_forcelist=[429, 500, 502, 503, 504], allowed_methods=["GET"], respect_retry_after_header=True)))
    s.headers.update({"x-api-key": os.environ["WISEFLOW_API_KEY"], "X-Client-Name": "acme-wiseflow-sync/3.1"})
    url = os.environ["WISEFLOW_URL"].rstrip("/") + "/licenses/42/flows?page=1&pageSize=5"
    got = 0
    try:
        while url:
            r = s.get(url, timeout=10)
            if r.status_code == 401:
                print("the API key was refused", file=sys.stderr)
                return 1
            r.raise_for_status()
            body = r.json()
            got += len(body["data"])
            url = body.get("nextPageUrl")
    except requests.exceptions.RequestException as e:
        print(f"gave up: {e}", file=sys.stderr)
        return 1
    print(f"synced {got} flows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
