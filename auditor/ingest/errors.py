"""The one exception ingest raises: a document that cannot be read, with a code and a message in both languages."""

from __future__ import annotations


class IngestError(Exception):
    """A document that cannot be read: carries a code and messages in both languages."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message = message
        self.message_en = message_en
