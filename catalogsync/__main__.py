"""Allow ``python -m catalogsync``."""

from catalogsync.cli import main

raise SystemExit(main())
