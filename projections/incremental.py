"""``verify --since-seal`` / ``--from-checkpoint FILE``: verify from a trusted seal, folding only what follows.

A seal written by this edition commits (signed, ``ledger.periods.seal_payload``) to the hash of a snapshot of
verify's own fold states at its position (``projections.resume``). Verifying from it:

1. the seal: the latest one in the log with a snapshot (or the auditor's file), not beyond the log's end, its
   signature made by the key its signer held there (``seals.authority`` against the snapshot's key bindings and
   roles, and the key among those the log's own Actor aggregate ever bound to them);
2. the snapshot: its stored bytes hash to what the seal signed, it names the seal's position and head, and its
   balances hash to the seal's state;
3. the chain and every signature from the seal on, the invariant fold and the re-decision started from the
   snapshot's states: an edit after the seal is named exactly as a full ``verify`` names it;
4. the read models, cheaply: the events after the seal folded by the projections into a scratch database
   seeded with the snapshot's ``origins`` of the aggregates they touch; the ``journal`` and history
   (``event_keys``) rows after the seal and those origins compared with the live ones (and the live ``origins``
   table's size with the sealed rows plus those made since), ``fund_balances`` and ``balances`` compared as the
   snapshot's balances plus the folded ones; the trial balance's sum, the append-only triggers and the policy
   documents as in a full verify; every seal written after it checked against the rebuild.

What it does not re-check (a full ``verify`` does): anything at or before the seal's position — the prefix is
trusted because the seal commits to it (an event edited there is not seen: the chain is checked from the seal's
head on); the running-total read models (awards, funds, units, caps, clause totals, equity, held acts,
projects, fund names), which only a rebuild from zero can restate; the journal and history rows of events
before the seal, and the origins the events since did not touch (beyond the table's size); the aggregates'
stored snapshots; seal files in a witness directory.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from ledger import errors
from ledger.money import format_human
from ledger.periods import state_hash

from . import finding_words as words
from . import resume, schema, seals, tracking
from .audit import (
    ChainCheck,
    Report,
    SignatureCheck,
    _rows,
    check_database,
    check_policies,
    check_seals,
    recorded_seals,
)
from .audit.scratch import discard, scratch_engine, unrebuildable
from .decoding import loads
from .invariants import InvariantCheck
from .query_parts import total
from .read_model import ReadModel
from .redecide import Redecide
from .runner import Progress, Projector

PAGE = 5000
# What the signature check remembers (``SignatureCheck``); its look-ahead and per-run fields are not kept.
SIGNATURE_FIELDS = ("current", "topics", "pending", "began", "names", "bound", "custody", "ever", "makers", "roles")
TAIL_TABLES = (schema.journal, schema.event_keys)  # appended rows, keyed by their event's seq


# -- taking a snapshot (``seal``) --------------------------------------------------------------------


def take(
    app: Any, position: int, head: str, balances: list[tuple], origins: list[tuple], live: Engine | None = None
) -> bytes | None:
    """verify's fold states after folding the log up to ``position`` (None when the chain or the signatures do
    not hold there: such a log is sealed without a snapshot, and only a full verify can judge it).

    With ``live``, the fold starts from the latest earlier seal whose snapshot checks exactly as ``--since-seal``
    checks it (signature, key bound to its signer, snapshot hash, head), so a seal costs what was written since
    the last one; without one, or when it does not check, from event zero. Either way the snapshot is the same
    bytes (``tests/integration/test_verify_since_seal.py``)."""
    started = _resumed_from_last_seal(app, live, position) if live is not None else None
    if started is not None:
        report, signatures, rules, check, after = started
    else:
        report = Report()
        signatures = SignatureCheck(app.recorder, report)
        rules = Redecide(app.recorder, app.catalogue)
        check = ChainCheck(report, position, None, signatures, rules)
        after = 0
    while after < position:
        rows = app.recorder.select_raw(after, PAGE, position, with_hashes=True)
        if not rows:
            break
        check.page(rows)
        after = rows[-1][0]
    if check.broken or signatures.broken or check.previous.hex() != head:  # (PostgreSQL's positions may have gaps)
        return None
    sections = resume.Sections()
    content = {
        "version": resume.VERSION,
        "position": position,
        "head": head,
        "chain": {"count": check.count},
        "report": {"signatures": report.signatures, "unsigned": report.unsigned, "signed_from": report.signed_from},
        "signatures": {name: resume.encode(getattr(signatures, name)) for name in SIGNATURE_FIELDS},
        "invariants": check.invariants.snapshot(sections),
        "rules": rules.snapshot(sections),
        "balances": sorted([list(r) for r in balances], key=lambda r: [str(v) for v in r]),
        "origins": {"section": sections.add(sorted((r[0], list(r[1:])) for r in origins)), "rows": len(origins)},
    }
    return resume.serialise(content, sections)


# -- verifying from one -----------------------------------------------------------------------------


def choose(app: Any, live: Engine, stop: int, checkpoint: dict | None) -> dict:
    """The seal to start from: the auditor's file, or the latest seal in the log that has a snapshot."""
    if checkpoint is not None:
        if not checkpoint.get("snapshot"):
            raise errors.invalid(
                f"--from-checkpoint {checkpoint.get('file', '')}: 这份封存 (第 {checkpoint['position']} 条) "
                "没有校验快照 (本版本之前写的封存): 不能用于增量核对; "
                "请运行完整的 verify (可加 --checkpoint), 或重新封存"
            )
        return checkpoint
    found = [s for s in recorded_seals(app, live) if s["position"] <= stop]
    usable = [s for s in found if s.get("snapshot")]
    if not usable:
        why = (
            f"日志中的 {len(found)} 个封存都没有校验快照 (本版本之前写的封存不能用于增量核对)"
            if found
            else "日志中还没有封存"
        )
        raise errors.invalid(f"--since-seal: 没有可用的封存: {why}; 请运行完整的 verify, 或先运行 seal")
    return usable[-1]


