"""The intended change: what a generated workflow must parse to once trustpub has rewritten it.

This is a model of SPEC §2 written from the rules, not from the engine: for each publishing job
it decides migrate (in place, or split into a build job and a publish job) or skip, and builds the
expected data. Values trustpub chooses freely (the artifact name, the artifact actions' refs) are
`Var`s: any value of the right shape, the same wherever the same name appears.
"""

from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass, field, replace
from typing import Any

from workflow_gen import PR_TRIGGERS, TESTPYPI_URL, JobCase, Upload, WorkflowCase

from trustpub.rewrite.result import Status
from trustpub.rewrite.rules.permissions import READ_ALL_SCOPES

ID_TOKEN_WRITE = {"id-token": "write"}
UPLOAD_USES = re.compile(r"actions/upload-artifact@(v\d+|[0-9a-f]{40})")
DOWNLOAD_USES = re.compile(r"actions/download-artifact@(v\d+|[0-9a-f]{40})")
ARTIFACT_NAME = re.compile(r"(?P<value>[\w.-]+)")
MATRIX_ARTIFACT_NAME = re.compile(r"(?P<value>[\w.-]+)-\$\{\{ strategy\.job-index \}\}")


@dataclass(frozen=True)
class Var:
    """Any value matching `shape`; every Var of the same name must match the same value (its
    `value` group, if it has one)."""

    name: str
    shape: re.Pattern[str]


@dataclass(frozen=True)
class Template:
    """A string built from Vars already matched: `Template("{artifact}-*")`."""

    text: str


@dataclass(frozen=True)
class Unmodelled:
    """A job the model does not predict byte for byte (the other checks still apply): an
    upload tool's step handed to the PyPA action in a publish job of its own because only its
    `if:` keeps pull requests out. fixtures/tools/pull-request-upload-if-split pins one down."""

    why: str


class Expected(dict[str, Any]):
    """An expected mapping; `new` keys are added by the rewrite, so their position is free."""

    def __init__(self, items: Any = (), new: set[str] | None = None) -> None:
        super().__init__(items)
        self.new = set(new or ())


@dataclass
class Intended:
    data: Expected
    # job id -> "migrated", "skipped", "ignored", "other-index", "untouched", "migrated-before"
    outcomes: dict[str, str]
    status: Status
    new_jobs: dict[str, str] = field(default_factory=dict)  # new job id -> the job it came from
    publishers: set[tuple[str, str, str]] = field(default_factory=set)  # index, job, environment
    removed_secrets: set[str] = field(default_factory=set)


# -- permissions ----------------------------------------------------------------------------------


def grants_id_token(value: Any) -> bool:
    return value == "write-all" or (isinstance(value, dict) and value.get("id-token") == "write")


def read_all() -> dict[str, str]:
    return dict.fromkeys(READ_ALL_SCOPES, "read")


def in_place_permissions(job: dict[str, Any], workflow: dict[str, Any], checks_out: bool) -> Any:
    """The job's `permissions` after an in-place migration (None: no block)."""
    if "permissions" in job:
        own = job["permissions"]
        if grants_id_token(own):
            return own
        if own == "read-all":
            return {**read_all(), **ID_TOKEN_WRITE}
        if not own:
            return dict(ID_TOKEN_WRITE)
        return {**own, **ID_TOKEN_WRITE}
    if "permissions" not in workflow:
        return {"contents": "read", **ID_TOKEN_WRITE} if checks_out else dict(ID_TOKEN_WRITE)
    inherited = workflow["permissions"]
    if grants_id_token(inherited):
        return None
    if inherited == "read-all":
        return {**read_all(), **ID_TOKEN_WRITE}
    if isinstance(inherited, dict):
        return {**{k: v for k, v in inherited.items() if k != "id-token"}, **ID_TOKEN_WRITE}
    return dict(ID_TOKEN_WRITE)


def build_job_permissions(
    job: JobCase, workflow: dict[str, Any], others: list[dict[str, Any]]
) -> Any:
    """The build job of a split gets its own block when it would be the only job without one
    (None: it does not), so the workflow-level block is not flagged."""
    if "permissions" in job.data or any("permissions" not in o for o in others):
        return None
    inherited = workflow.get("permissions")
    if isinstance(inherited, dict) and set(inherited.values()) <= {"read", "none"}:
        return None
    if "permissions" in workflow:
        if inherited == "write-all":  # spelled out, without id-token (models has no write)
            return {s: "read" if s == "models" else "write" for s in READ_ALL_SCOPES}
        if isinstance(inherited, dict):
            return {k: v for k, v in inherited.items() if k != "id-token"}
        return inherited
    return {"contents": "read"} if job.checks_out else {}


