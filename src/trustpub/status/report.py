"""The status report: one JSON-ready record per repository, rendered as a table, JSON or Markdown.

Text and Markdown render the records (not the objects), so a run resumed from the state file
shows the repositories an interrupted run already read exactly as it read them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from trustpub.report.facts import REGISTRATIONS_PER_DAY, registration_plan_note
from trustpub.status.model import STAGE_ORDER, RepositoryStatus, Row, Stage

SCHEMA = "https://github.com/trustpub/trustpub/schema/status"
SCHEMA_VERSION = 1
REGISTER_STAGES = {Stage.NEEDED.value, Stage.OPEN.value, Stage.CLOSED.value}
Record = dict[str, Any]


def record(status: RepositoryStatus) -> Record:
    return {
        "repository": status.repository,
        "origin": status.origin,
        "migration": status.migration.value,
        "migration_detail": status.migration_detail,
        "pull_request": status.pull_url,
        "stage": status.stage.value,
        "confirmed_by": status.confirmed,
        "rows": [_row(r) for r in status.rows],
        "secrets": [
            {
                "name": s.secret.name,
                "scope": s.secret.scope,
                "where": s.secret.where,
                "updated_at": s.secret.updated_at.isoformat() if s.secret.updated_at else None,
                "why": s.why,
                "deletable": s.deletable,
                "reason": s.reason,
            }
            for s in status.secrets
        ],
        "notes": list(status.notes),
    }


def _row(r: Row) -> Record:
    evidence = r.evidence
    return {
        "index": r.index,
        "project": r.project,
        "workflow": r.workflow,
        "environment": r.environment,
        "publishing": r.publishing.value if r.publishing else None,
        "publishing_detail": r.publishing_detail,
        "evidence": None
        if evidence is None
        else {
            "kind": evidence.kind,
            "version": evidence.version,
            "file": evidence.filename,
            "uploaded": evidence.uploaded.isoformat(),
            "text": evidence.text,
        },
        "next_action": r.action.text,
        "link": r.action.link,
        "register_url": r.register_url,
        "revoke_url": r.revoke_url,
        "stage": r.stage.value,
    }


def summary(records: Iterable[Record]) -> Record:
    records = list(records)
    stages = Counter(r["stage"] for r in records)
    registrations = sum(
        1
        for r in records
        for row in r["rows"]
        if row["stage"] in REGISTER_STAGES and row["project"]
    )
    return {
        "repositories": len(records),
        "stages": {s.value: stages[s.value] for s in STAGE_ORDER if stages[s.value]},
        "registrations_needed": registrations,
        "registration_days": math.ceil(registrations / REGISTRATIONS_PER_DAY),
    }


def registration_note(total: Record) -> str | None:
    return registration_plan_note(int(total["registrations_needed"]))


def moved(previous: Mapping[str, str], records: Iterable[Record]) -> list[Record]:
    """What changed stage since the previous complete run (new repositories included)."""
    changes = []
    for r in records:
        before = previous.get(r["repository"].lower())
        if before != r["stage"]:
            changes.append({"repository": r["repository"], "from": before, "to": r["stage"]})
    return changes


def document(
    records: list[Record],
    moves: list[Record] | None,
    deletions: list[Record],
    requests: Mapping[str, int],
    stopped: str | None,
) -> Record:
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "repositories": records,
        "summary": summary(records),
        "moved": moves,
        "deletions": deletions,
        "requests": dict(requests),
        "stopped": stopped,
    }


def text_lines(records: list[Record]) -> list[str]:
    """One block per repository: its migration, then one line per project and its next action."""
    lines = []
    for r in records:
        origin = f" (checkout {r['origin']})" if r.get("origin") else ""
        lines.append(f"{r['repository']}{origin}: {r['migration']}: {r['migration_detail']}")
        for row in r["rows"]:
            if row["project"]:
                what = f"{row['index']}:{row['project']}"
                publishing = row["publishing"] or ""
                if row["publishing_detail"]:
                    publishing += f" ({row['publishing_detail']})"
                lines.append(f"  {what}: {publishing}")
                if row["evidence"]:
                    lines.append(
                        f"    evidence ({row['evidence']['kind']}): {row['evidence']['text']}"
                    )
            link = f" ({row['link']})" if row["link"] else ""
            lines.append(f"  next: {row['next_action']}{link}")
        for s in r["secrets"]:
            verdict = "can be deleted" if s["deletable"] else "kept"
            lines.append(
                f"  old secret {s['name']} ({s['scope']} {s['where']}; {s['why']}): {verdict}: "
                f"{s['reason']}"
            )
    return lines


def summary_lines(total: Record, moves: list[Record] | None) -> list[str]:
    lines = [f"{total['repositories']} repositories:"]
    lines += [f"  {count:>4}  {stage}" for stage, count in total["stages"].items()]
    note = registration_note(total)
    if note:
        lines.append(note)
    if moves is not None:
        if moves:
            lines.append("moved since the previous run:")
            lines += [f"  {m['repository']}: {m['from'] or 'new'} -> {m['to']}" for m in moves]
        else:
            lines.append("nothing moved since the previous run")
    return lines


def markdown(records: list[Record], total: Record, moves: list[Record] | None) -> str:
    lines = [
        "| repository | project | migration | publishing | evidence | next action |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in records:
        migration = r["migration"] + (f" ([PR]({r['pull_request']}))" if r["pull_request"] else "")
        for row in r["rows"]:
            project = f"{row['index']}:`{row['project']}`" if row["project"] else ""
            evidence = row["evidence"]["kind"] if row["evidence"] else ""
            action = _cell(row["next_action"])
            if row["link"]:
                action += f" ([link]({row['link']}))"
            cells = (
                f"`{r['repository']}`",
                project,
                migration,
                _cell(row["publishing"] or ""),
                evidence,
                action,
            )
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", *[f"- {line.strip()}" for line in summary_lines(total, moves)]]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
