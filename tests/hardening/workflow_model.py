"""The intended change: what a generated workflow must parse to once trustpub has rewritten it.

This is a model of SPEC §2 written from the rules, not from the engine: for each publishing job
it decides migrate (in place, or split into a build job and a publish job) or skip, and builds the
expected data. Values trustpub chooses freely (the artifact name, the artifact actions' refs) are
`Var`s: any value of the right shape, the same wherever the same name appears.
"""

from __future__ import annotations

import copy
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
        return upload.linux_only and job.builds and not self.case.options.keep_build_in_job

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
        if triggers & PR_TRIGGERS and not all(self._guarded(job, u, split) for u in job.uploads):
            return True
        dirs = {u.packages_dir.removeprefix("./").rstrip("/") for u in job.uploads}
        return split and len(dirs) > 1  # one artifact for both publish jobs

    def _guarded(self, job: JobCase, upload: Upload, split: bool) -> bool:
        """The job that would get `id-token` for this upload never runs on a pull request."""
        guards = [job.condition, upload.condition if split else None]
        return any(g is not None and g.excludes_pull_requests for g in guards)

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
        if self.split(job):
            self._split(job, added)
        elif job.testpypi is not None or added is not None:
            self._fan_out(job, job.testpypi or added, added is not None)
        else:
            self._in_place(job)

    def _in_place(self, job: JobCase, index: int | None = None) -> None:
        """Token out of the upload (at `index` in the expected steps), and the job gets an
        environment and `id-token: write`."""
        upload = job.upload
        assert upload is not None
        index = job.upload_index if index is None else index
        data = self.jobs[job.id] = Expected(self.jobs[job.id])
        data["steps"][index : index + 1] = copy.deepcopy(upload.after)
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
        if upload.is_pypa_action or len(upload.after) == 1:  # the steps only uploaded: they go
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
            made[each.kind] = self._publish_job(job, each, [download], [job.id], inherits)
            if each.condition is None and each is not added:
                self.follow.setdefault(job.id, []).append(made[each.kind])
        if self.case.options.gate_pypi_on_testpypi and len(made) == 2:
            self.jobs[made["pypi"]]["needs"].append(made["testpypi"])

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
        publish["runs-on"] = "ubuntu-latest"
        existing = job.data.get("environment") if inherits else None
        publish["environment"] = copy.deepcopy(existing) or self._environment(upload.kind)
        publish["permissions"] = dict(ID_TOKEN_WRITE)
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
        if self.case.options.gate_pypi_on_testpypi:
            data = self.jobs[job.id]
            needs = data.get("needs")
            if needs is None:
                data["needs"] = test_id
                data.new.add("needs")
            else:
                data["needs"] = [*([needs] if isinstance(needs, str) else needs), test_id]

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
        """Jobs that needed a split job wait for its publish jobs (those without a condition
        of their own, which the follower's missing `if:` does not imply)."""
        for job_id, data in self.jobs.items():
            job = next((j for j in self.case.jobs if j.id == job_id), None)
            if job is None or job.role != "follower" or job.needs[0] not in self.follow:
                continue
            new = self.follow[job.needs[0]]
            single = len(new) == 1 and isinstance(data["needs"], str)
            data["needs"] = new[0] if single else list(new)
            self.outcomes[job_id] = "retargeted"


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
