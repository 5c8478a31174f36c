"""A webhook listener with (or without) a fallback for missed events, for webhook.fallback.

Run by `certcockpit check --only webhook.fallback --exec`, so it gets the evidence API's
address and credentials in CERTCOCKPIT_BASE_URL, CERTCOCKPIT_TOKEN_URL, CERTCOCKPIT_CLIENT_ID
and CERTCOCKPIT_CLIENT_SECRET, and the webhook secret in the variable named by --secret-env
(passed on with --env). Verification: standardwebhooks 1.1.0 `Webhook(secret).verify`
(5-minute window both sides, every `v1,` entry tried). API calls: requests 2.34 (no retries
unless a Retry adapter is mounted: none here; timeouts given explicitly, requests has none by
default), tokens by the client-credentials grant with HTTP Basic client authentication.

    python3 fallback_listener.py MODE --port PORT

Every mode verifies, acknowledges with 204 at once and processes after answering (as a
listener should: acknowledge first, work asynchronously).
MODE:
  reconcile  thin events: fetches each event's resource (`resource.url`); keeps the
             sequence numbers seen (`sequence` or Okendo's `sequenceNumber`) and, when they
             leave a hole (in whatever order they were processed), lists the collection (GET {base}/items, page 1) and fetches
             what it has not seen: a fallback for the event that never came.
  thin       fetches each event's resource and nothing else: the missed one is never fetched.
  ack-only   acknowledges and never calls the API (the API sees no client at all).
Serves POST /hook on 127.0.0.1:PORT until killed.
"""

import argparse
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from standardwebhooks.webhooks import Webhook

TIMEOUT = 5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["reconcile", "thin", "ack-only"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--secret-env", default="WEBHOOK_SECRET")
    args = ap.parse_args()
    verifier = Webhook(os.environ[args.secret_env])
    base = os.environ["CERTCOCKPIT_BASE_URL"].rstrip("/")
    session = requests.Session()
    state = {"token": None, "seqs": set(), "seen": set(), "reconciled": False}
    lock = threading.Lock()

    def token():
        if state["token"] is None:
            r = session.post(
                os.environ["CERTCOCKPIT_TOKEN_URL"],
                data={"grant_type": "client_credentials"},
                auth=(os.environ["CERTCOCKPIT_CLIENT_ID"], os.environ["CERTCOCKPIT_CLIENT_SECRET"]),
                timeout=TIMEOUT,
            )
            r.raise_for_status()
            state["token"] = r.json()["access_token"]
        return state["token"]

    def get(url):
        r = session.get(url, headers={"Authorization": f"Bearer {token()}"}, timeout=TIMEOUT)
        r.raise_for_status()
        return r.json()

    def process(event):
        if args.mode == "ack-only":
            return
        resource = event.get("resource") or {}
        seq = event.get("sequence", event.get("sequenceNumber"))
        with lock:
            if resource.get("url"):
                get(resource["url"])
                state["seen"].add(resource.get("id"))
            # Events may be processed out of order: a hole between the lowest and the
            # highest sequence number seen is a missed event.
            if isinstance(seq, int):
                state["seqs"].add(seq)
            seqs = state["seqs"]
            gap = (
                args.mode == "reconcile"
                and len(seqs) >= 2
                and max(seqs) - min(seqs) + 1 > len(seqs)
                and not state["reconciled"]
            )
            if gap:
                state["reconciled"] = True
                page = get(f"{base}/items")
                for item in page.get("data", []):
                    state["seen"].add(item.get("id"))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                verifier.verify(body, dict(self.headers.items()))
                event = json.loads(body)
            except Exception:  # noqa: BLE001 - every verifier error is a refusal
                self.send_response(401)
                self.end_headers()
                return
            self.send_response(204)
            self.end_headers()
            threading.Thread(target=process, args=(event,), daemon=True).start()

        def log_message(self, *a):
            pass

    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