def verify_since(
    app: Any,
    live: Engine,
    progress: Progress | None = None,
    checkpoint: dict | None = None,
    stop: int | None = None,
    scratch_dir: str | None = None,
) -> Report:
    report = Report()
    if stop is None:
        stop = ReadModel(live, app.name).max_tracking_id(app.name) or 0
    log_end = app.recorder.max_notification_id() or 0
    seal = choose(app, live, stop, checkpoint)
    position = seal["position"]
    report.since = position
    label = f"{'封存文件' if checkpoint is not None else '日志中的封存'} (第 {position} 条)"
    resumed = _resume(app, live, seal, (log_end, stop), progress, report, label)
    if resumed is None:
        report.checks["since seal"] = "TAMPERED"
        return report
    signatures, rules, check, content = resumed
    report.checks["since seal"] = (
        f"ok (从第 {position} 条的封存起: 之前 {position} 条事件由封存担保, 之后逐条核对; 署名 {seal.get('signed_by')})"
    )
    engine, path = scratch_engine(scratch_dir, loose=True)
    try:
        written = [s for s in recorded_seals(app, live) if s["position"] >= position]
        try:
            found = _rebuild_tail(app, engine, position, stop, check, content, {s["position"] for s in written})
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return unrebuildable(report, rules, check, app.recorder, exc)
        check.finish(app.recorder)
        if written:
            check_seals(report, found, (log_end, stop), written, "seals", signatures.at_seals)
        with live.connect() as a, engine.connect() as b:
            _compare_tail(a, b, position, content, report, path)
        with live.connect() as conn:
            trial_balance(conn, report)
            check_database(conn, app, report)
        check_policies(app, report)
        if not check.broken:
            report.findings.extend(rules.findings)
    finally:
        discard(engine, path)
    return report


def _resume(
    app: Any, live: Engine, seal: dict, ends: tuple[int, int], progress: Progress | None, report: Report, label: str
) -> tuple[SignatureCheck, Redecide, ChainCheck, dict] | None:
    """verify's folds as the seal's snapshot left them, ready to go on from its position up to ``ends[1]`` (None,
    with a finding in ``report``, when the seal or its snapshot does not check)."""
    content = _snapshot(app, live, seal, ends, report, label)
    if content is None:
        return None
    position = seal["position"]
    signatures = SignatureCheck(app.recorder, report)
    for name in SIGNATURE_FIELDS:
        setattr(signatures, name, resume.decode(content["signatures"][name]))
    signatures.after = max(position, signatures.current[0] if signatures.current else 0)
    for name, value in content["report"].items():
        setattr(report, name, value)
    problem = seals.authority(seal, signatures.holders()) or _ever_bound(app, seal)
    if problem is not None:
        report.findings.append(f"{label}: {problem}")
        return None
    sections = content["sections"]
    rules = Redecide.from_snapshot(app.recorder, _catalogue(app, content), content["rules"], sections, position)
    check = ChainCheck(report, ends[1], progress, signatures, rules)
    check.previous, check.count = bytes.fromhex(content["head"]), content["chain"]["count"]
    check.resumed_at = position  # a hash left by an event deleted after the seal is still found
    check.invariants = InvariantCheck.from_snapshot(content["invariants"], sections)
    if check.invariants.finding:
        report.findings.append(check.invariants.finding)
    return signatures, rules, check, content


