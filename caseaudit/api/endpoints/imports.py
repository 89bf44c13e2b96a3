"""Write endpoints: case extracts and historic audits, through the import services. Dry run by default."""

from __future__ import annotations

from django.http import Http404
from ninja import File, Form, Router
from ninja.files import UploadedFile

from caseaudit.imports.models import MappingProfile
from caseaudit.imports.readers import ImportFileError, read_table
from caseaudit.imports.services.cases import import_case_extract
from caseaudit.imports.services.historic import import_historic_audits
from caseaudit.imports.tables import Table
from caseaudit.organisation.roles import Role

from ..auth import ScopeMissing, require_scope
from ..models import Scope
from ..schemas import ERRORS, CaseExtractIn, HistoricAuditsIn, ImportErrorsOut, ImportResultOut

router = Router()
RESPONSES = {200: ImportResultOut, **ERRORS, 422: ImportErrorsOut | ERRORS[422]}


class BadImport(Exception):
    def __init__(self, result: dict):
        self.result = result


def _allowed(request, scope: Scope) -> None:
    person = request.auth.person
    if person is None:
        require_scope(request, scope)
    elif not person.has_role(Role.QA_ADMIN):
        raise ScopeMissing()


def _profile(slug: str | None) -> MappingProfile | None:
    if not slug:
        return None
    profile = MappingProfile.objects.filter(slug=slug).first()
    if profile is None:
        raise Http404("Not found")
    return profile


def _answer(result):
    data = result.to_dict()
    if not result.ok:
        raise BadImport(data)
    return data


def _cases(request, table: Table, profile: str | None, dry_run: bool):
    _allowed(request, Scope.WRITE_CASE_EXTRACTS)
    return _answer(import_case_extract(table, profile=_profile(profile), actor=request.auth.person, commit=not dry_run))


def _historic(request, table: Table, dry_run: bool, open_plans: bool):
    _allowed(request, Scope.WRITE_AUDITS)
    return _answer(import_historic_audits(table, actor=request.auth.person, commit=not dry_run, open_plans=open_plans))


def _read(file: UploadedFile) -> Table:
    try:
        return read_table(file.read(), file.name or "upload.csv")
    except ImportFileError as error:
        raise BadImport({"errors": [{"line": 0, "column": "file", "reason": str(error)}]}) from None


@router.post("/imports/case-extracts", response=RESPONSES, tags=["imports"])
def case_extract_json(request, body: CaseExtractIn):
    return _cases(request, Table.from_lists(body.headers, body.rows), body.profile, body.dry_run)


@router.post("/imports/case-extracts/file", response=RESPONSES, tags=["imports"])
def case_extract_file(request, file: File[UploadedFile], dry_run: Form[bool] = True, profile: Form[str] = ""):
    _allowed(request, Scope.WRITE_CASE_EXTRACTS)
    return _cases(request, _read(file), profile or None, dry_run)


@router.post("/imports/historic-audits", response=RESPONSES, tags=["imports"])
def historic_json(request, body: HistoricAuditsIn):
    return _historic(request, Table.from_lists(body.headers, body.rows), body.dry_run, body.open_plans)


@router.post("/imports/historic-audits/file", response=RESPONSES, tags=["imports"])
def historic_file(request, file: File[UploadedFile], dry_run: Form[bool] = True, open_plans: Form[bool] = False):
    _allowed(request, Scope.WRITE_AUDITS)
    return _historic(request, _read(file), dry_run, open_plans)
