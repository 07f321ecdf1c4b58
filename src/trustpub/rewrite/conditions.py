"""`if:` conditions when a step moves into a job of its own: what they read, how they combine.

A step's `if:` may read contexts a job-level `if:` cannot (steps, env, matrix, ...). A job-level
`if:` that calls a status function (`always()`, ...) loses GitHub's implicit `success()`, which the
step it came from had, so the combination adds `success()` back.
"""

from __future__ import annotations

import re
from typing import Any

# Contexts (and functions) a step's `if:` may use but a job's `if:` may not.
_STEP_ONLY = re.compile(
    r"\b(steps|env|matrix|strategy|runner|job|secrets)\s*[.\[]|\bhashFiles\s*\("
)
_STATUS = re.compile(r"\b(success|failure|always|cancelled)\s*\(\s*\)")
_OTHER_STATUS = re.compile(r"\b(failure|always|cancelled)\s*\(\s*\)")
_NEEDS = re.compile(r"\bneeds\s*\.\s*([A-Za-z_][\w-]*)|\bneeds\s*\[\s*'([^']+)'\s*\]")
_WRAPPED = re.compile(r"\$\{\{(.*)\}\}", re.DOTALL)
_QUOTED = re.compile(r"('(?:[^']|'')*')")


def expression(value: Any) -> str | None:
    """A condition as one line of expression text without a `${{ }}` wrapper (None: none)."""
    if value is None:
        return None
    text = ("true" if value else "false") if isinstance(value, bool) else _one_line(str(value))
    wrapped = _WRAPPED.fullmatch(text)
    if wrapped and "${{" not in wrapped.group(1) and "}}" not in wrapped.group(1):
        text = wrapped.group(1).strip()
    return text or None


def _one_line(text: str) -> str:
    """Collapse line breaks and runs of spaces, except inside '...' string literals."""
    parts = _QUOTED.split(text.strip())
    return "".join(p if p.startswith("'") else re.sub(r"\s+", " ", p) for p in parts)


def step_only_context(value: Any) -> str | None:
    """The first context in the condition that a job-level `if:` cannot read, or None."""
    text = expression(value)
    if text is None:
        return None
    if "${{" in text:
        return "a `${{ }}` expression mixed with text"
    found = _STEP_ONLY.search(text)
    return found.group(0).rstrip(".[( ") if found else None


def needed_jobs(text: str | None) -> list[str]:
    """The job ids a condition reads through `needs.<id>`."""
    if not text:
        return []
    ids = [a or b for a, b in _NEEDS.findall(text)]
    return list(dict.fromkeys(ids))


def combine(job_if: Any, step_if: Any) -> Any:
    """The `if:` of a job made from a step: the old job's condition and the step's, both kept.

    A lone condition is kept exactly as written; None means the job needs no `if:`.
    """
    job_text, step_text = expression(job_if), expression(step_if)
    parts = [t for t in (job_text, step_text) if t]
    # `success()` alone in the job's condition is what a job that needs the old one has anyway.
    needs_success = bool(job_text and _OTHER_STATUS.search(job_text)) and not (
        step_text and _STATUS.search(step_text)
    )
    if not parts:
        return None
    if len(parts) == 1 and not needs_success:
        lone = job_if if job_text else step_if
        return parts[0] if isinstance(lone, str) and "\n" in lone.strip() else lone
    joined = " && ".join(f"({p})" for p in parts)
    return f"success() && {joined}" if needs_success else joined


def same_condition(a: Any, b: Any) -> bool:
    return expression(a) == expression(b)


def implies(condition: Any, required: Any) -> bool:
    """True when `condition` visibly includes `required` (or nothing is required): every one of
    its `&&` terms (but `success()`, which a job that needs the upload's job has)."""
    need = expression(required)
    have = expression(condition) or ""
    if need is None or need == have:
        return True
    terms = set(conjuncts(have))
    return all(t in terms for t in conjuncts(need) if t != "success()")


