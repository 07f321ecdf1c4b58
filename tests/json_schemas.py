"""Validate trustpub's JSON outputs against the schemas the package ships (trustpub.schemas)."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
from referencing import Registry, Resource

from trustpub import schemas


@cache
def _registry() -> Registry:
    documents = [schemas.load(name) for name in schemas.NAMES]
    return Registry().with_resources(
        (document["$id"], Resource.from_contents(document)) for document in documents
    )


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schemas.load(name),
        registry=_registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def assert_valid(name: str, document: Any) -> None:
    """Fails with every error the schema `name` finds in `document`."""
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors
    )
