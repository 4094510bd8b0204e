#!/usr/bin/env python3
"""A throwaway SMTP server on loopback for the ParcMail tests, built on Debian's python3-aiosmtpd.

It binds 127.0.0.1 on a port the kernel picks, writes that port to --ready-file once it accepts connections,
stores every accepted message in --maildir (NNNN.eml with the received bytes, NNNN.json with the envelope), logs
MAIL/RCPT/AUTH attempts to --maildir/events.log, and exits on SIGTERM or after --lifetime seconds, so a crashed
test never leaves it running.

Behaviour:
  --tls none|starttls|implicit   transport security (starttls also refuses mail before STARTTLS)
  --auth                         require AUTH with --user/--password (PLAIN and LOGIN offered)
  --exclude-auth MECH            stop offering a mechanism (e.g. PLAIN, to exercise LOGIN)
  --fail none|tempfail|permfail  tempfail: 451 after the data; permfail: 554 to MAIL FROM
  --hostile endless-line         not SMTP: a greeting line that never ends (tests bounded reads)
  --hostile starttls-injection   answers STARTTLS with 220 plus a forged clear-text reply in the same segment
Recipients whose local part starts with "reject" get 550, with "defer" 450.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class RecordingHandler:
    def __init__(self, maildir, fail):
        self.maildir = maildir
        self.fail = fail
        self.count = 0
        self.lock = threading.Lock()

    def log(self, line):
        with self.lock, open(os.path.join(self.maildir, "events.log"), "a") as events:
            events.write(line + "\n")

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.log(f"MAIL {address}")
        if self.fail == "permfail":
            return "554 5.7.1 Sender rejected by policy"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.log(f"RCPT {address}")
        local = address.split("@")[0]
        if local.startswith("reject"):
            return "550 5.1.1 Mailbox unavailable"
        if local.startswith("defer"):
            return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail == "tempfail":
            return "451 4.3.0 Temporary local problem, try again later"
        with self.lock:
            self.count += 1
            name = os.path.join(self.maildir, f"{self.count:04d}")
        # session.ssl is only set by STARTTLS; the transport knows about implicit TLS as well.
        tls = server.transport.get_extra_info("ssl_object") is not None
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "tls": tls}
        with open(name + ".json.tmp", "w") as out:
            json.dump(meta, out)
        os.replace(name + ".json.tmp", name + ".json")
        # The message file appears last and atomically: its presence means the delivery is complete.
        with open(name + ".eml.tmp", "wb") as out:
            out.write(envelope.original_content)
        os.replace(name + ".eml.tmp", name + ".eml")
        return "250 2.0.0 OK: queued as " + os.path.basename(name)


class Authenticator:
    def __init__(self, user, password, handler):
        self.user = user.encode()
        self.password = password.encode()
        self.handler = handler

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == self.user \
            and auth_data.password == self.password
        self.handler.log(f"AUTH {mechanism} {'ok' if ok else 'failed'}")
        return AuthResult(success=ok, handled=False)


class EphemeralPortController(Controller):
    """Binds port 0 itself, so no other process can take the port between choosing and binding it."""

    def _create_server(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        return self.loop.create_server(self._factory_invoker, sock=sock, ssl=self.ssl_context)


def write_ready(path, port):
    with open(path + ".tmp", "w") as out:
        out.write(str(port))
    os.replace(path + ".tmp", path)


def run_hostile(args):
    async def flood(reader, writer):
        writer.write(b"220-")
        # 64 MiB at most: enough to exhaust a client without a line limit, bounded so this server stops by itself.
        for _ in range(1024):
            if writer.is_closing():
                break
            writer.write(b"A" * 65536)
            try:
                await writer.drain()
            except ConnectionError:
                break
        writer.close()

    async def starttls_injection(reader, writer):
        writer.write(b"220 fixture ESMTP\r\n")
        while line := await reader.readline():
            command = line.strip().upper()
            if command.startswith(b"EHLO"):
                writer.write(b"250-fixture\r\n250 STARTTLS\r\n")
            elif command == b"STARTTLS":
                # The go-ahead and a forged reply in one segment, as an attacker on the path would send them
                # hoping the client reads the second as if it had come over TLS.
                writer.write(b"220 Go ahead\r\n250 AUTH PLAIN injected\r\n")
            elif command == b"QUIT":
                writer.write(b"221 Bye\r\n")
                break
            else:
                writer.write(b"500 Unexpected\r\n")
            await writer.drain()
        writer.close()

    async def main():
        handlers = {"endless-line": flood, "starttls-injection": starttls_injection}
        server = await asyncio.start_server(handlers[args.hostile], "127.0.0.1", 0)
        write_ready(args.ready_file, server.sockets[0].getsockname()[1])
        await asyncio.sleep(args.lifetime)

    asyncio.run(main())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth", action="store_true")
    parser.add_argument("--user", default="parc")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--exclude-auth", action="append", default=[])
    parser.add_argument("--fail", choices=["none", "tempfail", "permfail"], default="none")
    parser.add_argument("--hostile", choices=["endless-line", "starttls-injection"])
    parser.add_argument("--lifetime", type=float, default=120)
    args = parser.parse_args()
    # The parent may start us with SIGTERM blocked (test runners' threads often block signals), and then stopping
    # the server would wait for its lifetime to run out.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    if args.hostile:
        run_hostile(args)
        return

    handler = RecordingHandler(args.maildir, args.fail)
    kwargs = {
        "hostname": "127.0.0.1",
        "server_hostname": "parc-fixture.test",
        "auth_exclude_mechanism": args.exclude_auth,
    }
    if args.auth:
        kwargs["authenticator"] = Authenticator(args.user, args.password, handler)
        kwargs["auth_required"] = True
    tls_context = None
    if args.tls != "none":
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.cert, args.key)
    if args.tls == "starttls":
        kwargs.update(tls_context=tls_context, require_starttls=True, auth_require_tls=True)
    elif args.tls == "implicit":
        # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; here the whole connection is TLS already.
        kwargs.update(ssl_context=tls_context, auth_require_tls=False)
    else:
        kwargs["auth_require_tls"] = False

    controller = EphemeralPortController(handler, **kwargs)
    controller.start()
    write_ready(args.ready_file, controller.port)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait(args.lifetime)
    controller.stop()


if __name__ == "__main__":
    main()
