"""Errors that actions raise and every interface translates the same way."""


class ConflictError(Exception):
    """The record changed since the caller read it (optimistic concurrency): HTTP 409."""
