"""Scorers of the benchmarks: load each evaluation set and score newsweave against it."""
