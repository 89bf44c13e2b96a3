"""Read a form out of a rendered page the way a browser would submit it untouched."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        fields = self._form["fields"]
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                if kind == "submit":
                    self._form.setdefault("submits", []).append((name, a.get("value") or ""))
                return
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    fields.append((name, a.get("value", "on")))
                self._form.setdefault("options", {}).setdefault(name, []).append(a.get("value", "on"))
                return
            fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                fields.append((self._select, value))
                self._select_chosen = True
            self._form.setdefault("options", {}).setdefault(self._select, []).append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            if not self._select_chosen and self._select_first is not None:
                self._form["fields"].append((self._select, self._select_first))
            self._select = None


def post_forms(html: str) -> list[dict]:
    """Every POST form on the page: action, fields [(name, value)], options {name: [values]}."""
    reader = _FormReader()
    reader.feed(html)
    return [f for f in reader.forms if f["method"] == "post"]


def urlencode_raw(pairs: list[tuple[str, str]]) -> bytes:
    """Form-encode as a browser would, but let lone surrogates through as the bytes a broken client sends."""
    return "&".join(
        quote(k.encode("utf-8", "surrogatepass"), safe="") + "=" + quote(v.encode("utf-8", "surrogatepass"), safe="")
        for k, v in pairs
    ).encode("ascii")
