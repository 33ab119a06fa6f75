"""Verify's check lines as a clerk or an auditor reads them: each check's Chinese name and its outcome in words.

``projections.audit`` keeps each check's English name and value (``"hash chain": "ok"``): they are the JSON
keys and values scripts read (cli.md), and tests match them. A table shows ``哈希链  通过`` instead. A value
this table does not know is shown as it is, with only its leading ``ok`` / ``TAMPERED`` put into words.
"""

from __future__ import annotations

import re

CHECKS = {
    "hash chain": "哈希链",
    "signature check": "签名核验",
    "invariants": "不变量",
    "snapshots": "快照",
    "projections": "读模型",
    "trial balance": "试算平衡",
    "triggers": "数据库触发器",
    "policies": "载入的政策文件",
    "seals": "封存核对",
    "checkpoint": "封存文件核对",
    "witness": "留存封存核对",
    "database logins": "数据库登录",
    "since seal": "增量核对的封存",  # verify --since-seal (issue 26)
}

# The parenthesised details the checks write, in words (the numbers kept).
DETAILS = (
    (re.compile(r"^1–3 folded from events$"), "不变量 1–3 由事件独立累计"),
    (re.compile(r"^debits = credits = (.+)$"), r"借方 = 贷方 = \1"),
    (re.compile(r"^(\d+) loaded$"), r"已载入 \1 份"),
    (re.compile(r"^recorded since seq (\d+)$"), r"自日志位置 \1 起均有记录"),
    (re.compile(r"^(\d+), unsigned history before seq (\d+)$"), r"\1; 日志位置 \2 之前的早期事件未签名"),
)
NONE_YET = {"none recorded yet": "尚无记录"}


def check_name(name: str) -> str:
    return CHECKS.get(name, name)


def outcome(value: object) -> object:
    """``ok (3 loaded)`` → ``通过 (已载入 3 份)``; ``TAMPERED`` → ``未通过 (TAMPERED)``."""
    if not isinstance(value, str):
        return value
    if value in NONE_YET:
        return NONE_YET[value]
    head, _, rest = value.partition(" ")
    if head == "ok":
        word = "通过"
    elif head == "TAMPERED":
        word = "未通过 (TAMPERED)"
    else:
        return value
    detail = rest.strip()
    if detail.startswith("(") and detail.endswith(")"):
        inner = detail[1:-1]
        for pattern, words in DETAILS:
            if pattern.match(inner):
                inner = pattern.sub(words, inner)
                break
        detail = f"({inner})"
    return f"{word} {detail}" if detail else word


def keys_line(keys: dict) -> str:
    """How many keys the ledger made for people (代管) and how many people brought (本人保管)."""
    return f"代管 {keys.get('issued', 0)}, 本人保管 {keys.get('enrolled', 0)}"
