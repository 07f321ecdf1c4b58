"""trustpub: move PyPI uploads in GitHub Actions to trusted publishing."""

__version__ = "0.1.0"
