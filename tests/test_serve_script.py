"""`make run`'s last step (scripts/serve.sh): e-mailed links lead where it serves (issue 44, point 10), and it
ends what it started when the web server ends."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

SERVE = Path(__file__).resolve().parent.parent / "scripts" / "serve.sh"


def _program(path: Path, body: str) -> None:
    path.write_text(f"#!/usr/bin/env bash\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize(
    ("host", "given", "expected"),
    [
        ("127.0.0.1", None, "http://127.0.0.1:8123"),
        ("192.168.1.20", None, "http://192.168.1.20:8123"),
        ("127.0.0.1", "https://caseaudit.council.example", "https://caseaudit.council.example"),
    ],
)
def test_links_in_e_mails_use_the_address_make_run_serves(tmp_path, host, given, expected):
    # Stand-ins for the two programs serve.sh starts: the web server records the address it was given and
    # ends; the schedule does nothing. serve.sh must then stop the schedule and end itself.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "var").mkdir()
    _program(bin_dir / "gunicorn", f'echo "$CASEAUDIT_SITE_URL" > {tmp_path}/site-url')
    _program(bin_dir / "caseaudit", "exit 0")
    env = {k: v for k, v in os.environ.items() if k != "CASEAUDIT_SITE_URL"}
    env.update(BIN=str(bin_dir), HOST=host, PORT="8123")
    if given:
        env["CASEAUDIT_SITE_URL"] = given
    result = subprocess.run([str(SERVE)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30)  # noqa: S603
    assert "CaseAudit stopped." in result.stdout
    assert (tmp_path / "site-url").read_text().strip() == expected
