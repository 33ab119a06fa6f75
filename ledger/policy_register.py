"""Loaded policy documents: the catalogue's own format, recorded as facts (``policy load``).

One ``PolicyRegister`` aggregate holds every document an admin has loaded, in
order: each ``Loaded`` event carries the file's text (its exact bytes, UTF-8),
their sha256, the document's 文号, who loaded it and when. The live catalogue
is the shipped one plus these documents, applied in order; a second load
races on the register's version, so two conflicting documents can never both
get in.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from .ids import key_id


class PolicyRegister(Aggregate):
    @staticmethod
    def create_id() -> object:
        return key_id("policy-register")

    @event("Opened")
    def __init__(self, actor: str, on: str):
        self.documents: list[dict] = []

    def find(self, sha256: str) -> dict | None:
        return next((d for d in self.documents if d["sha256"] == sha256), None)

    def load(self, document: str, doc_number: str, file_name: str, text: str, sha256: str, actor: str, on: str) -> None:
        self._loaded(
            document=document, doc_number=doc_number, file_name=file_name, text=text, sha256=sha256, actor=actor, on=on
        )

    @event("Loaded")
    def _loaded(
        self, document: str, doc_number: str, file_name: str, text: str, sha256: str, actor: str, on: str
    ) -> None:
        self.documents.append(
            {
                "document": document,
                "doc_number": doc_number,
                "file_name": file_name,
                "text": text,
                "sha256": sha256,
                "actor": actor,
                "on": on,
            }
        )
