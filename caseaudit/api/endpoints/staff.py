"""Joiners and leavers from the HR or directory export, for the council's identity system (decision 0096).

Service tokens with the write:staff scope only: the file deactivates people, which no one person's token
should do on their behalf. Dry run by default; the same checks and report as `caseaudit sync_staff`.
"""

from __future__ import annotations

from django.db import IntegrityError
from ninja import File, Form, Router
from ninja.files import UploadedFile

from caseaudit.accounts.staff_sync import staff_sync_file
from caseaudit.imports.readers import ImportFileError

from ..auth import ScopeMissing
from ..models import Scope
from ..schemas import ERRORS, ImportErrorsOut, ImportResultOut
from .imports import BadImport

router = Router()
RESPONSES = {200: ImportResultOut, **ERRORS, 422: ImportErrorsOut | ERRORS[422]}


@router.post("/staff/sync", response=RESPONSES, tags=["staff"])
def staff_sync_upload(request, file: File[UploadedFile], dry_run: Form[bool] = True):
    token = request.auth
    if token.person is not None or Scope.WRITE_STAFF.value not in token.scopes:
        raise ScopeMissing()
    try:
        result = staff_sync_file(data=file.read(), filename=file.name or "staff.csv", commit=not dry_run)
    except ImportFileError as error:
        raise BadImport({"errors": [{"line": 0, "column": "file", "reason": str(error)}]}) from None
    except IntegrityError:
        reason = "someone changed the same people while this ran: send the file again"
        raise BadImport({"errors": [{"line": 0, "column": "file", "reason": reason}]}) from None
    data = result.to_dict()
    if not result.ok:
        raise BadImport(data)
    return data