def _resumed_from_last_seal(app: Any, live: Engine, position: int) -> tuple | None:
    """For ``take``: verify's folds resumed from the latest earlier seal with a snapshot, as ``(report,
    signatures, rules, check, its position)``; None when there is none, or it does not check, or the fold there
    already holds a finding (then the new snapshot is folded from zero)."""
    earlier = [s for s in recorded_seals(app, live) if s.get("snapshot") and 0 < s["position"] < position]
    if not earlier:
        return None
    seal = earlier[-1]
    report = Report()
    try:
        resumed = _resume(app, live, seal, (position, position), None, report, "")
    except (KeyError, TypeError, ValueError, AttributeError):  # a snapshot the folds cannot read: start over
        return None
    if resumed is None or report.findings:
        return None
    signatures, rules, check, _ = resumed
    return report, signatures, rules, check, seal["position"]


def _snapshot(app: Any, live: Engine, seal: dict, ends: tuple[int, int], report: Report, label: str) -> dict | None:
    """The seal's snapshot, read and checked against what the seal signed (None, with a finding, when not)."""
    position, (log_end, stop) = seal["position"], ends
    problem = None
    if position > log_end:
        problem = (
            f"日志比您持有的封存记录短: 日志到第 {log_end} 条, 封存在第 {position} 条。"
            "日志被截短, 或数据库被换成了较早的备份"
        )
    elif position > stop:
        problem = f"读模型只到第 {stop} 条, 未能从第 {position} 条的封存起核对 (先运行 replay)"
    elif seal.get("signature") and not seals.seal_signed(seal):  # before its snapshot is even read
        problem = "签名与内容不符: 不是以署名人名义对位置、链头、余额哈希和校验快照哈希的签名 (被改动或伪造)"
    else:
        with live.connect() as conn:
            body = resume.load(conn, position)
        if body is None:
            problem = "封存签署的校验快照不在数据库中 (被删除): 无法从封存起核对, 请运行完整的 verify"
        elif resume.digest(body) != seal["snapshot"]:
            problem = f"校验快照被改动: 其哈希 {resume.digest(body)[:16]}… 不是封存签署的 {seal['snapshot'][:16]}…"
        else:
            content, sections = resume.parse(body)
            content["sections"] = sections
            if content.get("position") != position or content.get("head") != seal["head"]:
                problem = "校验快照写的位置或链头与封存不符: 伪造的快照"
            elif state_hash(tuple(r) for r in content["balances"]) != seal["state"]:
                problem = "校验快照中的余额不再得到封存的余额哈希: 伪造的快照"
            elif seals.head_at(app.recorder, position) != seal["head"] if position else False:
                problem = f"日志已不再经过封存的链头 {seal['head'][:16]}…: 封存所在的事件被改写过, 或封存是伪造的"
            else:
                return content
    report.findings.append(f"{label}: {problem}")
    return None


def _ever_bound(app: Any, seal: dict) -> str | None:
    """The seal's key must be one the log's Actor aggregate of its signer bound at some point (the snapshot's
    bindings come from the same snapshot the seal vouches for: this asks the log itself)."""
    if not seal.get("signature"):
        return None
    from ledger.actors import Actor

    try:
        actor = app.repository.get(Actor.create_id(seal.get("signed_by") or "?"))
    except Exception:  # no such person in the log
        return f"署名 {seal.get('signed_by')}, 但日志中没有这个人: 伪造的封存"
    if seal.get("key") not in (getattr(actor, "keys", None) or []):
        return f"署名 {seal.get('signed_by')}, 但日志从未把签名的钥匙绑定给此人: 伪造的封存"
    return None


def _catalogue(app: Any, content: dict) -> Any:
    """The catalogue as it stood at the seal: shipped clauses and the documents the snapshot names, read again
    from the log's policy register in the order they were loaded."""
    from ledger import clauses
    from ledger.policy_register import PolicyRegister
    from ledger.uow import UnitOfWork

    wanted = set(content["rules"]["documents"])
    catalogue = app.catalogue
    register = UnitOfWork(app).find(PolicyRegister) if wanted else None
    for d in register.documents if register is not None else []:
        if d["document"] not in wanted:
            continue
        try:
            loaded = clauses.read(d["text"], d["file_name"], clauses.Origin(d["actor"], d["on"], d["sha256"]))
            catalogue = catalogue.with_document(loaded)
        except clauses.CatalogueError:
            continue  # the re-decision named it when it was loaded; check_policies names it again
    return catalogue


