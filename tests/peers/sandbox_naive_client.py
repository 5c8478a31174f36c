#!/usr/bin/env python3
"""A naive job against the stand-in sandbox: plain requests, no retry at all, no Retry-After,
and it reads only the first page. Same environment as sandbox_requests_client.py."""

import os
import sys

import requests

BASE = os.environ["SANDBOX_URL"].rstrip("/")


def main() -> int:
    tok = requests.post(BASE + "/oauth2/token", data={"grant_type": "client_credentials"},
                        auth=(os.environ["SANDBOX_CLIENT_ID"], os.environ["SANDBOX_CLIENT_SECRET"]),
                        timeout=10).json()["access_token"]
    r = requests.get(BASE + "/v3/records", params={"limit": 4}, headers={"Authorization": f"Bearer {tok}"}, timeout=10)
    print(r.status_code, r.text[:100])
    return 0 if r.ok else 1


if __name__ == "__main__":
    sys.exit(main())
