"""An upload's credentials: `env:` variables, flags, exports and config commands.

Each is planned for removal when it provably comes from a repository secret (or is written out);
a shell variable behind a flag is followed to the `env:` that sets it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from trustpub.rewrite.commands import Span, UploadCommand, remove_spans
from trustpub.rewrite.rules.credentials_env import (
    EnvEntry,
    Level,
    is_username,
    provenance,
    runs_a_command,
    shell_variables,
    visible_env,
)
from trustpub.rewrite.rules.handover import HANDOVER_TOOLS
from trustpub.rewrite.rules.tool_uploads import (
    Upload,
    command_name,
    same_entry,
    step_name,
)
from trustpub.rewrite.rules.upload_steps import Script
from trustpub.rewrite.tools import is_credential_env
from trustpub.rewrite.workflow import Job, Workflow

_FLAG = re.compile(r"[\s\\`]*(-{1,2}[A-Za-z][\w-]*)")
_USER_FLAGS = frozenset({"-u", "--username", "--user"})


class CredentialFinder:
    """Finds the credentials of uploads in one workflow."""

    def __init__(self, workflow: Workflow, job_scripts: Callable[[Job], list[Script]]) -> None:
        self.workflow = workflow
        self.job_scripts = job_scripts

    def find(self, upload: Upload, env: dict[str, EnvEntry]) -> None:
        """Plan the removal of every credential the upload uses; refuse what cannot go."""
        script = upload.script
        for command in upload.commands:
            self._flags(upload, command, env)
        for name, entry in env.items():
            owner = is_credential_env(name)
            if owner is not None and owner != upload.tool and upload.tool in HANDOVER_TOOLS:
                if entry.level is Level.STEP:  # left over: the step no longer uploads
                    self._flag_source(upload, entry)
                continue
            if owner != upload.tool:
                continue
            upload.env.append(entry)
            self._source(upload, f"`{name}`", entry.text, env, user=is_username(name))
        for export in script.scan.exports:
            if is_credential_env(export.name) != upload.tool:
                continue
            text = script.text[export.span.start : export.span.end]
            self._delete(upload, script, export.span)
            value = text.split("=", 1)[1] if "=" in text else text
            self._source(upload, f"`{export.name}`", value, env, user=is_username(export.name))
            upload.descriptions.append(
                f"removed the line that sets `{export.name}` from the script"
            )
        self._config_commands(upload)
        self._credentials_from_earlier_steps(upload)
        self._action_args(upload)
        if not upload.uses_token and upload.tool not in HANDOVER_TOOLS:
            upload.notes.append(
                f"no token for this `{command_name(upload.commands[0], script)}` is set in the "
                "workflow; if it reads one from a .pypirc file or a keyring, remove it there, or "
                "it wins over trusted publishing"
            )
        if any(_provenance_literal(e.text) for e in upload.env if not is_username(e.name)):
            upload.notes.append(
                "a token was written out in the workflow itself: revoke it on PyPI, it is public"
            )

    def _flags(self, upload: Upload, command: UploadCommand, env: dict[str, EnvEntry]) -> None:
        script = upload.script
        removed = []
        for span in command.credential_flags:
            text = script.text[span.start : span.end]
            match = _FLAG.match(text)
            flag = match.group(1) if match else text.strip()
            removed.append(flag)
            self._delete(upload, script, span)
            value = text[match.end() :] if match else text
            self._source(upload, f"the `{flag}` flag", value, env, user=flag in _USER_FLAGS)
        if command.computed_secret:
            upload.refuse(
                "the secret behind a credential flag is chosen at run time, so trustpub cannot "
                "tell which secret it would remove",
                "remove the flag by hand",
            )
        if removed:
            flags = ", ".join(f"`{f}`" for f in dict.fromkeys(removed))
            upload.descriptions.append(
                f"removed the credential flags {flags} from `{command_name(command, script)}`"
            )

    def _source(
        self, upload: Upload, what: str, value: str, env: dict[str, EnvEntry], user: bool
    ) -> None:
        """Check where a credential comes from; a shell variable is followed to its `env:`."""
        found = provenance(what, value)
        upload.secrets |= found.secrets
        if user:  # a user name is no secret: follow it only to drop an unused variable
            for name in shell_variables(value):
                entry = env.get(name)
                if entry is not None and not provenance(name, entry.text).problem:
                    self._flag_source(upload, entry)
            return
        upload.uses_token = True
        if found.problem:
            upload.refuse(found.problem, "remove the credential by hand once the token is gone")
            return
        if runs_a_command(value):
            upload.refuse(
                f"{what} is computed by a command ({value.strip()}), so trustpub cannot trace "
                "the token to a secret",
                "remove the credential by hand",
            )
        for name in shell_variables(value):
            if is_credential_env(name) == upload.tool:
                continue  # removed with the tool's other credentials
            entry = env.get(name)
            if entry is None:
                upload.refuse(
                    f"{what} reads `${name}`, which no `env:` in the workflow sets (the script "
                    "itself, or an earlier step through $GITHUB_ENV?), so trustpub cannot trace "
                    "the token to a secret",
                    "remove the credential by hand",
                )
                continue
            inner = provenance(f"`{name}`", entry.text)
            if inner.problem:
                upload.refuse(inner.problem, "remove the credential by hand")
            self._flag_source(upload, entry)

    def _flag_source(self, upload: Upload, entry: EnvEntry) -> None:
        if not any(same_entry(entry, e) for e in upload.flag_sources):
            upload.flag_sources.append(entry)

    def _config_commands(self, upload: Upload) -> None:
        """`poetry config pypi-token.pypi ...` in any step of the job: deleted."""
        for other in self.job_scripts(upload.job):
            if other.action:
                continue
            env = visible_env(self.workflow, other.job, other.step)
            for config in other.scan.config_commands:
                if config.tool != upload.tool or not config.is_credential:
                    continue
                text = other.text[config.span.start : config.span.end]
                self._delete(upload, other, config.span)
                key = text.split()[2] if len(text.split()) > 2 else config.repository
                self._source(upload, f"`{upload.tool} config {key}`", text, env, user=False)
                if other.step == upload.step:
                    upload.descriptions.append(f"removed `{upload.tool} config {key} ...`")
                elif other.path is not None:  # said once the step is known to stay
                    upload.other_steps[other.path] = (
                        f"removed `{upload.tool} config {key} ...` from step "
                        f"{step_name(other.step)}"
                    )

    def _credentials_from_earlier_steps(self, upload: Upload) -> None:
        for other in self.job_scripts(upload.job):
            if other.step.index >= upload.step.index or other.action:
                continue
            for export in other.scan.exports:
                text = other.text[export.span.start : export.span.end]
                if is_credential_env(export.name) == upload.tool and "GITHUB_ENV" in text:
                    upload.uses_token = True
                    upload.refuse(
                        f"`{export.name}` is written to $GITHUB_ENV by step "
                        f"{step_name(other.step)} (line {other.step.line}); trustpub does not "
                        "follow credentials from one step to another",
                        "remove that line by hand along with the token",
                    )

    def _delete(self, upload: Upload, script: Script, span: Span) -> None:
        if script.path is None:
            return
        if script.action:  # maturin-action's `args`: rewritten whole (`_action_args`)
            upload.action_spans.append(span)
            return
        upload.edits.delete(script.path, script.value, [script.value_span(span)])

    def _action_args(self, upload: Upload) -> None:
        """maturin-action's new `args`: the flags removed, the rest as written."""
        script = upload.script
        if not upload.action_spans or script.path is None:
            return
        rest = remove_spans(script.text, upload.action_spans)
        command = script.text[: script.offset].strip()
        upload.action_args = rest.removeprefix(command).strip()


def _provenance_literal(value: str) -> bool:
    return provenance("", value).literal
