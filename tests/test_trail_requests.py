"""Entries written during a web request (actor and address filled in by auditlog's
middleware) verify like any other: the hash covers what is stored."""

from django.core.management import call_command

from caseaudit.trail.models import TrailEntry


def test_a_read_logged_by_a_web_request_keeps_the_chain_intact(client, council):
    client.force_login(council["social_worker"])
    client.get(f"/children/{council.children['own'].pk}/", REMOTE_ADDR="10.1.2.3")
    entry = TrailEntry.objects.order_by("-sequence").first()
    assert entry.actor == council["social_worker"] and entry.remote_addr == "10.1.2.3"
    call_command("verify_audit_trail")  # raises CommandError when the chain is broken
