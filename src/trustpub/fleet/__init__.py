"""Sources of repositories, the runner, and the sinks that write results."""
