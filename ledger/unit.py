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