# -- conditions -----------------------------------------------------------------------------------


def unwrap(condition: Any) -> str:
    text = " ".join(str(condition).split())
    found = re.fullmatch(r"\$\{\{(.*)\}\}", text)
    return found.group(1).strip() if found else text


def terms(condition: Any) -> list[str]:
    """The `&&` terms of a condition at its top level, without the parentheses around each."""
    text = unwrap(condition)
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith("&&", i):
            parts.append(text[start:i].strip())
            start = i + 2
    if not parts:
        return [text]
    return [t for part in [*parts, text[start:].strip()] for t in terms(part)]


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def after(condition: Any, earlier: str, earlier_if: Any, others: list[str]) -> str | None:
    """The `if:` of a job that now waits for `earlier`, when its own condition does not already
    hold only where `earlier`'s does (None: its condition stays)."""
    # (`x` inside `a || x` is not enough: every `&&` term of `earlier_if` must be there)
    if earlier_if is None or (
        condition is not None and set(terms(earlier_if)) <= set(terms(condition))
    ):
        return None
    own = [t for t in terms(condition)] if condition is not None else []
    parts = ["!cancelled()", *(f"needs.{n}.result == 'success'" for n in others)]
    parts.append(f"(needs.{earlier}.result == 'success' || needs.{earlier}.result == 'skipped')")
    return "${{ " + " && ".join([*parts, *(f"({t})" if "||" in t else t for t in own)]) + " }}"


def combined(job_if: Any, step_if: Any) -> Any:
    parts = [c for c in (job_if, step_if) if c is not None]
    if len(parts) < 2:
        return parts[0] if parts else None
    return " && ".join(f"({unwrap(p)})" for p in parts)


# -- the model ------------------------------------------------------------------------------------


def intended(case: WorkflowCase) -> Intended:
    return _Model(case).run()


