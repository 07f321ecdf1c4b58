"""Exit codes of every trustpub command (SPEC section 4)."""

EXIT_OK = 0  # nothing to do, or success
EXIT_CHANGES_NEEDED = 1  # check and diff: token publishing remains / changes are needed
EXIT_USAGE = 2
EXIT_FAILED = 3  # some repositories failed
EXIT_INTERRUPTED = 4  # Ctrl-C, or the rate-limit budget is exhausted
