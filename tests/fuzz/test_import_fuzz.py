"""Hostile files at both imports: random bytes, hostile cells in a real extract's shape, and uploads.

Whatever arrives, the reader either gives a table or refuses the file with ImportFileError; a dry run
never raises and writes nothing; every problem names its line (within the file) and a reason; a
commit of a file with any problem writes nothing; and the upload page answers without a server
error and never shows what was in the file unescaped.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from caseaudit.imports.readers import ImportFileError, read_table
from caseaudit.imports.services.cases import import_case_extract
from caseaudit.imports.services.historic import import_historic_audits, template_headers
from caseaudit.organisation.models import Child, Person
from tests.imports.files import LCS_HEADINGS, csv_bytes, lcs_row, xlsx_bytes

from .hostile import RAW_MARKERS, hostile_text

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

# Bytes that look like the start of each kind of file a person might pick by mistake, then noise.
PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04", b"%PDF-1.7\n", b"\x00\x00", b"Person ID,Forename\r\n"]
raw_files = st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=2_000)).map(lambda parts: parts[0] + parts[1])


def _check_result(result, table) -> None:
    """Every problem is about the file as a whole (line 0), its headings (line 1) or one of its rows."""
    lines = {0, 1} | {line for line, _cells in table.rows}
    for problem in result.errors:
        assert problem.line in lines, problem
        assert problem.reason.strip(), problem


@FUZZ
@given(data=raw_files, suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".xls", ""]))
def test_any_bytes_are_read_or_refused_with_a_reason(council, data, suffix):
    before = Child.objects.count()
    try:
        table = read_table(data, f"extract{suffix}")
    except ImportFileError as refused:
        assert str(refused).strip()
        return
    cases = import_case_extract(table, profile=None, actor=council["qa_admin"], commit=False)
    _check_result(cases, table)
    audits = import_historic_audits(table, actor=council["qa_admin"], commit=False)
    _check_result(audits, table)
    assert Child.objects.count() == before


def _extract(cells: dict[tuple[int, int], str], rows: int) -> list[list[str]]:
    body = [lcs_row(f"LCS{n:04d}", worker="social_worker@council.example") for n in range(rows)]
    for (row, column), value in cells.items():
        body[row % rows][column % len(LCS_HEADINGS)] = value
    return body


hostile_cells = st.dictionaries(
    st.tuples(st.integers(0, 7), st.integers(0, len(LCS_HEADINGS) - 1)), hostile_text, min_size=1, max_size=6
)


@FUZZ
@given(cells=hostile_cells, as_xlsx=st.booleans())
def test_hostile_cells_in_a_case_extract_are_reported_and_a_bad_file_writes_nothing(council, cells, as_xlsx):
    rows = _extract(cells, 8)
    # XLSX cannot hold the control characters some hostile values carry: openpyxl refuses to write them.
    try:
        data = xlsx_bytes(LCS_HEADINGS, rows) if as_xlsx else csv_bytes(LCS_HEADINGS, rows, encoding="utf-8")
    except (IllegalCharacterError, UnicodeEncodeError):
        return
    try:
        table = read_table(data, "extract.xlsx" if as_xlsx else "extract.csv")
    except ImportFileError:
        return
    before = set(Child.objects.values_list("case_id", "name", "team_id", "closed_on"))
    result = import_case_extract(table, profile=None, actor=council["qa_admin"], commit=True)
    _check_result(result, table)
    after = set(Child.objects.values_list("case_id", "name", "team_id", "closed_on"))
    if result.errors:
        assert not result.committed
        assert after == before, "a file with problems changed children"
    else:
        assert result.committed


@FUZZ
@given(cells=st.lists(hostile_text, min_size=1, max_size=12))
def test_hostile_historic_audit_rows_are_reported_per_line(council, cells):
    headers = template_headers()
    rows = [[cells[(n + i) % len(cells)] for i in range(len(headers))] for n in range(3)]
    try:
        table = read_table(csv_bytes(headers, rows, encoding="utf-8"), "historic.csv")
    except (ImportFileError, UnicodeEncodeError):
        return
    people_before = Person.objects.count()
    result = import_historic_audits(table, actor=council["qa_admin"], commit=True)
    _check_result(result, table)
    if result.errors:
        assert not result.committed
    assert Person.objects.count() == people_before, "an import never creates people"


@pytest.mark.parametrize("page", ["/imports/cases/new", "/imports/audits/new"])
@FUZZ
@given(data=st.one_of(raw_files, hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_uploading_a_hostile_file_never_breaks_the_page(client, council, page, data):
    client.force_login(council["qa_admin"])
    upload = SimpleUploadedFile("extract.csv", data, content_type="text/csv")
    response = client.post(page, {"file": upload})
    assert response.status_code < 500
    pages = [response]
    if response.status_code == 302:
        pages.append(client.get(response["Location"]))
    for shown in pages:
        assert shown.status_code < 500
        body = shown.content.lower()
        for marker in RAW_MARKERS:
            assert marker.lower() not in body
