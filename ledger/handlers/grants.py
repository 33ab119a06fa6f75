"""The application a command names, or ``NOT_FOUND``: kept apart from ``applications`` (which loads the catalogue,
the caps and the units) so that a payment, a spending or an equity act loads only what it uses (issue 26)."""

from __future__ import annotations

from .. import errors
from ..grant import Grant
from ..uow import UnitOfWork


def grant_of(uow: UnitOfWork, ref: str) -> Grant:
    grant = uow.find(Grant, ref)
    if grant is None:
        raise errors.not_found(f"申报 {ref} 不存在", ("application", ref))
    return grant
