"""The domain's error hierarchy: each error carries a stable code and an HTTP-like status."""


class ScreeningError(Exception):
    """Base of every error the service raises on purpose; the API maps it once."""

    code = "screening_error"
    status = 500

    def __init__(self, message: str, details: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class RuleSetError(ScreeningError):
    """The rule files are invalid: the message names file, field and category."""

    code = "ruleset_invalid"
    status = 500
