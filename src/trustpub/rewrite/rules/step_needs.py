"""What a step needs from the job it runs in, and what it leaves there for the steps after it.

A step that moves to a new job finds a fresh runner: the repository checked out again, the dists
downloaded, the workflow's `env:`, and the runner's own programs (`runner.py`). It loses the files
the old job's other steps wrote, the variables they put in `$GITHUB_ENV`, their step outputs, the
programs they installed and the git state they made. These facts are read from what trustpub can
see (redirections, `cp`/`mv`/`tee` targets, `-o`/`--output` options, `$VAR` and `env.X`
references, `steps.<id>`); a step whose needs cannot be read (another shell, a script of the
repository) is taken to need the job.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from trustpub.rewrite import runner
from trustpub.rewrite.commands import ShellCommand, shell_commands
from trustpub.rewrite.rules.upload_steps import shell
from trustpub.rewrite.workflow import Job, Step, Workflow

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_VARIABLE = re.compile(r"\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*\})")
_STEP_REF = re.compile(r"\bsteps\s*\.\s*([A-Za-z_][\w-]*)")
_ENV_REF = re.compile(r"\benv\s*\.\s*([A-Za-z_]\w*)")
_SHELL_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_ASSIGNED = re.compile(r"(?:^|[\s;(])(?:export\s+|local\s+|readonly\s+)?([A-Za-z_]\w*)=")
_LOOP_VAR = re.compile(r"\b(?:for|read(?:\s+-\w+)*)\s+([A-Za-z_]\w*)")
_ENV_FILE_LINE = re.compile(r"^.*\bGITHUB_ENV\b.*$", re.MULTILINE)
_ENV_FILE_NAME = re.compile(r"""^\s*(?:echo|printf)\s+(?:-\w+\s+)?["']?([A-Za-z_]\w*)=""")
_PATH_WORD = re.compile(r"^(?:\./|/|~/)?[\w.@+-]+(?:/[\w.*@+-]*)*$")
_FILE_NAME = re.compile(
    r"\.(?:md|txt|rst|json|toml|cfg|ini|ya?ml|whl|gz|tgz|zip|tar|sha256|asc|sig|log|html|xml|csv)$"
)
_OUTPUT_OPTIONS = frozenset(
    {"-o", "--output", "--out", "--outdir", "--out-dir", "--output-dir", "-w", "--wheel-dir"}
)
_BUILDERS = {("python", "-m", "build"): "dist", ("python", "setup.py"): "dist"}
_GIT_READS = frozenset(
    {"log", "describe", "rev-parse", "show", "diff", "status", "fetch", "ls-remote"}
)
_ABSOLUTE = ("/", "~/", "$HOME", "${HOME}", "$RUNNER_TEMP", "${RUNNER_TEMP}")


@dataclass(frozen=True)
class StepFacts:
    """What one step reads from and leaves in its job."""

    reads_files: frozenset[str]
    writes_files: frozenset[str]
    reads_env: frozenset[str]
    writes_env: frozenset[str] | None  # None: it writes `$GITHUB_ENV` in a way not read here
    reads_outputs: frozenset[str]  # ids of the steps whose outputs it reads
    programs: frozenset[str] | None  # None: a script trustpub cannot read as shell words
    git: bool  # it runs git commands that change or depend on the job's git state


class JobSteps:
    """The facts of every step of one job, read once."""

    def __init__(self, workflow: Workflow, job: Job, available: frozenset[str]) -> None:
        self.workflow = workflow
        self.job = job
        self.steps = list(job.steps())
        self.available = frozenset(_normal(p) for p in available)  # the dists, downloaded

    @cached_property
    def facts(self) -> dict[int, StepFacts]:
        return {s.index: step_facts(self.workflow, self.job, s) for s in self.steps}

    def needs(self, step: Step, other: Step) -> str | None:
        """What `step` needs from `other` (which ran before it), or None."""
        mine, theirs = self.facts[step.index], self.facts[other.index]
        if "id" in other.data and str(other.data["id"]) in mine.reads_outputs:
            return f"the outputs of step `{other.data['id']}`"
        files = _shared_files(mine.reads_files, theirs.writes_files - self.available)
        if files and not _shared_files(frozenset({files}), self.available):
            return f"the file `{files}` that {_name(other)} writes"
        own = {n for n in mine.reads_env if runner.DEFAULT_ENV.match(n) or n in step.env}
        if theirs.writes_env is None and mine.reads_env - own:
            return f"variables {_name(other)} may put in `$GITHUB_ENV`"
        variables = sorted(mine.reads_env & (theirs.writes_env or frozenset()))
        if variables:
            return f"`{variables[0]}`, which {_name(other)} puts in `$GITHUB_ENV`"
        if mine.git and theirs.git:
            return f"the git state {_name(other)} makes"
        return None

    def alone(self, step: Step) -> str | None:
        """What `step` needs from the job whatever ran before it (a program), or None."""
        facts = self.facts[step.index]
        if facts.programs is None:
            return "trustpub cannot read its script"
        missing = sorted(facts.programs - runner.PREINSTALLED - runner.SHELL_WORDS)
        if missing:
            return f"it runs `{missing[0]}`, which a new job does not have"
        outside = sorted(f for f in facts.reads_files if f.startswith(_ABSOLUTE))
        if outside:
            return f"it reads `{outside[0]}`, outside the checkout"
        unset = sorted(
            n
            for n in facts.reads_env
            if not runner.DEFAULT_ENV.match(n)
            and n not in self.workflow.env
            and n not in _job_env(self.job)
            and n not in step.env
        )
        if unset and facts.writes_env is not None and unset[0] not in facts.writes_env:
            return f"it reads `{unset[0]}`, which this job sets"
        return None