def _rebuild_tail(
    app: Any, engine: Engine, position: int, stop: int, check: ChainCheck, content: dict, marks: set[int]
) -> dict[int, tuple]:
    read_model = ReadModel(engine, app.name)
    with engine.begin() as conn:
        read_model.ensure_tracking(conn)
        tracking.set_all(conn, position)
        # the origins the events after the seal need: theirs, as the snapshot has them (the rest is not read)
        sealed = content["sections"].view(content["origins"]["section"])
        touched = {bytes(row[1]) for row in app.recorder.select_raw(position, max(stop - position, 1), stop)}
        rows = [(key, *loads(found)) for key in sorted(touched) if (found := sealed.pop(key)) is not None]
        content["origins_seeded"] = {row[0] for row in rows}
        cursor = conn.connection.driver_connection.cursor()
        cursor.executemany("INSERT INTO origins VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        cursor.close()
    projector = Projector(app, read_model)
    noted: dict[int, tuple] = {}
    if position in marks:
        noted[position] = (
            content["head"],
            state_hash(tuple(r) for r in content["balances"]),
            check.signatures.holders(),
        )
    for mark in sorted(m for m in marks if position < m <= stop):
        projector.fill(stop=mark, check=check.page)
        with engine.connect() as conn:
            noted[mark] = (check.previous.hex(), state_hash(_balances(conn, content)), check.signatures.holders())
    projector.fill(stop=stop, check=check.page)
    return noted


def _balances(scratch, content: dict) -> list[tuple]:
    """The snapshot's ``fund_balances`` plus what the events after it posted."""
    b = schema.fund_balances.c
    totals: dict[tuple, list[int]] = {}
    for account, fund, year, debit, credit in content["balances"]:
        totals[(account, fund, year)] = [debit, credit]
    for account, fund, year, debit, credit in scratch.execute(select(b.account, b.fund, b.year, b.debit, b.credit)):
        row = totals.setdefault((account, fund, year), [0, 0])
        row[0] += debit or 0
        row[1] += credit or 0
    return [(*k, *v) for k, v in totals.items()]


def _compare_tail(live, scratch, position: int, content: dict, report: Report, path: str) -> None:
    """The read models as far as the tail can restate them (see the module's docstring)."""
    if _compare_origins(live, scratch, content, report):
        return
    live.rollback()  # no transaction left open on the live connection: SQLite cannot detach within one
    for table in TAIL_TABLES:
        if live.dialect.name == "sqlite" and not _differs_in_sqlite(live, table, path, position):
            continue  # SQLite compared them in C and found them equal
        if _compare_rows(live, scratch, table, report, position):
            return
    derived = {(a, f, y): (d, c) for a, f, y, d, c in _balances(scratch, content) if d or c}
    b = schema.fund_balances.c
    stored = {
        (a, f, y): (d, c)
        for a, f, y, d, c in live.execute(select(b.account, b.fund, b.year, b.debit, b.credit))
        if d or c
    }
    for key in sorted(set(derived) | set(stored), key=lambda k: [str(v) for v in k]):
        if derived.get(key) != stored.get(key):
            where = ", ".join(map(words.value, key))
            report.findings.append(
                f"{words.table('fund_balances')} 的行 ({where}) 与封存时的余额加上封存之后的事件不符: "
                f"现存 {words.row(stored.get(key))} ≠ 重建 {words.row(derived.get(key))}"
            )
            report.checks["projections"] = "TAMPERED"
            return
    accounts: dict[str, list[int]] = {}
    for (account, _, _), (d, c) in derived.items():
        row = accounts.setdefault(account, [0, 0])
        row[0], row[1] = row[0] + d, row[1] + c
    bal = schema.balances.c
    for account, d, c in live.execute(select(bal.account, bal.debit, bal.credit)):
        if tuple(accounts.pop(account, (0, 0))) != (d, c) and (d or c or account in accounts):
            report.findings.append(f"{words.table('balances')} 的行 ({account}) 与封存时的余额加上封存之后的事件不符")
            report.checks["projections"] = "TAMPERED"
            return
    if any(d or c for d, c in accounts.values()):
        account = next(a for a, (d, c) in accounts.items() if d or c)
        report.findings.append(f"{words.table('balances')} 的行 ({account}) 在现存的读模型中不见了")
        report.checks["projections"] = "TAMPERED"
        return
    report.checks["projections"] = "ok (封存之后的日记账、历史和来源逐行比对; 余额 = 封存时余额 + 之后的过账)"


def _compare_origins(live, scratch, content: dict, report: Report) -> bool:
    """Each origin the events after the seal touched (as the snapshot had it, then folded) against the live row,
    and the live table's size against the seal's rows plus those made since; True when they differ."""
    o = schema.origins
    rebuilt = {bytes(r[0]): tuple(r) for r in scratch.execute(select(*o.columns))}
    scratch.rollback()  # no read left open on the scratch file: SQLite attaches it next
    keys = sorted(rebuilt)
    found: dict[bytes, tuple] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            (bytes(r[0]), (bytes(r[0]), *r[1:]))
            for r in live.execute(select(*o.columns).where(o.c.originator_id.in_(chunk)))
        )
    for key in keys:
        a, b = found.get(key), rebuilt[key]
        if a != b:
            report.findings.append(words.row_problem(o, 1, a, b))
            report.checks["projections"] = "TAMPERED"
            return True
    made = sum(1 for key in keys if key not in content["origins_seeded"])
    wanted = content["origins"]["rows"] + made
    here = live.execute(select(func.count()).select_from(o)).scalar()
    if here != wanted:
        report.findings.append(
            f"{words.table('origins')} 有 {here} 行, 而不是封存时的 {content['origins']['rows']} 行加上之后新增的 "
            f"{made} 行: 有人绕过账本{'添加' if here > wanted else '删除'}了行"
        )
        report.checks["projections"] = "TAMPERED"
        return True
    return False


