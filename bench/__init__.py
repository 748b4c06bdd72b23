"""Benchmark harness for contacts.history at scale (issue 5): `python -m bench.run --quick|--full`.

Never imported by the package or by `make test` (one smoke test in tests/bench keeps it honest).
"""
