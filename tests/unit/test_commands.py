"""``commands.build``: raw strings (from the command line or a batch line) become commands, or are refused.

Every write command is built from a minimal raw dict; each required field is
shown to be required, each malformed value to be ``INVALID_INPUT`` with a
message naming the field, and the batch conventions of cli.md (underscored
names, amounts as strings, years as numbers) are checked.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger import commands, keys
from ledger.errors import INVALID_INPUT, LedgerError

UNIT = "91350100M000100Y43"
WAN = 1_000_000  # 分 per 万元
PUBLIC_KEY = keys.encode_public(Ed25519PrivateKey.generate().public_key())

# Only the required fields of each write command, by the names users type.
MINIMAL: dict[str, dict[str, object]] = {
    "init": {},
    "role grant": {"actor": "li.ming", "role": "clerk"},
    "role revoke": {"actor": "li.ming", "role": "clerk"},
    "key rotate": {},
    "fund create": {"fund": "KJ-2024", "name": "市科技创新专项资金"},
    "fund scope": {"fund": "KJ-2024", "city": "青岛", "doc": "青财教〔2024〕3号"},
    "fund appropriate": {"fund": "KJ-2024", "year": "2024", "amount": "5000万", "doc": "青财教〔2024〕1号"},
    "unit register": {"code": UNIT, "name": "青岛某科技有限公司", "type": "enterprise"},
    "unit rename": {"code": UNIT, "name": "青岛某新科技有限公司", "doc": "更名-2024-1"},
    "apply": {"ref": "QD-2024-001", "unit": UNIT, "clause": "qd2024-01-common-tech", "amount": "300万"},
    "evaluate": {"ref": "QD-2024-001", "grade": "excellent"},
    "award": {"ref": "QD-2024-001", "amount": "300万", "fund": "KJ-2024", "doc": "青科字〔2024〕9号"},
    "reject": {"ref": "QD-2024-001", "reason": "材料不全"},
    "disburse": {"ref": "QD-2024-001", "amount": "50万", "voucher": "PZ-0001"},
    "approve": {"voucher": "PZ-0001"},
    "void": {"voucher": "PZ-0001", "reason": "重复录入"},
    "spend": {"ref": "QD-2024-001", "amount": "1,234.56", "category": "equipment", "voucher": "ZC-0001"},
    "recover": {"ref": "QD-2024-001", "amount": "10万", "voucher": "ZH-0001", "reason": "结余资金"},
    "reverse": {"voucher": "PZ-0001", "reason": "金额错误"},
    "invest": {"ref": "QD-2024-001", "amount": "100万", "stake": "5", "valuation": "2000万", "voucher": "TZ-0001"},
    "convert": {"ref": "QD-2024-001", "stake": "2.5", "valuation": "4000万", "doc": "转股-1"},
    "exit": {"ref": "QD-2024-001", "stake": "1", "proceeds": "80万", "voucher": "TC-0001"},
    "write-off": {"ref": "QD-2024-001", "reason": "项目终止"},
    "policy load": {"file-name": "talent.toml", "content": "[document]\n"},
    "close": {"year": "2024", "fund": "KJ-2024", "doc": "青财结〔2025〕1号"},
    "reopen": {"year": "2024", "fund": "KJ-2024", "doc": "青财开〔2025〕1号", "reason": "补记漏登拨付"},
    "cancel-award": {"ref": "QD-2024-001", "doc": "青科撤〔2024〕1号", "reason": "误记入青岛市资金"},
    "reduce-award": {"ref": "QD-2024-001", "amount": "200万", "doc": "青科调〔2024〕1号", "reason": "核减"},
    "correct": {"ref": "QD-2024-001", "doc": "更正-1", "reason": "金额录错"},
    "reevaluate": {"ref": "QD-2024-001", "grade": "good", "doc": "复评-1", "reason": "评分汇总有误"},
    "recharge": {"ref": "WH-2024-003", "fund": "WH", "doc": "青科变〔2024〕3号", "reason": "误记入青岛市资金"},
    "contract": {"ref": "QD-2024-001", "doc": "任务书-2024-1"},
    "milestone": {"ref": "QD-2024-001", "kind": "midterm", "result": "pass", "doc": "中检-2024-1"},
    "close-project": {"ref": "QD-2024-001", "result": "pass", "doc": "验收-2024-1"},
    "extend": {"ref": "QD-2024-001", "to": "2026-12-31", "doc": "变更-2024-1"},
    "adjust-budget": {"ref": "QD-2024-001", "from": "equipment", "to": "labor", "amount": "5万", "doc": "调剂-1"},
}

# Valid values for the optional fields.
OPTIONAL: dict[str, dict[str, object]] = {
    "init": {},
    "role grant": {"key": PUBLIC_KEY},
    "role revoke": {},
    "key rotate": {},
    "fund create": {
        "approval-threshold": "100万",
        "date": "2024-01-02",
        "approval-window": "30",
        "city": "威海",
        "clauses": "wh2018-6-star-space",
    },
    "fund scope": {"clauses": "qd2024-01-common-tech", "date": "2024-01-02"},
    "fund appropriate": {"date": "2024-01-15"},
    "unit register": {"region": "370200", "region-doc": "鲁科字〔2024〕1号", "date": "2024-01-02"},
    "unit rename": {"date": "2024-01-02"},
    "apply": {"base": "1000万", "date": "2024-01-15"},
    "evaluate": {"score": "88.5", "date": "2024-01-15"},
    "award": {
        "date": "2024-01-15",
        "mode": "mixed",
        "equity-amount": "100万",
        "exception-doc": "特批-1",
        "platform": "海洋药物全国重点实验室",
        "tranches": "60:signing,40:acceptance",
    },
    "reject": {"date": "2024-01-15"},
    "disburse": {"date": "2024-01-15"},
    "approve": {"date": "2024-01-15"},
    "void": {"date": "2024-01-15"},
    "spend": {"date": "2024-01-15"},
    "recover": {"date": "2024-01-15"},
    "reverse": {"date": "2024-01-15"},
    "invest": {"date": "2024-01-15"},
    "convert": {"date": "2024-01-15"},
    "exit": {"date": "2024-01-15"},
    "write-off": {"date": "2024-01-15", "doc": "青科核〔2024〕1号"},
    "policy load": {},
    "close": {"date": "2025-01-15"},
    "reopen": {"date": "2025-01-15"},
    "cancel-award": {"date": "2024-01-15"},
    "reduce-award": {"date": "2024-01-15"},
    "correct": {"amount": "80万", "clause": "qd2024-01-common-tech", "date": "2024-01-15"},
    "reevaluate": {"score": "88.5", "date": "2024-01-15"},
    "recharge": {"date": "2024-01-15"},
    "contract": {"end-date": "2026-12-31", "budget": "equipment:200万,indirect:100万", "date": "2024-06-01"},
    "milestone": {"date": "2024-06-01"},
    "close-project": {"voucher": "ZH-0002", "retain-doc": "留用-1", "date": "2024-12-01"},
    "extend": {"date": "2024-06-01"},
    "adjust-budget": {"date": "2024-06-01"},
}

# One malformed value for every field name users type.
MALFORMED: dict[str, object] = {
    "actor": "   ",
    "role": "emperor",
    "key": "rsa:AAAA",
    "fund": "KJ 2024",
    "name": "",
    "approval-threshold": "abc",
    "approval-window": "a month",
    "year": "24",
    "amount": "-5",
    "doc": "",
    "date": "2024/01/15",
    "code": "91350100M000100Y4",
    "type": "spaceship",
    "ref": "QD 2024",
    "unit": "91350100M000100Y44",
    "clause": "two words",
    "base": "0",
    "grade": "brilliant",
    "score": "101",
    "mode": "loan",
    "equity-amount": "1e5",
    "exception-doc": "a b",
    "platform": "two words",
    "reason": "\x00",
    "voucher": "",
    "tranches": "60:signing,30:acceptance",
    "end-date": "2026-02-30",
    "budget": "equipment",
    "kind": "party",
    "result": "maybe",
    "to": "31/12/2026",
    "from": "lunch",
    "retain-doc": "a b",
    "category": "snacks",
    "stake": "100.0001",
    "valuation": "NaN",
    "proceeds": "∞",
    "region": "370000",
    "region-doc": "a b",
    "file-name": "",
    "content": "   ",
    "city": "上海",
    "clauses": " , ",
}

ALL_FIELDS = [(name, f) for name in MINIMAL for f in [*MINIMAL[name], *OPTIONAL[name]]]
REQUIRED_FIELDS = [(name, f) for name, raw in MINIMAL.items() for f in raw]
DATED = [name for name, optional in OPTIONAL.items() if "date" in optional]


def refusal(name: str, raw: dict) -> LedgerError:
    with pytest.raises(LedgerError) as refused:
        commands.build(name, raw)
    return refused.value


def shanghai_today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def field_names(name: str) -> set[str]:
    cls = commands.WRITE_COMMANDS[name]
    return {f.metadata.get("flag") or f.name.replace("_", "-") for f in fields(cls)}


def test_the_tables_cover_every_write_command():
    assert set(MINIMAL) == set(commands.WRITE_COMMANDS)


@pytest.mark.parametrize("name", sorted(MINIMAL))
def test_the_tables_cover_every_field_of_the_command(name):
    assert set(MINIMAL[name]) | set(OPTIONAL[name]) == field_names(name)
    assert set(MINIMAL[name]) | set(OPTIONAL[name]) <= set(MALFORMED)


@pytest.mark.parametrize("name", sorted(MINIMAL))
def test_every_write_command_builds_from_its_required_fields(name):
    command = commands.build(name, MINIMAL[name])
    assert type(command) is commands.WRITE_COMMANDS[name]
    assert command.name == name


@pytest.mark.parametrize("name", sorted(MINIMAL))
def test_every_write_command_builds_with_all_its_optional_fields_too(name):
    command = commands.build(name, {**MINIMAL[name], **OPTIONAL[name]})
    assert type(command) is commands.WRITE_COMMANDS[name]


@pytest.mark.parametrize(("name", "missing"), REQUIRED_FIELDS)
def test_dropping_a_required_field_is_invalid_input_naming_it(name, missing):
    raw = {k: v for k, v in MINIMAL[name].items() if k != missing}
    error = refusal(name, raw)
    assert error.code == INVALID_INPUT
    assert f"缺少 {missing}" in error.message


@pytest.mark.parametrize(("name", "missing"), REQUIRED_FIELDS)
def test_a_required_field_given_as_null_counts_as_missing(name, missing):
    error = refusal(name, {**MINIMAL[name], missing: None})
    assert error.code == INVALID_INPUT
    assert f"缺少 {missing}" in error.message


@pytest.mark.parametrize("name", sorted(MINIMAL))
def test_an_unknown_field_is_invalid_input_naming_it(name):
    error = refusal(name, {**MINIMAL[name], "colour": "red"})
    assert error.code == INVALID_INPUT
    assert "未知字段 colour" in error.message


def test_a_misspelt_field_is_refused_rather_than_ignored():
    raw = {"ref": "QD-2024-001", "ammount": "50万", "amount": "50万", "voucher": "PZ-0001"}
    error = refusal("disburse", raw)
    assert error.code == INVALID_INPUT
    assert "ammount" in error.message


@pytest.mark.parametrize("name", ["grant", "fund-appropriate", "policy quote", ""])
def test_an_unknown_command_is_invalid_input(name):
    error = refusal(name, {})
    assert error.code == INVALID_INPUT
    assert "未知命令" in error.message


def test_the_built_command_carries_parsed_values():
    command = commands.build("disburse", {"ref": " QD-2024-001 ", "amount": "50万", "voucher": "PZ-0001"})
    assert command == commands.Disburse(ref="QD-2024-001", amount=50 * WAN, voucher="PZ-0001", date=None)


def test_a_lower_case_unit_code_is_upper_cased():
    command = commands.build("unit register", {**MINIMAL["unit register"], "code": UNIT.lower()})
    assert command.code == UNIT


def test_chinese_grades_and_stakes_are_stored_in_their_canonical_form():
    assert commands.build("evaluate", {"ref": "R-1", "grade": "优秀"}).grade == "excellent"
    assert commands.build("invest", MINIMAL["invest"]).stake == 50_000


@pytest.mark.parametrize(
    ("name", "underscored", "dashed", "value"),
    [
        ("fund create", "approval_threshold", "approval-threshold", "100万"),
        ("award", "equity_amount", "equity-amount", "100万"),
        ("award", "exception_doc", "exception-doc", "特批-1"),
        ("award", "platform", "platform", "海洋药物全国重点实验室"),
    ],
)
def test_batch_style_underscored_names_are_accepted_like_the_long_option(name, underscored, dashed, value):
    extra = {"mode": "mixed"} if name == "award" else {}
    with_underscore = commands.build(name, {**MINIMAL[name], **extra, underscored: value})
    with_dash = commands.build(name, {**MINIMAL[name], **extra, dashed: value})
    without = commands.build(name, {**MINIMAL[name], **extra})
    assert with_underscore == with_dash != without


def test_the_approval_threshold_is_parsed_as_an_amount():
    command = commands.build("fund create", {**MINIMAL["fund create"], "approval_threshold": "100万"})
    assert command.threshold == 100 * WAN


@pytest.mark.parametrize("amount", [5, 300000, 5.0, 1e5])
def test_a_number_where_an_amount_string_belongs_is_refused(amount):
    error = refusal("disburse", {**MINIMAL["disburse"], "amount": amount})
    assert error.code == INVALID_INPUT
    assert "amount" in error.message


@pytest.mark.parametrize("field", ["ref", "voucher"])
def test_a_number_where_a_key_belongs_is_refused(field):
    error = refusal("disburse", {**MINIMAL["disburse"], field: 123})
    assert error.code == INVALID_INPUT
    assert field in error.message


def test_an_integer_year_is_accepted_like_its_string():
    as_number = commands.build("fund appropriate", {**MINIMAL["fund appropriate"], "year": 2024})
    as_text = commands.build("fund appropriate", {**MINIMAL["fund appropriate"], "year": "2024"})
    assert as_number.year == as_text.year == 2024


@pytest.mark.parametrize("year", [True, 2024.0, 24, 1989, 2101, "２０２４x"])
def test_a_year_that_is_not_a_plausible_whole_year_is_refused(year):
    error = refusal("fund appropriate", {**MINIMAL["fund appropriate"], "year": year})
    assert error.code == INVALID_INPUT
    assert "year" in error.message


def test_an_appropriation_may_name_a_coming_year():
    next_year = shanghai_today().year + 1
    command = commands.build("fund appropriate", {**MINIMAL["fund appropriate"], "year": next_year})
    assert command.year == next_year


@pytest.mark.parametrize("name", DATED)
def test_a_date_after_today_is_invalid_input_naming_the_date(name):
    tomorrow = (shanghai_today() + timedelta(days=1)).isoformat()
    error = refusal(name, {**MINIMAL[name], "date": tomorrow})
    assert error.code == INVALID_INPUT
    assert f"{name} --date" in error.message
    assert "晚于今天" in error.message


@pytest.mark.parametrize("name", DATED)
def test_today_is_an_acceptable_effective_date(name):
    today = shanghai_today().isoformat()
    assert commands.build(name, {**MINIMAL[name], "date": today}).date == today


@pytest.mark.parametrize(("name", "field"), ALL_FIELDS)
def test_a_malformed_value_is_invalid_input_whose_message_names_the_field(name, field):
    raw = {**MINIMAL[name], **({"mode": "mixed"} if name == "award" else {}), field: MALFORMED[field]}
    error = refusal(name, raw)
    assert error.code == INVALID_INPUT
    assert field in error.message


@pytest.mark.parametrize(("given", "days"), [("30", 30), ("１５", 15), (" 7 ", 7), (366, 366), ("1", 1)])
def test_the_approval_window_is_a_number_of_days(given, days):
    command = commands.build("fund create", {**MINIMAL["fund create"], "approval_window": given})
    assert command.window == days
    assert commands.build("fund create", MINIMAL["fund create"]).window is None  # the fund's default: 30


@pytest.mark.parametrize("given", ["0", "367", "三十", "-5", "1.5", "", 0, True, 30.0])
def test_an_approval_window_that_is_not_1_to_366_days_is_refused(given):
    error = refusal("fund create", {**MINIMAL["fund create"], "approval-window": given})
    assert error.code == INVALID_INPUT and "approval-window" in error.message


def test_every_command_class_is_named_by_its_family_and_listed_under_its_own_name():
    """Command classes live by family and are made on first use (issue 26): the maps that find them agree."""
    import importlib
    from dataclasses import is_dataclass

    from ledger import commands

    found = {}
    for family in sorted(set(commands.FAMILY_OF.values())):
        module = importlib.import_module(f"ledger.command_families.{family}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, commands.Command) and value is not commands.Command:
                found[name] = family
                assert is_dataclass(value) and getattr(commands, name) is value
    assert found == commands.FAMILY_OF
    assert set(commands.CLASS_OF.values()) == set(commands.FAMILY_OF) - {"Seal"}  # seal: Ledger.seal only
    assert list(commands.WRITE_COMMANDS) == list(commands.CLASS_OF) and len(commands.WRITE_COMMANDS) == 36
    for name, cls in commands.WRITE_COMMANDS.items():
        assert cls.name == name and commands.CLASS_OF[name] == cls.__name__ and name in commands.WRITE_COMMANDS
    assert "seal" not in commands.WRITE_COMMANDS and commands.WRITE_COMMANDS.get("seal") is None
    with pytest.raises(AttributeError):
        commands.NoSuchCommand  # noqa: B018


def test_isa_is_isinstance_without_making_the_class():
    from ledger import commands

    disburse = commands.build("disburse", {"ref": "A", "amount": "1万", "voucher": "V"})
    assert commands.isa(disburse, "Disburse") and not commands.isa(disburse, "Init")
    assert commands.isa(commands.Init(), "Init") and not commands.isa(object(), "KeyRotate")


def test_every_command_has_a_handler_in_the_family_that_loads_it():
    """``HANDLERS`` imports a command's family on first use (``FAMILIES``); each family registers what it says."""
    from ledger import commands, handlers

    handlers.load_all()
    classes = [getattr(commands, name) for name in commands.FAMILY_OF]
    assert sorted(handlers.FAMILIES) == sorted(commands.FAMILY_OF)
    for cls in classes:
        handler = handlers.HANDLERS[cls]
        assert handler.__module__ == f"ledger.handlers.{handlers.FAMILIES[cls.__name__]}", cls
    with pytest.raises(KeyError):
        handlers.HANDLERS[int]


