"""Check 8, the loaded policy documents: each one's text against its sha256, and each read again against the
catalogue as it stood when it was loaded."""

from __future__ import annotations

from typing import Any

from .report import Report


def check_policies(app: Any, report: Report) -> None:
    """Replay the catalogue's history: every loaded document, in order, as it was validated when loaded."""
    from ledger import clauses
    from ledger.handlers.policies import sha256_of
    from ledger.policy_register import PolicyRegister
    from ledger.uow import UnitOfWork

    register = UnitOfWork(app).find(PolicyRegister)
    documents = register.documents if register is not None else []
    catalogue, before = app.catalogue, len(report.findings)
    for d in documents:
        if sha256_of(d["text"]) != d["sha256"]:
            report.findings.append(f"政策文件 {d['document']}: 内容与记录的 sha256 不符")
            continue
        try:
            loaded = clauses.read(d["text"], d["file_name"], clauses.Origin(d["actor"], d["on"], d["sha256"]))
            catalogue = catalogue.with_document(loaded)
        except clauses.CatalogueError as exc:
            report.findings.append(f"政策文件 {d['document']} 在当初载入的位置已无法载入: {exc}")
    report.checks["policies"] = "TAMPERED" if len(report.findings) > before else f"ok ({len(documents)} loaded)"
