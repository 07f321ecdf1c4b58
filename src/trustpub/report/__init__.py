"""What the user is told: diffs, publishers to register, obsolete secrets, skips."""
