"""The subject access export as a tagged A4 PDF (the same way reports are printed)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string


def subject_access_pdf(data: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("dataprotection/subject_access_pdf.html", {"data": data})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")
