"""GitHub access through PyGithub: one place builds the client; secrets, environments, PRs."""
