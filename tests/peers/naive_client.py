#!/usr/bin/env python3
"""A naive evidence API client, the kind a certification review must catch: plain requests,
a new token for its call, no X-Client-Name, no retry, and it reads only the first page."""

import os
import sys

import requests


def main() -> int:
    token = requests.post(
        os.environ["CERTCOCKPIT_TOKEN_URL"],
        data={"grant_type": "client_credentials"},
        auth=(os.environ["CERTCOCKPIT_CLIENT_ID"], os.environ["CERTCOCKPIT_CLIENT_SECRET"]),
        timeout=10,
    ).json()["access_token"]
    resp = requests.get(
        os.environ["CERTCOCKPIT_BASE_URL"] + "/items",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    print(resp.status_code, resp.text[:200])
    return 0


if __name__ == "__main__":
    sys.exit(main())
