#!/usr/bin/env python3
"""Parses a stored message with Python's standard email package and prints what a mail reader would show, as JSON.

The ParcMail tests use it as an independent decoder: if Python reads back the subject, names and bodies that were
sent, the encoded-words, quoted-printable and MIME structure are right. "defects" lists every RFC violation the
parser noticed.
"""

import email
import email.policy
import json
import sys


def addresses(message, name):
    header = message[name]
    if header is None:
        return []
    return [{"name": a.display_name, "address": a.addr_spec} for a in header.addresses]


def main():
    with open(sys.argv[1], "rb") as source:
        message = email.message_from_bytes(source.read(), policy=email.policy.default)
    defects = [repr(d) for part in message.walk() for d in part.defects]
    for name, value in message.items():
        defects += [f"{name}: {d!r}" for d in getattr(value, "defects", [])]
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    print(json.dumps({
        "subject": message["subject"],
        "from": addresses(message, "from"),
        "to": addresses(message, "to"),
        "cc": addresses(message, "cc"),
        "replyTo": addresses(message, "reply-to"),
        "headerNames": list(message.keys()),
        "contentType": message.get_content_type(),
        "text": text.get_content() if text is not None else None,
        "html": html.get_content() if html is not None else None,
        "extra": {k: str(v) for k, v in message.items() if k.lower().startswith(("x-", "auto-"))},
        "defects": defects,
    }))


if __name__ == "__main__":
    main()
