"""Units (单位): the enterprises, universities and institutes that apply, by 统一社会信用代码."""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from .ids import key_id


class Unit(Aggregate):
    @staticmethod
    def create_id(code: str) -> object:
        return key_id("unit", code)

    @event("Registered")
    def __init__(self, code: str, name: str, type: str, actor: str, on: str):
        self.code = code
        self.name = name
        self.type = type

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
