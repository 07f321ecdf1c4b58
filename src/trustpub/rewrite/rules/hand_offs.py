"""Planning an upload's handover to the PyPA action, in its own job or in a publish job.

poetry, hatch and flit always hand over (they cannot publish with trusted publishing): by default
to a publish job, with `keep_build_in_job` right after the step in the same job. Every other tool
hands over only when its job is split because it uploads to two indexes; otherwise it publishes
with trusted publishing itself. Each way is planned on its own copy of the upload (`Upload.copy`),
so the edits of one never leak into the other.
"""

from __future__ import annotations

from dataclasses import replace

from trustpub.rewrite.commands import Span
from trustpub.rewrite.rules.base import HandOff, NoHandOff
from trustpub.rewrite.rules.handover import plan_handover
from trustpub.rewrite.rules.tool_edits import UploadEditor
from trustpub.rewrite.rules.tool_uploads import Upload, command_name
from trustpub.rewrite.workflow import Workflow

_BY_HAND = "migrate it by hand"
_SPLIT_BY_HAND = "split the job by hand into a build job and one publish job per index"


def hand_over(workflow: Workflow, upload: Upload, in_job: bool) -> None:
    """Plan the upload's handover to the PyPA action (in this job, or in a publish job)."""
    if upload.problem is not None:
        return
    script = upload.script
    path = script.path
    command = command_name(upload.commands[0], script)
    advice = _BY_HAND if in_job else _SPLIT_BY_HAND
    if script.action or path is None:
        upload.refuse(
            "pypa/gh-action-pypi-publish cannot take over an upload made by "
            "PyO3/maturin-action, which must go to a publish job of its own",
            advice,
        )
        return
    if len(upload.commands) > 1:
        upload.refuse(f"the step runs `{command}` more than once", advice)
        return
    own = upload.edits.by_path.get(path)
    deletions = sorted(own.deletions) if own else []
    found = plan_handover(
        workflow,
        upload.job,
        upload.step,
        script.text,
        upload.commands[0],
        upload.target,
        deletions,
        command,
    )
    if isinstance(found, str):
        upload.refuse(found, advice)
        return
    found = replace(found, in_job=in_job)
    upload.handover = found
    if own is not None and found.build_tail is not None:
        tail = found.build_tail
        own.deletions = {
            s for s in own.deletions if not (tail.start <= s.start and s.end <= tail.end)
        }
    if found.build_tail is not None:  # `publish ...` -> `build`, the rest deleted
        tail = script.value_span(found.build_tail)
        word = Span(tail.start, tail.start + len("publish"))
        upload.edits.replace(path, script.value, word, found.build)
        if tail.end > word.end:
            upload.edits.delete(path, script.value, [Span(word.end, tail.end)])
    elif found.remove is not None:
        upload.edits.delete(path, script.value, [found.remove])
    # The flags go with the upload command: the handover's description says it all.
    upload.descriptions = [
        d for d in upload.descriptions if not d.startswith("removed the credential flags")
    ]
    upload.descriptions.append(found.description(command))
    if not in_job:  # the PyPA action reads no .pypirc or keyring: nothing to say about them
        upload.notes = [n for n in upload.notes if ".pypirc" not in n]
    upload.notes.append(found.note(command))


def publish_job_variant(workflow: Workflow, upload: Upload) -> Upload:
    """A copy of the upload (credentials found, nothing else planned) handed to a publish job."""
    variant = upload.copy()
    hand_over(workflow, variant, in_job=False)
    return variant


def hand_off(variant: Upload, upload: Upload, editor: UploadEditor) -> HandOff | NoHandOff:
    """What the split needs to publish `upload` from a publish job (planned as `variant`)."""
    # Which credentials go is settled for the whole workflow on `upload`: the same here.
    variant.env = list(upload.env)
    variant.secrets = set(upload.secrets)
    handover = variant.handover
    if variant.problem is not None or handover is None:
        return NoHandOff(variant.problem or "the upload cannot be handed over", variant.advice)
    return HandOff(
        publish_step=handover.publish_job_step(variant.step),
        packages_dir=handover.packages_dir.rstrip("/") + "/",
        goes=handover.replace_step,
        edit=lambda patch, follows: editor.edit(variant, patch, follows),
        notes=tuple(variant.notes),
    )
