#!/usr/bin/env python3
"""Calls GET /items at known intervals (argv, in ms) with plain http.client on one kept-alive
connection, so the journal's measured gaps can be compared with the intended ones. Prints the
gaps it measured itself between sending requests (ms, one per line)."""

import http.client
import json
import os
import sys
import time
import urllib.parse


def main() -> int:
    intervals = [float(x) for x in sys.argv[1:]]
    base = urllib.parse.urlsplit(os.environ["CERTCOCKPIT_BASE_URL"])
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=10)
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": os.environ["CERTCOCKPIT_CLIENT_ID"],
            "client_secret": os.environ["CERTCOCKPIT_CLIENT_SECRET"],
        }
    )
    conn.request("POST", "/oauth/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
    token = json.loads(conn.getresponse().read())["access_token"]
    headers = {"Authorization": f"Bearer {token}", "X-Client-Name": "sleeper"}
    sent = []
    for i in range(len(intervals) + 1):
        if i > 0:
            # Sleep to the planned send time, measured from the previous send.
            target = sent[-1] + intervals[i - 1] / 1000.0
            while (left := target - time.perf_counter()) > 0:
                time.sleep(min(left, 0.002) if left < 0.005 else left - 0.003)
        sent.append(time.perf_counter())
        conn.request("GET", "/items", headers=headers)
        conn.getresponse().read()
    for a, b in zip(sent, sent[1:]):
        print(f"{(b - a) * 1000:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
