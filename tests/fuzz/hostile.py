"""Malformed, oversized and hostile values, the same for every form."""

from __future__ import annotations

from hypothesis import strategies as st

# Markers the escaping check looks for in every page: present raw, they would run.
SCRIPT = "<script>fuzz()</script>"
IMG = '"><img src=x onerror=fuzz()>'
RAW_MARKERS = (b"<script>fuzz()", b"<img src=x onerror", b'href="javascript:')

FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,1)", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")']

HOSTILE = [
    "A" * 100_000,
    "word " * 20_000,
    "nul\x00byte",
    "\x00",
    "control\x01\x02\x07\x1b\x7f characters",
    "\x0b\x0c vertical tab and form feed",
    "lone \ud800 surrogate",
    "\udfff",
    SCRIPT,
    IMG,
    "javascript:fuzz()",
    "JaVaScRiPt:fuzz()",
    "'; DROP TABLE audits_audit; --",
    "1' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    *FORMULAS,
    "-1",
    "0",
    "abc",
    "1.5",
    "99999999999999999999999999999999",
    "-99999999999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "31/02/2026",
    "99/99/99999",
    "",
    " ",
    "\r\n\r\n",
    "\u202etxet sdrawkcab",
    "\ufeffbyte order mark",
    "💥" * 50,
    "%00",
    "../../etc/passwd",
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20).map(lambda s: SCRIPT + s),
)
