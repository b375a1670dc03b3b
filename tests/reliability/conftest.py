"""The reliability tests use the ``hostile`` server fixture of tests/conftest.py."""
