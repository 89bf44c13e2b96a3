"""Every download offered on every page is followed and must return the file (issue 42: the reports page's
"Download PDF", "Excel" and "CSV" once led to "This field is required").

Each GET page of tests/test_url_walk.py's PAGES is drawn for a QA administrator, or for the first role that may
see it when they may not (a director first), against every object the URL walk tries. Every link on it that is
a download (a `format=` in its query, a path ending .csv, .xlsx or .pdf, or a route that only downloads) and
every GET form with a `format` choice (the subject access export, once for each format) is followed as the same
person: it must answer 200 with the file as an attachment, named and typed for its format, and its bytes must
be that format.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve

from tests.test_url_walk import ROLES, get_page_urls, world  # noqa: F401 (world: the fixture)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "json": "application/json",
}
# Routes that answer only with a file, and the format they give with no `format=` asked for (None: the format
# of the stored file, read from its name).
DOWNLOAD_ROUTES = {"imports:audits_template": "csv", "imports:run_problems": "csv", "learning:attachment": None}
# The downloads the pages must offer, so that this test cannot pass by finding none.
EXPECTED = {
    ("reporting:index", "pdf"),
    ("reporting:index", "xlsx"),
    ("reporting:index", "csv"),
    ("reporting:published_show", "pdf"),
    ("reporting:published_show", "xlsx"),
    ("reporting:published_show", "csv"),
    ("improvement:dashboard", "csv"),
    ("improvement:dashboard", "xlsx"),
    ("imports:audits_template", "csv"),
    ("imports:audits_template", "xlsx"),
    ("imports:run_problems", "csv"),
    ("learning:attachment", "pdf"),
    ("dataprotection:subject_access", "pdf"),
    ("dataprotection:subject_access", "json"),
}


class Links(HTMLParser):
    """The page's links, and the URLs its GET forms with a `format` choice submit (one per format, with the
    form's other fields as drawn)."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.forms: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = {"action": attrs.get("action") or "", "fields": [], "formats": []}
        elif tag in ("input", "select", "textarea") and self._form is not None and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if attrs["name"] == "format":
                self._form["formats"].append(attrs.get("value", ""))
            elif kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self._form["fields"].append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button"):
                self._form["fields"].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            form, self._form = self._form, None
            for value in form["formats"]:
                self.forms.append(form["action"] + "?" + urlencode([*form["fields"], ("format", value)]))


def download_format(url: str) -> tuple[str, str | None] | None:
    """The route a link leads to and the format it asks for, if it is a download; None if it is not."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return None
    asked = parse_qs(parts.query).get("format")
    if asked:
        return name, asked[0]
    extension = re.search(r"\.(csv|xlsx|pdf)$", parts.path)
    if extension:
        return name, extension.group(1)
    if name in DOWNLOAD_ROUTES:
        return name, DOWNLOAD_ROUTES[name]
    return None


def body_of(response) -> bytes:
    # Read to the end: the test client closes a streamed file there, with the database left open.
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_is_the_file(response, fmt: str | None, where: str) -> str:
    assert response.status_code == 200, f"{where} -> {response.status_code}"
    disposition = response.get("Content-Disposition", "")
    found = re.fullmatch(r'attachment; filename="[^"/\\]+\.(\w+)"', disposition)
    assert found, f"{where}: Content-Disposition {disposition!r}"
    fmt = fmt or found.group(1)
    assert found.group(1) == fmt, f"{where}: a {fmt} link gave {disposition!r}"
    assert response["Content-Type"].split(";")[0] == CONTENT_TYPES[fmt], f"{where}: {response['Content-Type']}"
    content = body_of(response)
    if fmt == "pdf":
        assert content.startswith(b"%PDF-"), where
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        assert load_workbook(io.BytesIO(content)).sheetnames, where
    elif fmt == "csv":
        assert content.decode("utf-8-sig").splitlines()[0].count(",") >= 1, where
    elif fmt == "json":
        json.loads(content)
    return fmt


def test_every_download_link_on_every_page_returns_its_file(client, council, world):  # noqa: F811
    from caseaudit.imports.models import ImportRun
    from caseaudit.imports.tables import ImportResult, RowError

    # An import with problems, so its page offers them as a spreadsheet.
    checked = ImportResult(
        kind="audits", dry_run=True, total_rows=2, errors=[RowError(2, "audit_date", "Enter a date")]
    )
    ImportRun.objects.create(
        kind="audits",
        filename="audits.csv",
        sha256="1" * 64,
        status="rejected",
        created_by=council["qa_admin"],
        result={**checked.to_dict(), "error_count": 1},
    )
    world["import_runs"] = list(ImportRun.objects.all())
    order = ["qa_admin", "director", *[who for who in ROLES if who not in ("qa_admin", "director")]]
    followed: dict[tuple[str, str], set[str]] = {}
    seen: set[str] = set()
    for _, url in get_page_urls(world):
        for who in order:
            client.force_login(council[who])
            response = client.get(url)
            if response.status_code == 200:
                break
        else:
            continue  # a page nobody reaches with these objects (its own tests cover it)
        if not response["Content-Type"].startswith("text/html"):
            body_of(response)
            continue  # the page is itself a download, followed from the page that links to it
        page = Links()
        page.feed(response.content.decode())
        for href in [*page.hrefs, *page.forms]:
            link = urljoin(url, href.replace("&amp;", "&"))
            download = download_format(link)
            if download is None or link in seen:
                continue
            seen.add(link)
            fmt = assert_is_the_file(client.get(link), download[1], f"{who} on {url}: {link}")
            followed.setdefault((download[0], fmt), set()).add(link)
    assert EXPECTED <= set(followed), sorted(EXPECTED - set(followed))
