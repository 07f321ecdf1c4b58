"""How a step writes with its job's token: `github_token.py`'s knowledge applied to one step.

A known action writes with the job's token when it is given it (an input, its `env:`) or takes
it by default; an unknown one when it is handed the token or its name says it writes. A command
writes with it when git pushes with what actions/checkout persisted, or when the token reaches
it (`GH_TOKEN`, a docker login). A step given a token of its own does not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trustpub.rewrite import github_token as registry
from trustpub.rewrite.commands import shell_commands
from trustpub.rewrite.github_token import TokenSource, WriteUse
from trustpub.rewrite.rules.upload_steps import shell
from trustpub.rewrite.workflow import Job, Step, Workflow


@dataclass(frozen=True)
class WriteStep:
    """A step that writes with the job's token: what it does, with which scopes."""

    step: Step
    use: WriteUse

    def describe(self) -> str:
        scopes = ", ".join(f"`{s}: write`" for s in sorted(self.use.scopes)) or "any scope"
        return f"{step_name(self.step)} (line {self.step.line}) {self.use.what} ({scopes})"


def writes(workflow: Workflow, job: Job, step: Step) -> list[WriteStep]:
    """How the step writes with the job's own token (empty: it does not, or not with it)."""
    if step.uses:
        use = _action_use(workflow, job, step)
        return [WriteStep(step, use)] if use is not None else []
    run = step.data.get("run")
    if not isinstance(run, str):
        return []
    found = [
        WriteStep(step, c.use)
        for c in registry.COMMANDS
        if c.pattern.search(run) and _job_token(workflow, job, step, c.source)
    ]
    if not found and _hands_token(step) and not _tokenless(workflow, job, step, run):
        found.append(WriteStep(step, registry.ANY))
    return list({w.use: w for w in found}.values())


# -- actions -----------------------------------------------------------------------------------


def _action_use(workflow: Workflow, job: Job, step: Step) -> WriteUse | None:
    action = step.action
    known = registry.ACTIONS.get(action)
    if known is not None:
        if any(not p.search(str(step.with_.get(k, ""))) for k, p in known.requires.items()):
            return None
        if known.source is TokenSource.GIT:
            return known.use if _git_token(workflow, job, step) else None
        return known.use if _input_token(workflow, job, step, known) else None
    if action in registry.READING_ACTIONS or action.startswith(("./", "docker://")):
        return None
    if _hands_token(step) and not registry.READING_NAME.search(action):
        return registry.ANY
    if registry.WRITING_NAME.search(action) and not _other_token_given(step):
        return registry.ANY
    return None


def _input_token(workflow: Workflow, job: Job, step: Step, known: registry.ActionUse) -> bool:
    """True when the action writes with the job's token (its input, its env, or by default)."""
    for name in known.inputs:
        if name in step.with_:
            return _is_default(step.with_[name])
    for name in known.env:
        value = env_value(workflow, job, step, name)
        if value is not None:
            return _is_default(value)
    return known.default_token


def _hands_token(step: Step) -> bool:
    """True when the step is given the job's token explicitly (an input or its `env:`)."""
    return any(_is_default(v) for v in (*step.with_.values(), *step.env.values()))


def _other_token_given(step: Step) -> bool:
    values = (*step.with_.values(), *step.env.values())
    return any("secrets." in str(v) and not _is_default(v) for v in values)


# -- commands ----------------------------------------------------------------------------------


def _job_token(workflow: Workflow, job: Job, step: Step, source: TokenSource) -> bool:
    if source is TokenSource.GH:
        for name in registry.GH_TOKEN_ENV:
            value = env_value(workflow, job, step, name)
            if value is not None:
                return _is_default(value)
        return True  # set elsewhere (a `$GITHUB_ENV` line, the script): it may be the job's
    if source is TokenSource.GIT:
        return _git_token(workflow, job, step)
    return _docker_token(workflow, job, step)


def _git_token(workflow: Workflow, job: Job, step: Step) -> bool:
    """True when git pushes with the job's token: what actions/checkout persisted, unless the
    step sets up a remote with another token (or without credentials, an SSH key)."""
    text = str(step.data)
    if "@github.com" in text or "ssh-agent" in text:
        return bool(registry.DEFAULT_TOKEN.search(text)) or any(
            _is_default(env_value(workflow, job, step, name) or "")
            for name in registry.GH_TOKEN_ENV
            if f"${name}" in text or f"${{{name}}}" in text
        )
    checkout = last_checkout(job, step)
    if checkout is None:
        return bool(registry.DEFAULT_TOKEN.search(text))
    inputs = checkout.with_
    if inputs.get("ssh-key") or str(inputs.get("persist-credentials", "true")).lower() == "false":
        return bool(registry.DEFAULT_TOKEN.search(text))
    return "token" not in inputs or _is_default(inputs["token"])


def _docker_token(workflow: Workflow, job: Job, step: Step) -> bool:
    if registry.DEFAULT_TOKEN.search(str(step.data)):
        return True
    for earlier in job.steps():
        if earlier.index >= step.index:
            break
        if earlier.action == "docker/login-action" and _action_use(workflow, job, earlier):
            return True
        run = earlier.data.get("run")
        if isinstance(run, str) and "ghcr.io" in run and registry.DEFAULT_TOKEN.search(run):
            return True
    return False


def _tokenless(workflow: Workflow, job: Job, step: Step, run: str) -> bool:
    """True when every command of the script is one that cannot write with a token."""
    commands = shell_commands(run, shell(workflow, job, step))
    if commands is None:
        return False
    for command in commands:
        if command.program == "gh" and registry.GH_READS.match(" ".join(command.words)):
            continue
        if command.program and command.program not in registry.TOKENLESS_COMMANDS:
            return False
    return True


# -- shared ------------------------------------------------------------------------------------


def _is_default(value: Any) -> bool:
    return bool(registry.DEFAULT_TOKEN.search(str(value)))


def env_value(workflow: Workflow, job: Job, step: Step, name: str) -> Any:
    """The value of an environment variable the step sees (its own, the job's, the
    workflow's), or None."""
    for env in (step.env, _env(job.data), workflow.env):
        if name in env:
            return env[name]
    return None


def _env(data: dict[str, Any]) -> dict[str, Any]:
    value = data.get("env")
    return value if isinstance(value, dict) else {}


def last_checkout(job: Job, before: Step) -> Step | None:
    found = None
    for step in job.steps():
        if step.index >= before.index:
            break
        if step.action == "actions/checkout":
            found = step
    return found


def step_name(step: Step) -> str:
    name = step.data.get("name") or step.uses or "the `run` step"
    return f"`{name}`"


# -- what a step does after an upload ----------------------------------------------------------


def announces(step: Step) -> WriteUse | None:
    """What the step does with what an upload before it published (a release, a signature),
    whatever token it uses; None when it does nothing of the kind."""
    known = registry.ACTIONS.get(step.action)
    if known is not None:
        return known.use if known.use.after_upload else None
    run = step.data.get("run")
    if isinstance(run, str):
        for command in registry.COMMANDS:
            if command.use.after_upload and command.pattern.search(run):
                return command.use
    return None


def pushes_with_checkout(workflow: Workflow, job: Job, step: Step) -> bool:
    """True when the step pushes with the credentials actions/checkout keeps for git."""
    if step.uses:
        known = registry.ACTIONS.get(step.action)
        return known is not None and known.source is TokenSource.GIT
    run = step.data.get("run")
    return isinstance(run, str) and any(
        c.source is TokenSource.GIT and c.pattern.search(run) for c in registry.COMMANDS
    )
