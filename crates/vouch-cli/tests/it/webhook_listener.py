"""A webhook receiver for the tests: verifies each message with the `standardwebhooks`
package (the reference verifier), answers as its mode says, and appends one JSON line per
request to OUT.

usage: webhook_listener.py MODE SECRET OUT [PORT]
MODE: flaky (500 to the first message, then 204), gone (410), ok (204), slack (204, no
signature check: Slack messages are plain JSON).
Prints the port it listens on (127.0.0.1; PORT, else a free one) as its first line.
"""

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

MODE, SECRET, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
seen = []


def verified(body, headers):
    if MODE == "slack":
        return None
    from standardwebhooks import Webhook

    try:
        Webhook(SECRET).verify(body, {key.lower(): value for key, value in headers.items()})
        return True
    except Exception as error:  # the verifier's own errors, all of them a failure
        return "refused: %s" % error


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        received = time.time()
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        status = 204
        if MODE == "gone":
            status = 410
        elif MODE == "flaky" and not seen:
            status = 500
        seen.append(1)
        record = {
            "received": received,
            "path": self.path,
            "status": status,
            "verified": verified(body, self.headers),
            "webhook_id": self.headers.get("webhook-id"),
            "body": json.loads(body or b"null"),
        }
        with open(OUT, "a") as out:
            out.write(json.dumps(record) + "\n")
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", int(sys.argv[4]) if len(sys.argv) > 4 else 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
