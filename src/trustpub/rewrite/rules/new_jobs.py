"""Jobs trustpub adds to a workflow, written as text in the file's own style with their data."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from trustpub.rewrite.document import Style
from trustpub.rewrite.edits import _plain
from trustpub.rewrite.render import render_entries, render_flow_scalar
from trustpub.rewrite.restructure import TakenItem

# A step of a new job: new (a dict, rendered) or moved or copied from elsewhere (text kept).
NewStep = dict[str, Any] | TakenItem


@dataclass
class NewJob:
    id: str
    header: dict[str, Any]  # the entries before `steps:`, in order
    steps: list[NewStep] = field(default_factory=list)

    def lines(self, column: int, style: Style) -> list[str]:
        body = column + style.indent
        dash = body + style.seq_offset
        lines = [f"{' ' * column}{render_flow_scalar(self.id, flow=False)}:"]
        lines += render_entries(self.header, body, style)
        lines.append(f"{' ' * body}steps:")
        for step in self.steps:
            lines += step.lines if isinstance(step, TakenItem) else item_lines(step, dash, style)
        return lines

    def value(self) -> dict[str, Any]:
        """The job's data; moved steps are read from the data as the patch left them."""
        steps = [s.value() if isinstance(s, TakenItem) else _plain(s) for s in self.steps]
        plain: dict[str, Any] = _plain(self.header)
        return {**plain, "steps": steps}


def item_lines(value: dict[str, Any], dash_column: int, style: Style) -> list[str]:
    """A new sequence item whose dash sits at `dash_column`."""
    flat = replace(style, seq_offset=0)
    lines = render_entries({"x": [value]}, 0, flat)[1:]
    return [" " * dash_column + line if line else line for line in lines]


def jobs_text(jobs: list[NewJob], column: int, style: Style, blank_lines: bool) -> list[str]:
    lines: list[str] = []
    for job in jobs:
        lines += ([""] if blank_lines else []) + job.lines(column, style)
    return lines
