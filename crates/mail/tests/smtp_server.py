"""A real SMTP server on loopback for the mail crate's tests, and a reader of .eml files.

    python3 smtp_server.py serve FOLDER [REFUSE_AFTER REFUSE_SECONDS]
                                          listens on a free port of 127.0.0.1, prints that port on one line, and
                                          keeps every accepted message in FOLDER as N.eml (the bytes as received)
                                          and N.json (what a mail client would show: decoded headers and body, and
                                          the SMTP envelope and the client's port). Refuses recipients whose address starts with
                                          "bounce" with 550 5.1.1, as a real server refuses an unknown mailbox.
                                          With REFUSE_AFTER, once it has accepted that many messages it answers
                                          every recipient with 451 4.7.1 ("try again later", as a relay does when a
                                          sender goes over its limit) for REFUSE_SECONDS, then accepts again.
    python3 smtp_server.py parse FILE     prints FILE (an .eml) as the same JSON, without the envelope.

Python's email package decodes the messages, so that the tests check what an independent reader sees, not what the
sender meant to write. Serving needs aiosmtpd (pip install aiosmtpd); parsing needs only the standard library.
"""

import asyncio
import email
import email.policy
import itertools
import json
import pathlib
import socket
import sys
import time


def read(raw: bytes) -> dict:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return {
        "from": str(message["From"]),
        "to": str(message["To"]),
        "subject": str(message["Subject"]),
        "message_id": str(message["Message-ID"]),
        "date": str(message["Date"]),
        "content_type": message.get_content_type(),
        "charset": message.get_content_charset(),
        "transfer_encoding": str(message["Content-Transfer-Encoding"]),
        "header_names": [name for name, _ in message.items()],
        # A line in a message ends in CRLF by definition (RFC 5322); a client shows it as a line break.
        "body": message.get_content().replace("\r\n", "\n"),
    }


class Keeper:
    def __init__(self, folder: pathlib.Path, refuse_after: int | None, refuse_seconds: float):
        self.folder = folder
        self.numbers = itertools.count(1)
        self.accepted = 0
        self.refuse_after = refuse_after
        self.refuse_seconds = refuse_seconds
        self.refusing_until = None

    def refusing(self) -> bool:
        if self.refuse_after is None or self.accepted < self.refuse_after:
            return False
        now = time.monotonic()
        if self.refusing_until is None:
            self.refusing_until = now + self.refuse_seconds
        return now < self.refusing_until

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing():
            return "451 4.7.1 rate limit exceeded, try again later"
        if address.lower().startswith("bounce"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        number = next(self.numbers)
        seen = read(raw)
        seen["mail_from"] = envelope.mail_from
        seen["rcpt_tos"] = list(envelope.rcpt_tos)
        # The client's port tells one connection from another: a client that reuses a connection keeps its port.
        seen["client_port"] = session.peer[1]
        (self.folder / f"{number}.eml").write_bytes(raw)
        # Written last and renamed into place, so that a reader never sees half a message.
        partial = self.folder / f"{number}.json.partial"
        partial.write_text(json.dumps(seen, ensure_ascii=False), encoding="utf-8")
        partial.rename(self.folder / f"{number}.json")
        self.accepted += 1
        return "250 2.0.0 kept"


async def serve(folder: pathlib.Path, refuse_after: int | None, refuse_seconds: float) -> None:
    from aiosmtpd.smtp import SMTP

    folder.mkdir(parents=True, exist_ok=True)
    keeper = Keeper(folder, refuse_after, refuse_seconds)
    # Bound here on port 0 rather than given a port, so that two test runs can never race for the same one.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(keeper, hostname="smtp.test", enable_SMTPUTF8=True), sock=listener
    )
    print(listener.getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main() -> int:
    if len(sys.argv) in (3, 5) and sys.argv[1] == "serve":
        try:
            import aiosmtpd  # noqa: F401
        except ImportError:
            print("aiosmtpd is missing: pip install aiosmtpd", file=sys.stderr)
            return 2
        refuse_after, refuse_seconds = (int(sys.argv[3]), float(sys.argv[4])) if len(sys.argv) == 5 else (None, 0.0)
        asyncio.run(serve(pathlib.Path(sys.argv[2]), refuse_after, refuse_seconds))
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "parse":
        print(json.dumps(read(pathlib.Path(sys.argv[2]).read_bytes()), ensure_ascii=False))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
