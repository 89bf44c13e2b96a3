class PlanRuleError(Exception):
    """A rule of the improvement process refused the change; the message is for the person."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
