"""Benchmarks of ../shared/BENCHMARKS.md: one module per workload, run by run_all.py."""
