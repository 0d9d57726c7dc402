"""Ingest: a file becomes a ``Document`` of lines and blocks, each with its location."""

from auditor.ingest.errors import IngestError
from auditor.ingest.sniff import read_document

__all__ = ["IngestError", "read_document"]
