"""The CSV reader splits lines exactly as a file opened with newline="" would."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from caseaudit.imports.readers import _lines, read_table

TRICKY = [
    "a,b\r\n1,2\r\n",
    "a,b\n1,2",
    "a,b\r1,2\r3,4",  # old Mac line ends
    'a,b\r\n"two\r\nlines",2\r\n',
    'a,b\n"line\u2028separator",2\n',  # not a line end inside a cell
    "a,b\n\n\n1,2\n\r\n",
    "\r\n\r\r\n\n",
    "",
]


def test_lines_are_those_of_a_file_opened_with_newline_empty():
    for text in TRICKY:
        assert list(_lines(text)) == list(io.StringIO(text, newline="")), repr(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", ",", '"', "\r", "\n", "\u2028", "\x85", "\x0c", "é"]), max_size=60))
def test_any_text_splits_the_same_way(text):
    assert list(_lines(text)) == list(io.StringIO(text, newline=""))


def test_a_quoted_cell_keeps_its_line_break():
    table = read_table(b'Case ID,Name\r\nC1,"Ann\r\nLee"\rC2,Bo\n', "extract.csv")
    # A row is numbered by the line it ends on, as before (io.StringIO).
    assert table.rows == [(3, ["C1", "Ann\r\nLee"]), (4, ["C2", "Bo"])]