def step_facts(workflow: Workflow, job: Job, step: Step) -> StepFacts:
    expressions = " ".join(_EXPRESSION.findall(str(step.data)))
    outputs = frozenset(_STEP_REF.findall(expressions))
    env = set(_ENV_REF.findall(expressions))
    run = step.data.get("run")
    if not isinstance(run, str):
        return _action_facts(step, outputs, frozenset(env))
    commands = shell_commands(run, shell(workflow, job, step))
    local = set(_ASSIGNED.findall(run)) | set(_LOOP_VAR.findall(run))
    env |= set(_SHELL_VAR.findall(run)) - local
    reads: set[str] = set()
    writes: set[str] = set()
    git = False
    programs: set[str] | None = set() if commands is not None else None
    for command in commands or []:
        reads |= _command_reads(command)
        writes |= _command_writes(command)
        git = git or (command.program == "git" and _git_changes(command))
        if programs is not None and command.program:
            programs.add(command.program)
    return StepFacts(
        frozenset(reads - writes),
        frozenset(writes),
        frozenset(env),
        _env_file_names(run),
        outputs,
        frozenset(programs) if programs is not None else None,
        git,
    )


def _action_facts(step: Step, outputs: frozenset[str], env: frozenset[str]) -> StepFacts:
    reads: set[str] = set()
    for key, value in step.with_.items():
        if runner.PATH_INPUT.search(str(key)) and isinstance(value, str):
            reads |= {w for w in re.split(r"[\s,]+", _EXPRESSION.sub("", value)) if _is_path(w)}
    writes = frozenset(reads) if step.action == "actions/download-artifact" else frozenset()
    return StepFacts(
        frozenset(reads) - writes, writes, env, frozenset(), outputs, frozenset(), False
    )


def _command_reads(command: ShellCommand) -> set[str]:
    words = [w.split("=", 1)[-1] if w.startswith("--") else w for w in command.words[1:]]
    return {w for w in words if not w.startswith("-") and _is_path(w)}


def _command_writes(command: ShellCommand) -> set[str]:
    words = command.words
    found = set(command.writes)
    if command.program == "tee":
        found |= {w for w in words[1:] if not w.startswith("-")}
    if command.program in ("cp", "mv") and len(words) > 2:
        found.add(words[-1])
    if command.program in ("touch", "mkdir"):
        found |= {w for w in words[1:] if not w.startswith("-")}
    if command.program == "sed" and any(w.startswith("-i") for w in words):
        found |= {w for w in words[2:] if _is_path(w) and not w.startswith("-")}
    for i, word in enumerate(words[:-1]):
        if word in _OUTPUT_OPTIONS:
            found.add(words[i + 1])
    found |= {w.split("=", 1)[1] for w in words if "=" in w and w.split("=")[0] in _OUTPUT_OPTIONS}
    for prefix, directory in _BUILDERS.items():
        if tuple(words[: len(prefix)]) == prefix:
            found.add(directory)
    return {_normal(w) for w in found if w}


def _git_changes(command: ShellCommand) -> bool:
    subcommand = next((w for w in command.words[1:] if not w.startswith("-")), "")
    return subcommand not in _GIT_READS


def _env_file_names(run: str) -> frozenset[str] | None:
    names: set[str] = set()
    for line in _ENV_FILE_LINE.findall(run):
        found = _ENV_FILE_NAME.match(line)
        if found is None:
            return None
        names.add(found.group(1))
    return frozenset(names)


def _is_path(word: str) -> bool:
    word = word.strip("'\"")
    if _VARIABLE.fullmatch(word):
        return True  # `"$NOTES_FILE"`: a file whose name a variable holds (matched by name)
    if not word or "://" in word or "${{" in word or (word.startswith("$") and "/" not in word):
        return False
    if not _PATH_WORD.match(word.replace("$", "").replace("{", "").replace("}", "")):
        return False
    return "/" in word or bool(_FILE_NAME.search(word))


def _normal(path: str) -> str:
    path = path.strip("'\"")
    if path.startswith(_ABSOLUTE):
        return path.rstrip("/")
    return posixpath.normpath(path).rstrip("/")


def _shared_files(reads: frozenset[str], writes: frozenset[str]) -> str | None:
    """A file `reads` names that `writes` made (the same path, or one inside a written dir)."""
    for read in sorted(reads):
        path = _normal(read)
        for written in writes:
            pattern = written.rstrip("*/")
            if path == written or path.startswith(pattern + "/") or _glob_hit(path, written):
                return read
    return None


def _glob_hit(read: str, written: str) -> bool:
    if "*" not in read:
        return False
    return re.fullmatch(re.escape(read).replace(r"\*", "[^/]*"), written) is not None


def _job_env(job: Job) -> frozenset[str]:
    env: Any = job.data.get("env")
    return frozenset(env) if isinstance(env, dict) else frozenset()


def _name(step: Step) -> str:
    name = step.data.get("name") or step.uses or f"the `run` step on line {step.line}"
    return f"`{name}`"
