"""The commands, one module each with ``run(args, console) -> int``; :mod:`catalogsync.cli` imports only the
one it runs, so that ``--version``, ``--help`` and ``validate`` never import the HTTP client, the diff or the
sandbox."""
