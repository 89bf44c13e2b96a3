class AuditRuleError(Exception):
    """A business rule refused the change; the message is for the person."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConcurrentEditError(AuditRuleError):
    def __init__(self) -> None:
        super().__init__(
            "Someone else saved this audit while you were editing it, so your changes have not been saved. "
            "Your text is still in the form below. To compare, open the audit in a new tab; "
            "if you save again, your version will replace theirs."
        )
