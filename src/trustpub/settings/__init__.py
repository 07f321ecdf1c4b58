"""The settings of `check`, `diff`, `apply` and `bot`: one object, filled from flags and files.

`model.Settings` declares every setting once (its flag on each command, where a file may set it,
how it is checked); `commands` turns that into the typer commands; `files` reads
`[tool.trustpub]` and `--config FILE`. Flags win over files, files over defaults.
"""
