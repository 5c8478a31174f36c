"""A webhook listener written the way a partner would, for the webhook check tests.

Verification uses independent implementations: the `standardwebhooks` PyPI package for
Standard Webhooks, and Python's own `hmac`/`hashlib` for hmac-sha256 and static headers.
A correct listener verifies first, then acknowledges duplicates (dedup by event id) with 200.

    python3 webhook_listener.py MODE [--header NAME] [--delay SECS] [--echo]

MODE: standard-webhooks | hmac-sha256 | static-header | accept-all | slow
--echo makes it careless: a refusal echoes every request header and the expected secret.
The secret comes from the PEER_SECRET environment variable. Prints "LISTENING <port>" once
bound to 127.0.0.1, then serves until killed.
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode")
    ap.add_argument("--header", default="X-Hub-Signature-256")
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--echo", action="store_true")
    args = ap.parse_args()
    secret = os.environ.get("PEER_SECRET", "")
    seen = set()
    lock = threading.Lock()

    def verify(handler, body):
        """Returns (ok, event id) or raises nothing: a bad delivery is (False, reason)."""
        if args.mode == "standard-webhooks":
            try:
                Webhook(secret).verify(body, dict(handler.headers.items()), json_parse=False)
            except WebhookVerificationError as e:
                return False, str(e)
            return True, handler.headers.get("webhook-id")
        if args.mode == "hmac-sha256":
            given = handler.headers.get(args.header, "")
            expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(given.encode(), expected.encode()):
                return False, "bad signature"
        elif args.mode == "static-header":
            given = handler.headers.get(args.header, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                return False, "bad token"
        try:
            return True, json.loads(body).get("id")
        except ValueError:
            return False, "not json"

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if args.mode == "slow":
                time.sleep(args.delay)
                return self.answer(200, "ok")
            if args.mode == "accept-all":
                return self.answer(200, "ok")
            ok, info = verify(self, body)
            if not ok:
                if args.echo:
                    info = f"{info}; expected {secret}; got {dict(self.headers.items())}"
                return self.answer(401, info)
            with lock:
                duplicate = info in seen
                seen.add(info)
            self.answer(200, "duplicate" if duplicate else "ok")

        def answer(self, status, text):
            data = json.dumps({"status": text}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up (deadline); nothing to answer

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"LISTENING {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
