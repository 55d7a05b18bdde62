"""Rerunnable benchmarks: ``python -m bench`` (build) and ``python -m bench.app`` (app pages)."""