def conjuncts(text: str | None) -> list[str]:
    """The terms of a condition joined by `&&` at its top level, each without the parentheses
    around it (`(a) && (b && c)` -> a, b, c); quoted strings are kept whole."""
    if not text:
        return []
    text = _unwrapped(text.strip())
    parts: list[str] = []
    depth, start, quoted = 0, 0, False
    for i, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and text.startswith("&&", i):
            parts.append(text[start:i])
            start = i + 2
    parts.append(text[start:])
    if len(parts) == 1:
        return [text]
    return [term for part in parts for term in conjuncts(part)]


def _unwrapped(text: str) -> str:
    """`(a && b)` -> `a && b`, when the parentheses enclose all of it."""
    while text.startswith("(") and text.endswith(")"):
        depth, quoted = 0, False
        for i, char in enumerate(text):
            if char == "'":
                quoted = not quoted
            elif not quoted and char == "(":
                depth += 1
            elif not quoted and char == ")":
                depth -= 1
                if depth == 0 and i < len(text) - 1:
                    return text
        text = text[1:-1].strip()
    return text


def after_earlier_job(condition: Any, earlier: str, others: list[str]) -> str | None:
    """The `if:` of a job that must wait for `earlier` but still run when `earlier` was skipped
    by its own condition (a TestPyPI upload that ran first in one job): every other job it needs
    succeeded, `earlier` succeeded or was skipped, and its own condition holds. None when its
    condition calls a status function other than `success()` (whose meaning would change)."""
    return after_earlier_jobs(condition, [earlier], others)


def after_earlier_jobs(condition: Any, earlier: list[str], others: list[str]) -> str | None:
    """`after_earlier_job` for several jobs that may each be skipped by their own condition."""
    terms = [t for t in conjuncts(expression(condition)) if t != "success()"]
    if any(_STATUS.search(t) for t in terms) or any("${{" in t for t in terms):
        return None
    parts = ["!cancelled()", *(f"needs.{n}.result == 'success'" for n in others)]
    for job in earlier:
        result = f"needs.{job}.result"
        parts.append(f"({result} == 'success' || {result} == 'skipped')")
    parts += [f"({t})" if "||" in t else t for t in terms]
    return "${{ " + " && ".join(parts) + " }}"  # plain YAML, though it starts with `!`


# Contexts whose values belong to the job a step runs in.
_JOB_CONTEXTS = re.compile(r"\b(steps|matrix|strategy|runner|job)\s*[.\[]")
_ENV_REF = re.compile(r"\benv\s*\.\s*([A-Za-z_][\w-]*)|\benv\s*\[\s*'([^']+)'\s*\]")
_ANY_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


def foreign_context(step: dict[str, Any], env_names: set[str]) -> str | None:
    """What a step reads from the job it runs in (other steps, the matrix, an `env` variable
    that neither the workflow nor the step sets), so it cannot run in another job; or None."""
    rest = {k: v for k, v in step.items() if k != "if"}
    texts = [m.group(1) for m in _ANY_EXPRESSION.finditer(str(rest))]
    texts.append(expression(step.get("if")) or "")
    own_env = step.get("env")
    names = env_names | (set(own_env) if isinstance(own_env, dict) else set())
    for text in texts:
        found = _JOB_CONTEXTS.search(text)
        if found:
            return found.group(1)
        for a, b in _ENV_REF.findall(text):
            if (a or b) not in names:
                return f"env.{a or b}"
    return None


def expressions_in(step: dict[str, Any]) -> list[str]:
    """The expression texts of a step: every `${{ }}` in it, and its `if:` (which may be
    written without one)."""
    rest = {k: v for k, v in step.items() if k != "if"}
    found = [m.group(1) for m in _ANY_EXPRESSION.finditer(str(rest))]
    return [*found, expression(step.get("if")) or ""]


def reads_context(text: str, context: str) -> bool:
    return re.search(rf"\b{re.escape(context)}\s*[.\[]", text) is not None


def step_ids(text: str) -> list[str]:
    """The ids of the steps whose outputs or outcome an expression reads (`steps.<id>`)."""
    return list(dict.fromkeys(a or b for a, b in _STEP_ID.findall(text)))


def env_names(text: str) -> list[str]:
    return list(dict.fromkeys(a or b for a, b in _ENV_REF.findall(text)))


_STEP_ID = re.compile(r"\bsteps\s*\.\s*([A-Za-z_][\w-]*)|\bsteps\s*\[\s*'([^']+)'\s*\]")
