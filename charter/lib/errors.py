"""Errors every layer shares."""


class InvalidInput(ValueError):
    """Input that is wrong before any rule is asked: the message says what and where."""
