from caseaudit.audits.errors import AuditRuleError


class FamilyRuleError(AuditRuleError):
    """A business rule refused the change; the message is for the member of staff."""


class LinkError(Exception):
    """A family's link cannot be answered. Each kind has its own page; none says which audit it was for."""


class LinkUnknown(LinkError):
    pass


class LinkExpired(LinkError):
    pass


class LinkRevoked(LinkError):
    pass


class LinkSpent(LinkError):
    """The answers have been sent already: a link answers once."""
