"""A local stand-in for GOV.UK Notify's v2 API, spoken to by the real notifications-python-client.

It checks what Notify checks first: a Bearer JSON Web Token signed (HS256) with the API key's secret, whose `iss`
is the key's service id and whose `iat` is within 30 seconds; then the body's required fields for an email or a
text message. It records every request and answers 201 with a notification id, or the answers a test queues
(a 400 with Notify's error body, a 429, a 500).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "8a2f3b5c-1d4e-4f6a-9b8c-7d6e5f4a3b2c"
SECRET = "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716"
API_KEY = f"caseaudit_test-{SERVICE_ID}-{SECRET}"
TEMPLATES = {
    "invitation_email": "11111111-1111-4111-8111-111111111111",
    "invitation_sms": "22222222-2222-4222-8222-222222222222",
    "reminder_email": "33333333-3333-4333-8333-333333333333",
    "reminder_sms": "44444444-4444-4444-8444-444444444444",
}
REQUIRED = {"/v2/notifications/email": "email_address", "/v2/notifications/sms": "phone_number"}


def notify_error(status: int, error: str, message: str) -> tuple[int, dict]:
    """An answer as Notify words its errors."""
    return status, {"status_code": status, "errors": [{"error": error, "message": message}]}


@dataclass
class Received:
    path: str
    body: dict
    token_claims: dict


@dataclass
class FakeNotify:
    received: list[Received] = field(default_factory=list)
    queued: list[tuple[int, dict]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why a request was turned away (authentication, contract)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer_next(self, status: int, body: dict) -> None:
        self.queued.append((status, body))

    def handle(self, path: str, authorization: str, raw: bytes) -> tuple[int, dict]:
        token = authorization.removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]})
        except jwt.InvalidTokenError as exc:
            self.refused.append(f"token: {exc}")
            return notify_error(403, "AuthError", "Invalid token: API key not found")
        if claims["iss"] != SERVICE_ID or abs(time.time() - claims["iat"]) > 30:
            self.refused.append(f"claims: {claims}")
            return notify_error(403, "AuthError", "Invalid token: service not found or token expired")
        body = json.loads(raw)
        if path not in REQUIRED:
            return notify_error(404, "BadRequestError", "Not found")
        missing = [name for name in (REQUIRED[path], "template_id") if not body.get(name)]
        if missing:
            self.refused.append(f"contract: {missing}")
            return notify_error(400, "ValidationError", f"{missing[0]} is a required property")
        self.received.append(Received(path, body, claims))
        if self.queued:
            return self.queued.pop(0)
        return 201, {
            "id": str(uuid.uuid4()),
            "reference": body.get("reference"),
            "content": {"body": "…", "subject": "…"}
            if path.endswith("email")
            else {"body": "…", "from_number": "GOVUK"},
            "uri": f"{self.base_url}/v2/notifications/x",
            "template": {"id": body["template_id"], "version": 1, "uri": "…"},
        }


def start(fake: FakeNotify) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, body = fake.handle(self.path, self.headers.get("Authorization", ""), raw)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