class _Model:
    def __init__(self, case: WorkflowCase) -> None:
        self.case = case
        self.before = case.data
        self.workflow = copy.deepcopy(self.before)
        self.jobs: dict[str, Any] = {}
        self.outcomes: dict[str, str] = {}
        self.new_jobs: dict[str, str] = {}
        self.taken = set(self.before["jobs"])
        self.publishers: set[tuple[str, str, str]] = set()
        self.secrets: set[str] = set()
        self.follow: dict[str, list[str]] = {}  # split job id -> the publish jobs that end it

    def run(self) -> Intended:
        for job_id, data in self.before["jobs"].items():
            job = self.case.job(job_id)
            self.jobs[job_id] = copy.deepcopy(data)
            self.outcomes[job_id] = "untouched"
            if job.role == "publisher":
                self._publisher(job)
            elif job.role == "migrated":
                self.outcomes[job_id] = "migrated-before"
        self._retarget_followers()
        expected = Expected(self.workflow)
        expected["jobs"] = Expected(self.jobs)
        if "env" in self.workflow and not self.workflow["env"]:
            del expected["env"]
        return Intended(
            expected, self.outcomes, self._status(), self.new_jobs, self.publishers, self.secrets
        )

    def _status(self) -> Status:
        values = set(self.outcomes.values())
        if "migrated" in values:
            return Status.CHANGED
        if "skipped" in values:
            return Status.SKIPPED
        if "migrated-before" in values:
            return Status.MIGRATED
        # An upload to another index is told as information: the file is unchanged.
        return Status.IGNORED if "ignored" in values else Status.UNCHANGED

    # -- one publishing job --------------------------------------------------------------------

    def split(self, job: JobCase) -> bool:
        """Build job + publish jobs: the PyPA action (or poetry, hatch and flit, whose upload it
        takes over) in a job that builds, unless told to keep it there; two indexes always."""
        upload = job.upload
        assert upload is not None
        if job.testpypi is not None or self.added_testpypi(job) is not None:
            return job.builds
        keep = self.case.options.keep_build_in_job
        if self._only_uploads_keep_pull_requests_out(job) and job.builds and not keep:
            return self._hands_over(job)  # the publish job, with the upload's `if:`, never runs
        return upload.linux_only and job.builds and not keep

    def _hands_over(self, job: JobCase) -> bool:
        """Whether the PyPA action can take the upload over in a publish job. The model does not
        know every tool's options (which ones the action has an input for): for a tool that
        publishes itself it asks the engine's planner, and checks the rest of the outcome."""
        upload = job.upload
        assert upload is not None
        if upload.is_pypa_action or upload.moved is not None:
            return True
        from trustpub.rewrite.document import Document
        from trustpub.rewrite.rules import run_tools
        from trustpub.rewrite.rules.base import HandOff
        from trustpub.rewrite.workflow import Workflow

        flow = Workflow(Document.parse(self.case.text), "release.yml")
        found = next(j for j in flow.jobs() if j.id == job.id)
        step = next(s for s in found.steps() if s.index == job.upload_index)
        plan = run_tools.plan(flow, found, step)
        return plan is not None and isinstance(plan.hand_off, HandOff)

    def _only_uploads_keep_pull_requests_out(self, job: JobCase) -> bool:
        if not self.case.triggers & PR_TRIGGERS:
            return False
        if job.condition is not None and job.condition.excludes_pull_requests:
            return False
        return all(
            u.condition is not None and u.condition.excludes_pull_requests for u in job.uploads
        )

    def added_testpypi(self, job: JobCase) -> Upload | None:
        """With `--add-testpypi`: the TestPyPI upload added beside a lone PyPA upload to PyPI
        (when no PyPA step of the workflow publishes to TestPyPI already), or None."""
        upload = job.upload
        assert upload is not None
        elsewhere = any(
            u.is_pypa_action and u.kind == "testpypi" for j in self.case.jobs for u in j.uploads
        )
        if not self.case.options.add_testpypi or elsewhere or job.testpypi is not None:
            return None
        if not upload.is_pypa_action or upload.kind != "pypi":
            return None
        inputs: dict[str, Any] = {"repository-url": TESTPYPI_URL}
        written = upload.step.data().get("with", {})
        packages = written.get("packages-dir", written.get("packages_dir"))
        if packages is not None:
            inputs["packages-dir"] = packages
        step = {"name": "Publish to TestPyPI", "uses": upload.moved["uses"], "with": inputs}
        return replace(upload, kind="testpypi", moved=step, secrets=frozenset(), after=[])

    def skipped(self, job: JobCase) -> bool:
        upload = job.upload
        assert upload is not None
        triggers = self.case.triggers
        if "pull_request_target" in triggers:
            return True
        split = self.split(job)
        if upload.linux_only and not split and not job.linux:
            return True
        if upload.bash_only and job.windows:
            return True
        guarded = all(self._guarded(job, u, split) for u in job.uploads)
        return bool(triggers & PR_TRIGGERS) and not guarded

    def _guarded(self, job: JobCase, upload: Upload, split: bool) -> bool:
        """The job that would get `id-token` for this upload never runs on a pull request."""
        lifted = self.lifts(job)
        guards = [job.condition, upload.condition if split or lifted else None]
        return any(g is not None and g.excludes_pull_requests for g in guards)

    def lifts(self, job: JobCase) -> bool:
        """A job that only downloads and publishes, which no job needs, takes the `if:` of its
        one upload when only that keeps pull requests out (on a pull_request workflow)."""
        upload = job.upload
        if upload is None or job.builds or len(job.uploads) != 1 or job.testpypi is not None:
            return False
        if not self.case.triggers & PR_TRIGGERS:
            return False
        if job.condition is not None and job.condition.excludes_pull_requests:
            return False
        needed = any(job.id in j.needs for j in self.case.jobs if j.id != job.id)
        return (
            upload.condition is not None and upload.condition.excludes_pull_requests and not needed
        )

    def _publisher(self, job: JobCase) -> None:
        upload = job.upload
        assert upload is not None
        # Information, before anything else about the job; but PowerShell does not continue
        # lines with `\`: the index flag on the next line is not the upload's.
        if upload.kind == "other" and not (upload.bash_only and job.windows):
            self.outcomes[job.id] = "other-index"
            return
        if job.opted_out:
            self.outcomes[job.id] = "ignored"
            return
        if self.skipped(job):
            self.outcomes[job.id] = "skipped"
            return
        self.outcomes[job.id] = "migrated"
        for each in job.uploads:
            self.secrets |= each.secrets
        env = self.workflow.get("env")
        if isinstance(env, dict):
            for key in upload.workflow_env:
                env.pop(key, None)
        added = self.added_testpypi(job)
        if self.split(job) and not upload.is_pypa_action and upload.moved is None:
            self._unmodelled_split(job)
        elif self.split(job):
            self._split(job, added)
        elif job.testpypi is not None or added is not None:
            self._fan_out(job, job.testpypi or added, added is not None)
        else:
            self._in_place(job)

    def _unmodelled_split(self, job: JobCase) -> None:
        """A tool that publishes itself, split from its job because only its step's `if:` keeps
        pull requests out: its job and publish job are checked only as jobs."""
        upload = job.upload
        assert upload is not None
        why = f"{upload.tool}'s upload handed to the PyPA action"
        self.jobs[job.id] = Unmodelled(why)
        base = "publish-to-testpypi" if upload.kind == "testpypi" else "publish-to-pypi"
        new_id = self._new_id(base, job.id)
        self._insert_after(job.id, new_id, Unmodelled(why))
        self.new_jobs[new_id] = job.id
        self.follow.setdefault(job.id, []).append((new_id, bool(upload.condition)))
        existing = job.data.get("environment")
        name = _environment_name(existing) if existing is not None else upload.kind
        self.publishers.add((upload.kind, new_id, name))

    def _in_place(self, job: JobCase, index: int | None = None) -> None:
        """Token out of the upload (at `index` in the expected steps), and the job gets an
        environment and `id-token: write`."""
        upload = job.upload
        assert upload is not None
        index = job.upload_index if index is None else index
        data = self.jobs[job.id] = Expected(self.jobs[job.id])
        data["steps"][index : index + 1] = copy.deepcopy(upload.after)
        if self.lifts(job):  # the upload's `if:` is the job's
            data["steps"][index].pop("if", None)
            if "if" not in data:
                data.new.add("if")
            data["if"] = combined(job.data.get("if"), upload.step.data().get("if"))
        _drop_env(data, upload.job_env)
        if "environment" not in data:
            data["environment"] = self._environment(upload.kind)
            data.new.add("environment")
        permissions = in_place_permissions(job.data, self.before, job.checks_out)
        if permissions is not None:
            if "permissions" not in data:
                data.new.add("permissions")
            data["permissions"] = permissions
        self.publishers.add((upload.kind, job.id, _environment_name(data["environment"])))

    def _environment(self, kind: str) -> dict[str, str]:
        host = "test.pypi.org" if kind == "testpypi" else "pypi.org"
        name = re.sub(r"[-_.]+", "-", self.case.project).lower()
        return {"name": kind, "url": f"https://{host}/p/{name}"}

    def _split(self, job: JobCase, added: Upload | None = None) -> None:
        """The build job stores the dists where the (first) upload was; one publish job per
        upload (and one for the TestPyPI upload `added`) downloads and publishes them."""
        upload = job.upload
        assert upload is not None
        matrix = "strategy" in job.data
        artifact = f"artifact-{job.id}"
        data = self.jobs[job.id] = Expected(self.jobs[job.id])
        path = upload.packages_dir
        name = Var(artifact, MATRIX_ARTIFACT_NAME if matrix else ARTIFACT_NAME)
        store = Expected(
            {
                "name": "Store the distribution packages",
                "uses": Var("upload-uses", UPLOAD_USES),
                "with": Expected({"name": name, "path": path}),
            }
        )
        first = job.upload_index - len(job.uploads) + 1
        directories = list(dict.fromkeys(_directory(u) for u in job.uploads))
        stores: dict[str, Expected] = {}
        if len(directories) > 1:  # one artifact per directory, where its upload was
            for number, each in enumerate(job.uploads):
                stored = copy.deepcopy(store)
                own = Var(f"{artifact}-{number}", name.shape)
                stored["with"] = Expected({"name": own, "path": each.packages_dir})
                stores[each.kind] = stored
            data["steps"][first : job.upload_index + 1] = list(stores.values())
        elif upload.is_pypa_action or len(upload.after) == 1:  # the steps only uploaded: go
            data["steps"][first : job.upload_index + 1] = [store]
        else:  # it keeps building: the dists are stored right after it
            data["steps"][job.upload_index : job.upload_index + 1] = [upload.after[0], store]
        _drop_env(data, upload.job_env)
        others = [d for i, d in self.before["jobs"].items() if i != job.id]
        own = build_job_permissions(job, self.before, others)
        if own is not None:
            data["permissions"] = own
            data.new.add("permissions")
        source: dict[str, Any] = (
            {"pattern": Template(f"{{{artifact}}}-*"), "merge-multiple": True}
            if matrix
            else {"name": Template(f"{{{artifact}}}")}
        )
        download = {
            "name": "Download all the dists",
            "uses": Var("download-uses", DOWNLOAD_USES),
            "with": {**source, "path": path},
        }
        made: dict[str, str] = {}
        targets = [added, *job.uploads] if added else job.uploads
        for each in targets:
            inherits = len(targets) == 1 or each.kind == "pypi"
            own = _own_download(download, stores[each.kind]) if stores else download
            made[each.kind] = self._publish_job(job, each, [own], [job.id], inherits)
            if each is not added:  # (its id, whether its job may be skipped by its own `if:`)
                self.follow.setdefault(job.id, []).append((made[each.kind], bool(each.condition)))
        # Each upload still runs after the one before it in the job (an added one: when asked).
        gate = self.case.options.gate_pypi_on_testpypi
        chain = [made[t.kind] for t in targets if t is not added or gate]
        for earlier, later in itertools.pairwise(chain):
            self._wait(self.jobs[later], earlier, self.jobs[earlier].get("if"))

    def _publish_job(
        self, job: JobCase, upload: Upload, first: list[Any], needs: list[str], inherits: bool
    ) -> str:
        """Add the job that publishes `upload`, made from `job`; returns its id."""
        base = "publish-to-testpypi" if upload.kind == "testpypi" else "publish-to-pypi"
        new_id = self._new_id(base, job.id)
        publish: dict[str, Any] = {"needs": needs} if needs else {}
        condition = combined(job.data.get("if"), upload.step.data().get("if"))
        if condition is not None:
            publish["if"] = condition
        runner = str(job.data.get("runs-on"))
        publish["runs-on"] = runner if runner.startswith("ubuntu-") else "ubuntu-latest"
        existing = job.data.get("environment") if inherits else None
        publish["environment"] = copy.deepcopy(existing) or self._environment(upload.kind)
        publish["permissions"] = dict(ID_TOKEN_WRITE)
        if "timeout-minutes" in job.data:  # job-level keys that still apply go along
            publish["timeout-minutes"] = job.data["timeout-minutes"]
        publish["steps"] = [*copy.deepcopy(first), copy.deepcopy(upload.moved)]
        self._insert_after(job.id, new_id, Expected(publish))
        self.new_jobs[new_id] = job.id
        self.publishers.add((upload.kind, new_id, _environment_name(publish["environment"])))
        return new_id

    def _fan_out(self, job: JobCase, test: Upload, added: bool) -> None:
        """A job that only downloads and publishes keeps its PyPI upload (migrated in place);
        the TestPyPI upload moves (or is added) to a job of its own, with copies of the
        download steps."""
        downloads = [
            s
            for s in job.data["steps"]
            if str(s.get("uses", "")).startswith("actions/download-artifact@")
        ]
        index = job.upload_index
        if not added:
            del self.jobs[job.id]["steps"][index - 1]
            index -= 1
        self._in_place(job, index)
        test_id = self._publish_job(job, test, downloads, list(job.needs), inherits=False)
        if not added or self.case.options.gate_pypi_on_testpypi:  # TestPyPI ran first
            data = self.jobs[job.id]
            needs = data.get("needs")
            others = [] if needs is None else [needs] if isinstance(needs, str) else list(needs)
            if needs is None:
                data["needs"] = test_id
                data.new.add("needs")
            else:
                data["needs"] = [*others, test_id]
            careful = after(data.get("if"), test_id, self.jobs[test_id].get("if"), others)
            if careful is not None:
                if "if" not in data:
                    data.new.add("if")
                data["if"] = careful

    def _wait(self, later: dict[str, Any], earlier: str, earlier_if: Any) -> None:
        """`later` needs `earlier`, and still runs when `earlier` is skipped by its condition."""
        others = list(later["needs"])
        later["needs"].append(earlier)
        careful = after(later.get("if"), earlier, earlier_if, others)
        if careful is not None:
            rest = {k: v for k, v in later.items() if k not in ("needs", "if")}
            later.clear()
            later.update({"needs": [*others, earlier], "if": careful, **rest})

    def _new_id(self, base: str, job_id: str) -> str:
        for candidate in (base, f"{base}-{job_id}", *(f"{base}-{n}" for n in range(2, 100))):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        raise AssertionError("no free job id")

    def _insert_after(self, job_id: str, new_id: str, value: Any) -> None:
        items = list(self.jobs.items())
        position = [k for k, _ in items].index(job_id) + 1
        while position < len(items) and items[position][0] in self.new_jobs:
            position += 1
        items.insert(position, (new_id, value))
        self.jobs = dict(items)

    def _retarget_followers(self) -> None:
        """Jobs that needed a split job wait for its publish jobs; when one of those runs only
        under a condition of its own (which the follower's missing `if:` does not imply), the
        follower keeps needing the split job and still runs when that publish job is skipped."""
        for job_id, data in self.jobs.items():
            job = next((j for j in self.case.jobs if j.id == job_id), None)
            if job is None or job.role != "follower" or job.needs[0] not in self.follow:
                continue
            made = self.follow[job.needs[0]]
            plain = [i for i, conditional in made if not conditional]
            skippable = [i for i, conditional in made if conditional]
            self.outcomes[job_id] = "retargeted"
            if not skippable:
                single = len(plain) == 1 and isinstance(data["needs"], str)
                data["needs"] = plain[0] if single else list(plain)
                continue
            data = self.jobs[job_id] = Expected(data)
            data["needs"] = [job.needs[0], *plain, *skippable]
            waits = [
                f"(needs.{i}.result == 'success' || needs.{i}.result == 'skipped')"
                for i in skippable
            ]
            parts = ["!cancelled()", f"needs.{job.needs[0]}.result == 'success'", *waits]
            data["if"] = "${{ " + " && ".join(parts) + " }}"
            data.new.add("if")


