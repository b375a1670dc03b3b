"""Scripts that print figures (never timed assertions in tests): ``python -m benchmarks.scale``."""
