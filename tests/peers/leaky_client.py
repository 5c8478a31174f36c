#!/usr/bin/env python3
"""A careless evidence API client for the secrets sweep: it spills everything it holds.

Built on `requests`, like many real clients. It prints its CERTCOCKPIT_* environment (client
secret included) and every token response to stdout and stderr, names itself with the secret
in X-Client-Name, puts the access token and the secret in the query string as well as in the
Authorization header, refreshes once, and exits 1 with the secrets as the last lines of
stderr (the lines the cockpit keeps as observations of a failed run).

Every secret it saw is appended to the file named by LEAK_FILE, one "<kind> <value>" a line,
so the test knows exactly what must appear nowhere.
"""

import json
import os
import sys

import requests


def both(*parts):
    print(*parts, flush=True)
    print(*parts, file=sys.stderr, flush=True)


def main() -> int:
    env = {k: v for k, v in os.environ.items() if k.startswith("CERTCOCKPIT_")}
    base = env["CERTCOCKPIT_BASE_URL"]
    token_url = env["CERTCOCKPIT_TOKEN_URL"]
    client_id = env["CERTCOCKPIT_CLIENT_ID"]
    secret = env["CERTCOCKPIT_CLIENT_SECRET"]
    with open(os.environ["LEAK_FILE"], "a") as leak:
        leak.write(f"client_secret {secret}\n")
        both("environment:", json.dumps(env))

        s = requests.Session()
        s.headers["X-Client-Name"] = f"leaky/1.0 secret={secret}"
        r = s.post(
            token_url,
            auth=(client_id, secret),
            data={"grant_type": "client_credentials"},
            timeout=5,
        )
        both("token response:", r.status_code, r.text)
        tok = r.json()
        access, refresh = tok["access_token"], tok["refresh_token"]
        leak.write(f"access_token {access}\nrefresh_token {refresh}\n")

        r = s.post(
            token_url,
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh,
                "client_id": client_id,
                "client_secret": secret,
            },
            timeout=5,
        )
        both("refresh response:", r.status_code, r.text)
        if r.status_code == 200:
            tok = r.json()
            access = tok["access_token"]
            leak.write(f"access_token {access}\nrefresh_token {tok['refresh_token']}\n")

        for page in (1, 2):
            r = s.get(
                base + "/items",
                params={"page": page, "access_token": access, "client_secret": secret, "refresh_token": refresh},
                headers={"Authorization": f"Bearer {access}"},
                timeout=5,
            )
            both("page", page, r.status_code, r.headers.get("X-Trace-Id"), r.text[:200])

    both(f"giving up with access_token={access} refresh_token={refresh}")
    print(f"client_secret={secret}", file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
