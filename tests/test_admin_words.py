"""The administration pages speak plain English and show only what an administrator needs (issue 44.7)."""

from __future__ import annotations

import re


def test_the_admin_index_names_every_section_in_plain_words(client, council):
    client.force_login(council["qa_admin"])
    body = client.get("/admin/").content.decode()
    sections = re.findall(r"<caption>\s*<a [^>]*>([^<]+)</a>", body)
    assert "Two-step verification: authenticator apps" in sections
    assert "Two-step verification: recovery codes" in sections
    assert "Sign-in attempts and lockouts" in sections
    for machine_word in ("Otp_Totp", "Otp_Static", "Axes", "OTP_TOTP", "AXES", "Authentication and Authorization"):
        assert machine_word not in sections, machine_word
    assert ">Groups<" not in body
    assert "Report deliverys" not in body and "Report deliveries" in body
