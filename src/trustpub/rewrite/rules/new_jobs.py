"""Jobs trustpub adds to a workflow, written as text in the file's own style with their data."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from trustpub.rewrite.data_ops import plain_data
from trustpub.rewrite.document import Style
from trustpub.rewrite.render import render_entries, render_flow_scalar
from trustpub.rewrite.restructure import TakenItem


@dataclass
class AnnotatedStep:
    """A new step written below comment lines that came from where it comes from."""

    comments: list[str]
    step: dict[str, Any]


# A step of a new job: new (a dict, rendered, maybe below comments) or moved or copied from
# elsewhere (text kept).
NewStep = dict[str, Any] | TakenItem | AnnotatedStep


@dataclass
class NewJob:
    id: str
    header: dict[str, Any]  # the entries before `steps:`, in order
    steps: list[NewStep] = field(default_factory=list)
    # Comment lines written above a header entry (those of an `if:` lifted from a step).
    comments: dict[str, list[str]] = field(default_factory=dict)

    def lines(self, column: int, style: Style) -> list[str]:
        body = column + style.indent
        dash = body + style.seq_offset
        lines = [f"{' ' * column}{render_flow_scalar(self.id, flow=False)}:"]
        for key, value in self.header.items():
            lines += [f"{' ' * body}{c}" for c in self.comments.get(key, [])]
            lines += render_entries({key: value}, body, style)
        lines.append(f"{' ' * body}steps:")
        for step in self.steps:
            if isinstance(step, TakenItem):
                lines += step.lines
            elif isinstance(step, AnnotatedStep):
                lines += [f"{' ' * dash}{c}" for c in step.comments]
                lines += item_lines(step.step, dash, style)
            else:
                lines += item_lines(step, dash, style)
        return lines

    def value(self) -> dict[str, Any]:
        """The job's data; moved steps are read from the data as the patch left them."""
        steps = [_step_value(s) for s in self.steps]
        plain: dict[str, Any] = plain_data(self.header)
        return {**plain, "steps": steps}


def _step_value(step: NewStep) -> Any:
    if isinstance(step, TakenItem):
        return step.value()
    return plain_data(step.step if isinstance(step, AnnotatedStep) else step)


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
