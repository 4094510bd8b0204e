#!/usr/bin/env python3
"""A stand-in for the Parc server's agent API, for parc-agent's tests.

usage: fake_agent_server.py WORKDIR

Listens on a free loopback port and prints it on the first line of standard output. Answers
GET /api/agent/v1/backup/plans with no plan, and POST /api/agent/v1/inventory with the HTTP status
written in WORKDIR/inventory-status (200 when absent): 200 is the server's success answer, other
statuses the agent API's error envelope. POST /api/agent/v1/enroll gives the credential
"parca_enrolled" for the token "parce_good" and answers 401 invalid_enrollment_token to any other.
A POST to a path outside /api/ is the FusionInventory protocol: its zlib body is inflated and kept,
and the answer follows WORKDIR/xml-status (200 when absent: a zlib-compressed
<REPLY><RESPONSE>no_account_update</RESPONSE></REPLY>; "html": an HTML page with 200; another
status: <REPLY><ERROR>…</ERROR></REPLY> with that status). Every request is appended to
WORKDIR/requests.jsonl with its method, path, Authorization and Content-Type headers, and, for an
inventory, its body inflated (zlib) and parsed, or the reason it could not be.
"""
import json
import os
import signal
import sys
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORKDIR = sys.argv[1]
# Started from a test runner's thread, the process inherits its blocked signals: let SIGTERM end it.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})


def setting(name, default):
    try:
        with open(os.path.join(WORKDIR, name)) as f:
            return f.read().strip()
    except FileNotFoundError:
        return default


def inventory_status():
    return int(setting("inventory-status", "200"))


class Handler(BaseHTTPRequestHandler):
    created = set()

    def log_message(self, *args):
        pass

    def record(self, entry):
        with open(os.path.join(WORKDIR, "requests.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def entry(self):
        return {
            "method": self.command,
            "path": self.path,
            "authorization": self.headers.get("Authorization"),
            "content_type": self.headers.get("Content-Type"),
            "user_agent": self.headers.get("User-Agent"),
        }

    def do_GET(self):
        self.record(self.entry())
        if self.path.endswith("/api/agent/v1/backup/plans"):
            self.answer(200, {"plans": []})
        else:
            self.answer(404, {"error": {"code": "not_found", "message": "no such route"}})

    def enroll(self, entry, body):
        token = json.loads(body).get("token")
        entry["token"] = token
        self.record(entry)
        if token == "parce_good":
            self.answer(201, {"agent_id": "agent-9", "credential": "parca_enrolled", "entity_id": "entity-9"})
        else:
            self.answer(401, {"error": {"code": "invalid_enrollment_token",
                                        "message": "The enrollment token is unknown, expired, revoked or used up."}})

    def fusion_inventory(self, entry, body):
        try:
            entry["xml"] = zlib.decompress(body).decode()
        except Exception as error:  # the test reads the reason
            entry["problem"] = repr(error)
        self.record(entry)
        status = setting("xml-status", "200")
        if status == "html":
            data, code, kind = b"<html><body>It works!</body></html>", 200, "text/html"
        elif status == "200":
            reply = b'<?xml version="1.0" encoding="UTF-8"?>\n<REPLY><RESPONSE>no_account_update</RESPONSE></REPLY>\n'
            data, code, kind = zlib.compress(reply), 200, "application/x-compress-zlib"
        else:
            data = ('<?xml version="1.0" encoding="UTF-8"?>\n<REPLY><ERROR>test_refusal: the test server answers '
                    '%s</ERROR></REPLY>\n' % status).encode()
            code, kind = int(status), "application/xml"
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        entry = self.entry()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        entry["body_bytes"] = len(body)
        if self.path.endswith("/api/agent/v1/enroll"):
            self.enroll(entry, body)
            return
        if not self.path.startswith("/api/"):
            self.fusion_inventory(entry, body)
            return
        if not self.path.endswith("/api/agent/v1/inventory"):
            self.record(entry)
            self.answer(404, {"error": {"code": "not_found", "message": "no such route"}})
            return
        try:
            entry["inventory"] = json.loads(zlib.decompress(body))
        except Exception as error:  # the test reads the reason
            entry["problem"] = repr(error)
        self.record(entry)
        status = inventory_status()
        if status == 200:
            device = entry.get("inventory", {}).get("deviceid", "")
            created = device not in Handler.created
            Handler.created.add(device)
            self.answer(200, {"status": "ok", "asset_id": "7d1c2a4e-0000-4000-8000-000000000001", "created": created})
        else:
            self.answer(status, {"error": {"code": "test_refusal", "message": "the test server answers %d" % status}})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
