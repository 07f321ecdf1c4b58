"""Rule: the new permissions of a job are never narrower than what its other steps use.

A job with no `permissions:` (at job or workflow level) runs on the repository's default token
permissions, which may allow writing everything. Its steps that write with that token (found with
`github_token.py`) keep the job from getting a narrower block: the upload moves to a publish job
of its own and the job keeps its permissions, or, where the upload must stay, the block keeps the
scopes those steps need. A step that writes with a token of its own (a PAT, a deploy key) does not
count; nor does any step when the repository's default permissions are known to be read-only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from trustpub.rewrite import github_token as registry
from trustpub.rewrite.commands import shell_commands
from trustpub.rewrite.github_token import TokenSource, WriteUse
from trustpub.rewrite.rules.upload_steps import shell
from trustpub.rewrite.workflow import Job, Step, Workflow

READ_ONLY = "read"  # GitHub's `default_workflow_permissions` values
READ_WRITE = "write"


@dataclass(frozen=True)
class WriteStep:
    """A step that writes with the job's token: what it does, with which scopes."""

    step: Step
    use: WriteUse

    def describe(self) -> str:
        scopes = ", ".join(f"`{s}: write`" for s in sorted(self.use.scopes)) or "any scope"
        return f"{step_name(self.step)} (line {self.step.line}) {self.use.what} ({scopes})"


@dataclass(frozen=True)
class TokenAccess:
    """What a job's token must keep allowing once its uploads are migrated."""

    default_token: bool  # no `permissions:` anywhere, and the default may allow writing
    writers: tuple[WriteStep, ...]
    default_known: bool = False  # the repository's default permissions were read on GitHub
    read_only: bool = False  # on the default token, which GitHub says is read-only

    @property
    def constrains(self) -> bool:
        """True when a new `permissions` block for the job could take write access away."""
        return self.default_token and bool(self.writers)

    @property
    def scopes(self) -> frozenset[str] | None:
        """The write scopes the writers need; None when one of them may need any."""
        if any(not w.use.known for w in self.writers):
            return None
        return frozenset(s for w in self.writers for s in w.use.scopes)

    def summary(self) -> str:
        return "; ".join(w.describe() for w in self.writers)

    @property
    def default_said(self) -> str:
        if self.default_known:
            return "the repository's default token permissions (read and write)"
        return (
            "the repository's default token permissions (unknown here, so assumed to allow "
            "writing; with a GitHub token trustpub reads them)"
        )


def on_default_token(workflow: Workflow, job: Job) -> bool:
    return "permissions" not in job.data and "permissions" not in workflow.data


def token_access(
    workflow: Workflow, job: Job, uploads: Iterable[int], default_permissions: str | None
) -> TokenAccess:
    """The job's writers (its steps but `uploads`, by index) and whether they constrain it."""
    on_default = on_default_token(workflow, job)
    skipped = set(uploads)
    writers = tuple(
        w for step in job.steps() if step.index not in skipped for w in writes(workflow, job, step)
    )
    return TokenAccess(
        on_default and default_permissions != READ_ONLY,
        writers,
        default_permissions == READ_WRITE,
        on_default and default_permissions == READ_ONLY and bool(writers),
    )


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


# -- what the report says ----------------------------------------------------------------------


def kept_note(job: Job, access: TokenAccess) -> str:
    """Why a job whose upload moved out kept its permissions as they were."""
    return (
        f"`{job.id}` keeps {access.default_said}, without a `permissions:` block, because its "
        f"steps write with the job's token: {access.summary()}; only the new publish jobs get "
        "`id-token: write`"
    )


def read_only_note(job: Job, access: TokenAccess) -> str:
    """Why a job whose steps write with its token may still get a narrow block."""
    return (
        f"`{job.id}` runs on the repository's default token permissions, which GitHub says are "
        f"read-only: its steps that write with that token could not write before either "
        f"({access.summary()}); give them the scopes they need, or a token of their own"
    )


def in_place_note(access: TokenAccess) -> str:
    scopes = ", ".join(f"`{s}: write`" for s in sorted(access.scopes or ()))
    return (
        f"the job's new `permissions` keep {scopes} for the steps that wrote with "
        f"{access.default_said}: {access.summary()}"
    )


def in_place_refusal(access: TokenAccess) -> tuple[str, str]:
    """Why an upload that must stay in its job is left alone: a block would take access away."""
    return (
        f"the job runs on {access.default_said}, and its steps write with that token in ways "
        f"trustpub cannot reduce to a `permissions` block ({access.summary()}); adding one for "
        "`id-token: write` could take their access away",
        "move the upload to a publish job of its own that needs this job (see the Python "
        "Packaging Guide), or give this job a `permissions:` block with what its steps need",
    )


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
