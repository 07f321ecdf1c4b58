"""The rewrite engine: pure functions from workflow text to a RewriteResult."""
