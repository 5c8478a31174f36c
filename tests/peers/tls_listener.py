"""A webhook listener served over HTTPS the way a partner's small service would be: Python's
`http.server` wrapped by `ssl`, for the webhook.transport tests. It acknowledges every POST
(it does not verify signatures: transport is about the URL and TLS, not the event).

    python3 tls_listener.py --cert LEAF.pem --key KEY.pem [--max-tls 1.1] [--redirect URL]
    python3 tls_listener.py --plain [--redirect URL]

Python 3.11 defaults, read from Lib/ssl.py and Modules/_ssl.c: `SSLContext(PROTOCOL_TLS_SERVER)`
has minimum_version TLSv1_2 and maximum_version MAXIMUM_SUPPORTED (TLS 1.3 with OpenSSL 3),
OpenSSL's DEFAULT cipher list at security level 2, no client certificates; TLS 1.3 with
TLS_AES_256_GCM_SHA384 is what a rustls client negotiates with it.

--max-tls 1.1 makes it a legacy listener: TLS 1.0-1.1 only, which OpenSSL 3 allows only at
security level 0 (`DEFAULT:@SECLEVEL=0`), as an old load balancer would still offer.
--redirect URL answers every POST with 301 and that Location (nginx's `return 301`).
--plain serves plain HTTP.
Prints "LISTENING <port>" once bound to 127.0.0.1, then serves until killed.
"""

import argparse
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--max-tls", choices=["1.1"])
    ap.add_argument("--redirect")
    ap.add_argument("--plain", action="store_true")
    args = ap.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if args.redirect:
                self.send_response(301)
                self.send_header("Location", args.redirect)
            else:
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if not args.plain:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        if args.max_tls == "1.1":
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)
    main()
