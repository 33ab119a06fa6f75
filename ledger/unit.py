"""Units (单位): the enterprises, universities and institutes that apply, by 统一社会信用代码."""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from .ids import key_id


def division(code: str) -> str:
    """统一社会信用代码 characters 3–8: the registering authority's administrative division."""
    return code[2:8]


def needs_placing(code: str) -> bool:
    """A code from a provincial or national authority (division 370000, 100000 …) names no city."""
    return division(code).endswith("0000")


class Unit(Aggregate):
    @staticmethod
    def create_id(code: str) -> object:
        return key_id("unit", code)

    @event("Registered")
    def __init__(self, code: str, name: str, type: str, actor: str, on: str):
        self.code = code
        self.name = name
        self.type = type
        self.placed: str | None = None  # the region recorded by ``unit register --region`` (None: from the code)
        self.region_doc: str | None = None

    @property
    def region(self) -> str:
        """The administrative division the unit belongs to: recorded, or characters 3–8 of its code."""
        return self.placed or division(self.code)

    def place(self, region: str, doc: str, actor: str, on: str) -> bool:
        """Record the city of a unit registered by a provincial or national authority (its code says 370000…)."""
        if self.placed == region and self.region_doc == doc:
            return False
        self._placed(region=region, doc=doc, actor=actor, on=on)
        return True

    @event("Placed")
    def _placed(self, region: str, doc: str, actor: str, on: str) -> None:
        self.placed = region
        self.region_doc = doc

    def same_as(self, name: str, type: str) -> bool:
        return (self.name, self.type) == (name, type)

    def rename(self, name: str, doc: str, actor: str, on: str) -> bool:
        """A new registered name (更名), under the document that records it; the same again changes nothing."""
        if name == self.name:
            return False
        self._renamed(name=name, doc=doc, former=self.name, actor=actor, on=on)
        return True

    @event("Renamed")
    def _renamed(self, name: str, doc: str, former: str, actor: str, on: str) -> None:
        self.name = name