def trial_balance(conn, report: Report) -> None:
    """The trial balance sums to zero (``audit.check_books``' first half: its second, the journal against the
    balances, is here the journal after the seal row by row and the balances as sealed plus posted since)."""
    b = schema.balances.c
    debit, credit = conn.execute(select(total(b.debit), total(b.credit))).one()
    if debit != credit:
        report.findings.append(f"试算不平衡: 借方合计 {format_human(debit)}, 贷方合计 {format_human(credit)}")
        report.checks["trial balance"] = "TAMPERED"
        return
    report.checks["trial balance"] = f"ok (debits = credits = {format_human(debit)}; 日记账仅核对封存之后的部分)"


def _differs_in_sqlite(live, table, path: str, after: int | None) -> bool:
    """As ``audit._differs_in_sqlite``, over the live rows of events after ``after`` (all rows when None): as
    many as the rebuild holds, and each rebuilt row found by its key among them."""
    name = table.name
    where = f' WHERE m."seq" > {int(after)}' if after is not None else ""
    cursor = live.connection.driver_connection.cursor()
    try:
        cursor.execute("ATTACH DATABASE ? AS scratch", (path,))
        try:
            cursor.execute(
                f'SELECT (SELECT count(*) FROM main."{name}" m{where}), (SELECT count(*) FROM scratch."{name}")'
            )
            here, there = cursor.fetchone()
            if here != there:
                return True
            keys = " AND ".join(f'm."{c.name}" = s."{c.name}"' for c in table.primary_key.columns)
            same = " AND ".join(f'm."{c.name}" IS s."{c.name}"' for c in table.columns)
            cursor.execute(
                f'SELECT 1 FROM scratch."{name}" s WHERE NOT EXISTS '
                f'(SELECT 1 FROM main."{name}" m WHERE {keys} AND {same}) LIMIT 1'
            )
            return cursor.fetchone() is not None
        finally:
            cursor.execute("DETACH DATABASE scratch")
    finally:
        cursor.close()


def _compare_rows(live, scratch, table, report: Report, after: int | None) -> bool:
    """Row by row in key order (only rows of events after ``after``, when given); True when they differ."""
    keys = len(table.primary_key.columns)
    order = list(table.primary_key.columns)
    query = select(*table.columns).order_by(*order)
    live_query = query.where(table.c.seq > after) if after is not None else query
    a_rows = (tuple(r) for r in live.execute(live_query))
    b_rows = (tuple(r) for r in scratch.execute(query)) if after is not None else _rows(scratch, table)
    if after is None:
        a_rows = _rows(live, table)
    while True:
        a, b = next(a_rows, None), next(b_rows, None)
        if a is None and b is None:
            return False
        if a != b:
            report.findings.append(words.row_problem(table, keys, a, b))
            report.checks["projections"] = "TAMPERED"
            return True
