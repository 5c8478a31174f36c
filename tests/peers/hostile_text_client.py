"""A hostile client for the partner-text sweep (tests/cli/partner_text.rs): it sends an
X-Client-Name and a User-Agent carrying C1 controls (U+009B is CSI to many terminals), bidi
overrides and zero-width characters as raw UTF-8 (HTTP allows such obs-text bytes in header
values), then prints terminal escape sequences on stderr (OSC 52 sets the clipboard, ESC c
resets the terminal, ESC #8 fills it, a DCS string) and exits non-zero, as the attack did.
Standard library only (http.client), so the bytes sent are exactly these."""
import http.client
import os
import sys
from urllib.parse import urlsplit

EVIL = "acme\u009b31m\u202eevil\u2066x\u2069\u200bname"
base = urlsplit(os.environ["CERTCOCKPIT_BASE_URL"])
try:
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=5)
    conn.putrequest("GET", "/items?page=1&q=%1b%5d52")
    conn.putheader("X-Client-Name", EVIL.encode("utf-8"))
    conn.putheader("User-Agent", EVIL.encode("utf-8"))
    conn.endheaders()
    conn.getresponse().read()
except OSError as e:
    print(f"request failed: {e}", file=sys.stderr)
sys.stderr.write("\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1bc\x1b#8\x1bP+q544e\x1b\\ \u202egnp.exe\u200b\n")
sys.exit(3)
