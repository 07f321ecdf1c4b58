"""`python -m trustpub`: the same command line as the `trustpub` executable."""

from __future__ import annotations

from trustpub.cli import console_script

if __name__ == "__main__":
    console_script()
