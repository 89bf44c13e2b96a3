"""Grade descriptors sit under each grade radio on the audit form, tied to the radio for screen readers."""

from __future__ import annotations

import re
from html import escape

from caseaudit.audits.grades import GRADE_DESCRIPTORS, Grade


def test_each_grade_radio_carries_its_descriptor_as_hint_text(client, council, draft_audit):
    client.force_login(council["auditor"])
    html = client.get(f"/audits/{draft_audit.pk}/edit/all").content.decode()
    sections = draft_audit.tool_version.sections.count()
    for grade, text in GRADE_DESCRIPTORS.items():
        radios = re.findall(rf'<input[^>]*value="{grade.value}"[^>]*aria-describedby="([^"]+)"', html)
        assert len(radios) == sections + 1, grade  # every practice area and the overall grade
        for hint_id in radios:
            assert re.search(rf'id="{hint_id}" class="govuk-hint govuk-radios__hint">{re.escape(escape(text))}<', html)
    assert Grade.INADEQUATE.value in html