def test_snapshot_intervals_name_the_aggregates_by_topic():
    from ledger.caps import UnitCap
    from ledger.fund import FundYear
    from ledger.grant import Grant
    from ledger.service import GrantLedger

    intervals = GrantLedger.snapshotting_intervals
    assert intervals.get(FundYear) == intervals.get(UnitCap) == intervals[UnitCap] == 200
    assert FundYear in intervals and UnitCap in intervals and Grant not in intervals and intervals.get(Grant) is None


def test_an_approval_finds_the_waiting_acts_of_families_not_yet_loaded():
    """``approve``/``void`` ask ``second_person.act_of``, which imports the families that register there: in a
    process that loaded only the payments (a disburse, then an approval of a held exit), the exit is found."""
    import subprocess
    import sys

    code = (
        "import sys; from ledger.handlers import payments, second_person\n"
        "class Uow:\n    def find(self, cls, key): return None\n"
        "assert 'ledger.handlers.holds' not in sys.modules\n"
        "assert second_person.act_of(Uow(), 'X') is None\n"
        "print(sorted(m for m in sys.modules if m in ('ledger.handlers.corrections', 'ledger.handlers.holds',"
        " 'ledger.handlers.settlement')), len(second_person.MATCHERS))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "['ledger.handlers.corrections',",
        "'ledger.handlers.holds',",
        "'ledger.handlers.settlement']",
        "3",
    ]
