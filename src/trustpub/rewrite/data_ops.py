"""The data half of a `Patch`: each operation's mutation of the plain data.

The verifier checks that the new text parses to exactly the data these mutations make. They run
on a copy of the original data, in the order the operations were made, and address sequence
items by their index in the original document (`Slot`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trustpub.rewrite.document import Path
from trustpub.rewrite.render import Commented, Flow, Literal

DataOp = Callable[[Any], None]


@dataclass
class Slot:
    """A sequence item's place in the intended data while items around it are removed or added.

    Data operations address sequence items by their original index; a slot keeps that index valid
    until `expected_data` settles every slot into the plain list.
    """

    item: Any
    removed: bool = False
    before: list[Any] = field(default_factory=list)
    after: list[Any] = field(default_factory=list)

    def settled(self) -> list[Any]:
        return [*self.before, *([] if self.removed else [self.item]), *self.after]


def value_at(data: Any, path: Path) -> Any:
    """The value at `path` in data that data operations are changing (a slot's item, for a slot)."""
    for part in path:
        data = data[part]
        if isinstance(data, Slot):
            data = data.item
    return data


def slot_at(data: Any, seq_path: Path, index: int) -> Slot:
    """The slot of the item at `index` in the sequence at `seq_path` (made on first use)."""
    seq = value_at(data, seq_path)
    if not isinstance(seq[index], Slot):
        seq[index] = Slot(seq[index])
    slot: Slot = seq[index]
    return slot


def settle_slots(data: Any) -> Any:
    """The data with every slot replaced by the items it settled into."""
    if isinstance(data, dict):
        return {k: settle_slots(v) for k, v in data.items()}
    if isinstance(data, list):
        items = [x for item in data for x in (item.settled() if isinstance(item, Slot) else [item])]
        return [settle_slots(item) for item in items]
    return data


def plain_data(value: Any) -> Any:
    """The data a value to render reads as, without its comments and styles."""
    if isinstance(value, Commented):
        return plain_data(value.value)
    if isinstance(value, Literal):
        return value.value
    if isinstance(value, Flow):
        return plain_data(list(value.items))
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    return value
