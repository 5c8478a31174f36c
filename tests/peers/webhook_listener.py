"""A webhook listener written the way a partner would, for the webhook check tests.

Verification uses independent implementations: the `standardwebhooks` and `svix` PyPI
packages for Standard Webhooks, the `stripe` package for the Stripe-style scheme, and
Python's own `hmac`/`hashlib` for hmac-sha256 (GitHub style) and static headers. A correct
listener verifies first, then acknowledges duplicates (dedup by event id) with 200.

    python3 webhook_listener.py MODE [--header NAME] [--delay SECS] [--echo]

MODE, correct listeners:
  standard-webhooks  standardwebhooks 1.1.0 `Webhook(secret).verify`: fixed 5-minute window on
                     both sides, every space-separated `v1,` entry tried, other versions
                     skipped; malformed entries raise ValueError / binascii.Error, not
                     WebhookVerificationError, so this listener catches every exception (400)
  svix               svix 1.99.1 `Webhook(secret).verify`: the same verifier under svix-*/
                     webhook-* header names
  stripe             stripe 16.1.0 `Webhook.construct_event(body, header, secret)`, default
                     tolerance 300 s, old timestamps only (a future one passes), the whole
                     `whsec_...` string as the HMAC key, any `v1=` entry accepted
  hmac-sha256        GitHub style: `sha256=` + lowercase hex HMAC of the body, compare_digest
  static-header      the secret itself, compare_digest
MODE, flawed listeners (each the real bug the check named for it catches):
  first-signature-only  Standard Webhooks, reads only the first entry (webhook.rotation)
  crash-on-malformed    standardwebhooks, catching only WebhookVerificationError: its
                        framework answers 500 to the ValueError a malformed header raises
                        (webhook.signature's warning)
  no-window             Standard Webhooks signature checked, the timestamp never (webhook.replay)
  strict-window         standardwebhooks plus its own 2-minute window (webhook.replay's warning)
  duplicates-twice      standardwebhooks, acknowledges a redelivery but processes it again
                        (webhook.duplicate, with the observer)
  accept-all | slow     accept everything / answer after --delay
Every mode serves the side-effect observer: GET /observer?id=<webhook-id> -> {"processed": N}.
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
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import base64

import stripe
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from svix.webhooks import Webhook as SvixWebhook


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode")
    ap.add_argument("--header", default="X-Hub-Signature-256")
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--echo", action="store_true")
    args = ap.parse_args()
    secret = os.environ.get("PEER_SECRET", "")
    seen = set()
    processed = {}
    lock = threading.Lock()

    def standard_key():
        return base64.b64decode(secret.removeprefix("whsec_") + "==")

    def verify(handler, body):
        """Returns (ok, event id); a bad delivery is (False, reason). The crash-on-malformed
        mode lets the library's other exceptions through, as a naive listener does."""
        headers = dict(handler.headers.items())
        if args.mode in ("standard-webhooks", "svix", "strict-window", "duplicates-twice"):
            try:
                if args.mode == "svix":
                    SvixWebhook(secret).verify(body, headers)
                else:
                    Webhook(secret).verify(body, headers, json_parse=False)
            except Exception as e:  # noqa: BLE001 - every verifier error is a refusal
                return False, str(e)
            if args.mode == "strict-window":
                ts = int(handler.headers.get("webhook-timestamp", "0"))
                if abs(time.time() - ts) > 120:
                    return False, "timestamp outside our 2-minute window"
            return True, handler.headers.get("webhook-id")
        if args.mode == "crash-on-malformed":
            try:
                Webhook(secret).verify(body, headers, json_parse=False)
            except WebhookVerificationError as e:
                return False, str(e)
            return True, handler.headers.get("webhook-id")
        if args.mode in ("first-signature-only", "no-window"):
            wid = handler.headers.get("webhook-id", "")
            ts = handler.headers.get("webhook-timestamp", "")
            given = handler.headers.get("webhook-signature", "")
            if not (wid and ts and given):
                return False, "missing headers"
            signed = f"{wid}.{ts}.".encode() + body
            expected = "v1," + base64.b64encode(
                hmac.new(standard_key(), signed, hashlib.sha256).digest()
            ).decode()
            entries = given.split(" ")
            if args.mode == "first-signature-only":
                entries = entries[:1]
            if not any(hmac.compare_digest(e.encode(), expected.encode()) for e in entries):
                return False, "no matching signature"
            if args.mode == "first-signature-only" and abs(time.time() - float(ts)) > 300:
                return False, "timestamp outside the tolerance"
            return True, wid
        if args.mode == "stripe":
            try:
                event = stripe.Webhook.construct_event(body, handler.headers.get(args.header), secret)
            except (ValueError, stripe.SignatureVerificationError) as e:
                return False, str(e)
            return True, event["id"]
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
            # What a web framework does with an exception the handler lets through.
            try:
                self.handle_delivery()
            except Exception as e:  # noqa: BLE001
                self.answer(500, f"Internal Server Error: {type(e).__name__}")

        def handle_delivery(self):
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
                # The side effect: processed once per id, or on every delivery by the flawed
                # duplicates-twice listener (no dedup).
                if not duplicate or args.mode == "duplicates-twice":
                    processed[info] = processed.get(info, 0) + 1
            self.answer(200, "duplicate" if duplicate else "ok")

        def do_GET(self):
            # The test hook (side-effect observer): GET /observer?id=<webhook-id>.
            query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            wid = (query.get("id") or [""])[0]
            with lock:
                count = processed.get(wid, 0)
            data = json.dumps({"processed": count}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

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