def _drop_env(data: dict[str, Any], keys: dict[str, str]) -> None:
    env = data.get("env")
    if not isinstance(env, dict) or not keys:
        return
    for key in keys:
        env.pop(key, None)
    if not env:
        del data["env"]


def _environment_name(value: Any) -> str:
    return str(value.get("name")) if isinstance(value, dict) else str(value)


# -- comparing ------------------------------------------------------------------------------------


def differences(expected: Any, actual: Any) -> list[str]:
    """Where `actual` differs from the expected data (empty: it matches)."""
    found: list[str] = []
    _compare(expected, actual, "$", {}, found)
    return found


def _compare(
    expected: Any, actual: Any, where: str, binds: dict[str, Any], found: list[str]
) -> None:
    if isinstance(expected, Unmodelled):
        if not isinstance(actual, dict):
            found.append(f"{where}: a {type(actual).__name__}, not a job ({expected.why})")
        return
    if isinstance(expected, Var):
        shaped = expected.shape.fullmatch(actual) if isinstance(actual, str) else None
        if shaped is None:
            found.append(f"{where}: {actual!r} does not look like {expected.shape.pattern}")
            return
        value = shaped.groupdict().get("value", actual)
        if binds.setdefault(expected.name, value) != value:
            found.append(f"{where}: {value!r} != {binds[expected.name]!r} (matched earlier)")
        return
    if isinstance(expected, Template):
        try:
            wanted = expected.text.format(**binds)
        except KeyError as missing:
            found.append(f"{where}: {missing} was never matched before")
            return
        if actual != wanted:
            found.append(f"{where}: {actual!r} != {wanted!r}")
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            found.append(f"{where}: a {type(actual).__name__}, not a mapping: {actual!r}")
            return
        if set(expected) != set(actual):
            missing = [k for k in expected if k not in actual]
            extra = [k for k in actual if k not in expected]
            found.append(f"{where}: keys missing {missing}, unexpected {extra}")
        new = expected.new if isinstance(expected, Expected) else set()
        order = [k for k in actual if k in expected and k not in new]
        wanted = [k for k in expected if k in actual and k not in new]
        if order != wanted:
            found.append(f"{where}: keys in the order {order}, not {wanted}")
        for key in expected:
            if key in actual:
                _compare(expected[key], actual[key], f"{where}.{key}", binds, found)
        return
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            found.append(f"{where}: {actual!r} is not a list of {len(expected)}: {expected!r}")
            return
        for number, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _compare(e, a, f"{where}[{number}]", binds, found)
        return
    if expected != actual or type(expected) is not type(actual):
        found.append(f"{where}: {actual!r} != {expected!r}")


def _directory(upload: Upload) -> str:
    return upload.packages_dir.removeprefix("./").rstrip("/")


def _own_download(download: dict[str, Any], stored: Expected) -> dict[str, Any]:
    """The publish job's download of the one artifact its upload's directory is stored as."""
    own, path = stored["with"]["name"], stored["with"]["path"]
    found = copy.deepcopy(download)
    if "pattern" in found["with"]:
        found["with"] = {**found["with"], "pattern": Template(f"{{{own.name}}}-*"), "path": path}
    else:
        found["with"] = {"name": Template(f"{{{own.name}}}"), "path": path}
    return found
