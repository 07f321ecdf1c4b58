"""What a new job on a GitHub-hosted Ubuntu runner has before its first step: the programs the
runner image installs and the environment variables GitHub sets. A step moved into a new job may
rely on these, and on nothing else the old job made (data only; `rules/step_needs.py` uses it).
"""

from __future__ import annotations

import re

# Programs on the ubuntu-latest image (actions/runner-images, Ubuntu2404-Readme.md) that a
# release step runs; a language runtime (python, node) is there too, but in another version than
# the one a setup action chose, with none of the packages the job installed: not listed.
PREINSTALLED = frozenset(
    str.split(
        "bash sh gh git curl wget jq yq zip unzip tar gzip xz sha256sum sha512sum shasum md5sum "
        "echo printf cat sed awk grep egrep head tail cut tr sort uniq wc tee ls cp mv rm mkdir "
        "touch test [ [[ true false exit cd pwd export set unset read date basename dirname find "
        "xargs diff cmp stat file realpath env sleep docker gpg openssl ssh ssh-keygen rsync perl"
    )
)
# Words that are shell syntax, not programs.
SHELL_WORDS = frozenset(
    str.split("if then else elif fi for while until do done case esac in local shift return")
)
# Variables every job has (GitHub's default environment variables and the runner's own).
DEFAULT_ENV = re.compile(
    r"^(?:GITHUB_\w+|RUNNER_\w+|ACTIONS_\w+|CI|HOME|PATH|PWD|OLDPWD|USER|SHELL|LANG|TMPDIR"
    r"|ImageOS|ImageVersion|RANDOM|REPLY|IFS|BASH_\w+|OSTYPE|HOSTNAME)$"
)
# Action inputs whose values are files or directories the action reads (`files: dist/*`).
PATH_INPUT = re.compile(r"path|file|artifact|asset|dir|folder", re.IGNORECASE)
# GitHub-hosted images that no longer run (the runner-images repository's deprecations): a new
# job does not copy such a label from the job it is made from.
RETIRED_IMAGES = frozenset({"ubuntu-16.04", "ubuntu-18.04", "ubuntu-20.04"})
