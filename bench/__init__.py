"""Benchmarks: each prints its figures; ``python -m bench`` runs all, writes results.json."""
