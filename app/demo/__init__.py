"""Demo data and first-run accounts."""
