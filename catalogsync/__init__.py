"""catalogsync: catalog-as-code for the legacy 2Checkout admin API."""

__version__ = "0.1.0"
