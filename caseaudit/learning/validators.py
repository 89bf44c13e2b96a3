"""Attachments: PDF, Word, Excel or an image, at most 20 MB, checked by content as well as name."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError

MAX_BYTES = 20 * 1024 * 1024
# Extension -> the file's first bytes. Office files are zip containers; old .doc/.xls are OLE.
SIGNATURES = {
    ".pdf": [b"%PDF-"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".pptx": [b"PK\x03\x04"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".gif": [b"GIF87a", b"GIF89a"],
}


def validate_attachment(upload) -> None:
    extension = Path(upload.name).suffix.lower()
    if extension not in SIGNATURES:
        raise ValidationError(
            "The attachment must be a PDF, Word document, Excel spreadsheet or image (PNG, JPEG, GIF)"
        )
    if upload.size > MAX_BYTES:
        raise ValidationError("The attachment must be smaller than 20 MB")
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError(f"The attachment is not a real {extension[1:].upper()} file")
