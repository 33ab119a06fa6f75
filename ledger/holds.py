"""Equity acts held for a second person (issue 24, item 5): an exit or a write-off at or above the fund's
approval threshold waits, like a payment, until another person approves it.

An exit is held when the money it moves reaches the threshold — its proceeds, or the cost of the stake it
sells (an exit at a deep loss moves that cost out of the books); a write-off when the cost it writes off does.
The proposal is ``Grant.EquityActHeld`` under the exit's voucher or the write-off's document number; ``approve
KEY`` (an approver or an admin, not the maker, not with the maker's key) records ``Grant.EquityActApproved``
and then the exit or write-off itself, as if entered then; ``void KEY --reason`` withdraws it
(``Grant.EquityActVoided``). While one waits, the stake it would sell is not sold twice.
"""

from __future__ import annotations

from typing import Any

from . import errors
from .errors import LedgerError
from .money import format_human
from .values import format_stake

EXIT, WRITE_OFF = "exit", "write-off"
WORDS = {EXIT: "股权退出", WRITE_OFF: "股权核销"}


def held_acts(grant: Any) -> dict[str, dict]:
    return getattr(grant, "held_acts", None) or {}


def waiting(grant: Any) -> list[tuple[str, dict]]:
    return [(key, act) for key, act in held_acts(grant).items() if act["status"] == "pending"]


def reserved_stake(grant: Any) -> int:
    return sum(act["stake"] for _, act in waiting(grant))


def check_exit(grant: Any, stake: int) -> None:
    """Refuse an exit that would sell a stake already waiting to be sold, or one waiting to be written off."""
    acts = waiting(grant)
    if any(act["kind"] == WRITE_OFF for _, act in acts):
        key = next(k for k, act in acts if act["kind"] == WRITE_OFF)
        raise LedgerError(errors.INVALID_STATE, f"申报 {grant.ref} 的股权核销 {key} 待审批, 审批或作废后再退出")
    reserved = reserved_stake(grant)
    if reserved and stake > grant.equity["stake"] - reserved:
        raise LedgerError(
            errors.EXCEEDS_AVAILABLE,
            f"申报 {grant.ref} 持股 {format_stake(grant.equity['stake'])}%, "
            f"其中 {format_stake(reserved)}% 的退出待审批 ({'、'.join(k for k, _ in acts)}); "
            f"本次不能再退出 {format_stake(stake)}%",
        )


def check_write_off(grant: Any) -> None:
    acts = waiting(grant)
    if acts:
        raise LedgerError(
            errors.INVALID_STATE,
            f"申报 {grant.ref} 有待审批的{WORDS[acts[0][1]['kind']]} {acts[0][0]}, 审批或作废后再核销",
        )


def exit_is_held(proceeds: int, cost: int, threshold: int) -> bool:
    return max(proceeds, cost) >= threshold


def held_note(kind: str, key: str, amount: int, threshold: int, fund: str) -> str:
    return (
        f"{WORDS[kind]} {key} 待审批: 金额 {format_human(amount)} 达到资金 {fund} 的审批阈值 "
        f"{format_human(threshold)}, 须由另一名审批人审批 (approve {key}) 后生效"
    )


def check_second_person(key: str, act: dict, actor: str) -> None:
    if actor == act["maker"]:
        raise LedgerError(
            errors.SAME_ACTOR, f"{WORDS[act['kind']]} {key} 由 {actor} 经办, 须由另一名审批人审批 (不相容岗位分离)"
        )
