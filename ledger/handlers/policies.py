"""Policy handlers: ``policy load`` records a policy document; ``catalogue_of`` is the catalogue as it stands.

The catalogue a command sees is the shipped one plus every document loaded so
far, in the order loaded. A command is decided by the catalogue at its own
moment; recorded events are never re-decided, so loading a document never
changes history.
"""

from __future__ import annotations

import hashlib

from .. import clauses, dates, errors
from .. import commands as c
from ..policy_register import PolicyRegister
from ..uow import Result, UnitOfWork
from . import handles


def catalogue_of(uow: UnitOfWork) -> clauses.Catalogue:
    register = uow.find(PolicyRegister)
    shipped = uow.app.catalogue
    if register is None or not register.documents:
        return shipped
    return built(uow.app.catalogues, shipped, register.documents)


def built(cache: dict, shipped: clauses.Catalogue, documents: list[dict]) -> clauses.Catalogue:
    """The shipped catalogue with these loaded documents applied in order (cached by their hashes)."""
    key = tuple(d["sha256"] for d in documents)
    catalogue = cache.get(key)
    if catalogue is None:
        catalogue = cache[key] = clauses.with_documents(shipped, documents)
    return catalogue


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@handles(c.PolicyLoad)
def _policy_load(uow: UnitOfWork, cmd: c.PolicyLoad, actor: str) -> Result:
    sha256 = sha256_of(cmd.content)
    register = uow.find(PolicyRegister)
    done = register.find(sha256) if register is not None else None
    if done is not None:
        return Result(_fields(done, catalogue_of(uow)), changed=False)
    current = catalogue_of(uow)
    on = dates.today()
    try:
        loaded = clauses.read(cmd.content, cmd.file_name, clauses.Origin(actor, on, sha256))
        after = current.with_document(loaded)
    except clauses.CatalogueError as exc:
        raise errors.invalid(f"政策文件未载入, 什么也没有写: {exc}") from exc
    document = loaded.clauses[0].document
    register = register or uow.add(PolicyRegister(actor=actor, on=on))
    register.load(document.id, document.doc_number, cmd.file_name, cmd.content, sha256, actor, on)
    fields = _fields(register.documents[-1], after)
    # A clause that starts keeping a lifetime total or yearly marks for a record it shares: its awards so far count.
    mine = [after.get(cl.id) for cl in loaded.clauses]
    shared = {cl.record for cl in mine if cl and cl.shares and (cl.platform or cl.once_every is not None)}
    if shared:
        from .upgrade import carry_earlier_awards

        carried = carry_earlier_awards(uow, after, actor, on, shared)
        if carried:
            fields["limits_carried"] = carried
    return Result(fields)


def _fields(entry: dict, catalogue: clauses.Catalogue) -> dict:
    mine = [cl for cl in catalogue if cl.document.sha256 == entry["sha256"]]
    superseded = sorted({cl.id for cl in catalogue for s in cl.superseded_by if s.successor in {m.id for m in mine}})
    return {
        "document": entry["document"],
        "doc_number": entry["doc_number"],
        "sha256": entry["sha256"],
        "loaded_by": entry["actor"],
        "loaded_on": entry["on"],
        "clauses": [cl.id for cl in mine],
        "supersedes": superseded,
    }
