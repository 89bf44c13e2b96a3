"""`make screenshots`: a PNG of each main page, for four roles, into docs/screenshots/.

Seeds the demo council into a throwaway SQLite database in var/, serves it with
gunicorn on loopback, and drives Debian's Chromium with Playwright, signing in
through the real sign-in page. Nothing here touches var/caseaudit.sqlite3.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "var" / "screenshots.sqlite3"
OUT = ROOT / "docs" / "screenshots"
PORT = int(os.environ.get("SCREENSHOTS_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseaudit.settings.base")

# role -> the pages shown for it (file suffix, path). "{draft}", "{shared}" and "{plan}" are filled in from the
# demo data. A suffix starting "phone-" is taken at a phone's width (PHONE), as a council member of staff on
# the move sees it.
PAGES = {
    "qa_admin": [
        ("home", "/"),
        ("programmes", "/audits/programmes/"),
        ("programme-progress", "/audits/programmes/progress/"),
        ("report", "/reports/"),
        ("imports", "/imports/"),
        ("help", "/help"),
    ],
    "auditor": [
        ("home", "/"),
        ("my-audits", "/audits/mine/"),
        ("audit-task-list", "{draft}"),
        ("audit-area", "{draft_area}"),
        ("phone-audit-task-list", "{draft}"),
    ],
    "team_manager": [
        ("home", "/"),
        ("children", "/children/"),
        ("audit", "{shared}"),
        ("dashboard", "/improvement/"),
        ("phone-home", "/"),
        ("phone-children", "/children/"),
    ],
    "director": [("home", "/"), ("report", "/reports/"), ("plan", "{plan}"), ("learning", "/learning/")],
    "social_worker": [("home", "/"), ("api-tokens", "/account/api-tokens/")],
}


def seed() -> dict:
    import django

    DB.unlink(missing_ok=True)
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from caseaudit.audits.models import Audit, AuditStatus
    from caseaudit.demo.organisation import DEMO_PASSWORD, build_demo_council
    from caseaudit.improvement.models import ImprovementPlan
    from caseaudit.organisation.models import Person

    call_command("migrate", verbosity=0)
    call_command("seed_demo", quiet_logins=True, verbosity=0)
    logins = build_demo_council(timezone.localdate())  # idempotent: returns the same people
    # Each role's own demo login (qa-admin@, auditor@, ...): the QA administrator is an auditor too.
    people = {}
    for role in PAGES:
        people[role] = next(login.email for login in logins if login.email.startswith(role.replace("_", "-") + "@"))
    auditor = Person.objects.get(email=people["auditor"])
    draft = Audit.objects.filter(auditor=auditor, status=AuditStatus.DRAFT).first()
    team_manager = Person.objects.get(email=people["team_manager"])
    shared = (
        Audit.objects.filter(team__manager=team_manager, status=AuditStatus.SHARED).first()
        or Audit.objects.filter(status=AuditStatus.SHARED).first()
    )
    plan = ImprovementPlan.objects.first()
    first_area = draft.tool_version.sections.order_by("position").first() if draft else None
    fill = {
        "{draft}": f"/audits/{draft.pk}/edit" if draft else "/audits/mine/",
        "{draft_area}": f"/audits/{draft.pk}/edit/area/{first_area.pk}" if draft and first_area else "/audits/mine/",
        "{shared}": f"/audits/{shared.pk}/" if shared else "/audits/mine/",
        "{plan}": f"/improvement/{plan.pk}/" if plan else "/improvement/",
    }
    return {"people": people, "password": DEMO_PASSWORD, "fill": fill}


def demo_code_for(email: str) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from caseaudit.demo.two_factor import demo_code

    return demo_code(TOTPDevice.objects.get(user__email=email, confirmed=True))


def wait_for_server(server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            sys.exit("The server stopped before it answered")
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("The server did not answer within 20 seconds")


def main() -> None:
    demo = seed()
    OUT.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "caseaudit.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        wait_for_server(server)
        from playwright.sync_api import sync_playwright

        from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for role, pages in PAGES.items():
                context = browser.new_context(base_url=BASE, locale="en-GB", viewport=DESKTOP)
                page = context.new_page()
                page.goto("/account/sign-in")
                page.get_by_label("Email address").fill(demo["people"][role])
                page.get_by_label("Password").fill(demo["password"])
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state()
                if "/account/two-step" in page.url:
                    # Directors and QA administrators need the second step: the demo app's current code.
                    page.get_by_label("Enter the 6-digit code").fill(demo_code_for(demo["people"][role]))
                    page.get_by_role("button", name="Continue").click()
                    page.wait_for_load_state()
                for name, path in pages:
                    page.set_viewport_size(PHONE if name.startswith("phone-") else DESKTOP)
                    page.goto(demo["fill"].get(path, path))
                    target = OUT / f"{role.replace('_', '-')}-{name}.png"
                    page.screenshot(path=str(target), full_page=False)
                    print(target.relative_to(ROOT))
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
