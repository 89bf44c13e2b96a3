"""A real SMTP server on loopback for the mail tests (aiosmtpd), told what to answer to each message.

`answers` is the queue of replies to the end of DATA, one per message ("451 4.3.0 Try again later",
"550 5.1.1 Mailbox unavailable"); when it is empty every message is accepted (250). `hold()` makes the
server take the next message and wait, without answering, until `release()`: the moment a sender that
dies leaves its message unconfirmed. `received` holds every message the server accepted.
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Script:
    def __init__(self) -> None:
        self.answers: list[str] = []
        self.received: list[Message] = []
        self.answered: list[str] = []
        self._hold: threading.Event | None = None
        self.holding = threading.Event()

    def hold(self) -> None:
        self._hold = threading.Event()

    def release(self) -> None:
        assert self._hold is not None
        self._hold.set()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self._hold is not None:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self._hold.wait)
            self._hold = None
        answer = self.answers.pop(0) if self.answers else "250 2.0.0 OK: queued"
        self.answered.append(answer)
        if answer.startswith("250"):
            self.received.append(email.message_from_bytes(envelope.content))
        return answer

    def subjects(self) -> list[tuple[str, str]]:
        return [(m["To"], m["Subject"]) for m in self.received]


class MailServer:
    def __init__(self) -> None:
        self.script = Script()
        self.port = free_port()
        self.controller = Controller(self.script, hostname="127.0.0.1", port=self.port)
        self.running = False

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        """Down: the port refuses connections."""
        if self.running:
            self.controller.stop()
            self.running = False

    def restart(self) -> None:
        """Up again on the same port, with the same script (a stopped controller cannot be started again)."""
        self.controller = Controller(self.script, hostname="127.0.0.1", port=self.port)
        self.start()


@pytest.fixture
def mail_server(settings):
    """Django's SMTP backend pointed at a real server on loopback."""
    server = MailServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_USE_TLS = False
    yield server
    if server.script._hold is not None:
        server.script.release()
    server.stop()
