"""Storage faults on a real small filesystem: full, read-only, and space coming back."""
