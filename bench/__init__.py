"""Benchmarks, run by hand (see the README)."""
