"""The catalog file: reading YAML into a :class:`~catalogsync.catalog.Catalog` with located problems
(``loader``, ``yamlread``, ``yamlmarks``, ``rules``), writing it back (``dumper``) and its JSON Schema
(``schema``). The engine's stages (fetch, diff, plan, render, execute) live beside this package and never read
YAML themselves."""
