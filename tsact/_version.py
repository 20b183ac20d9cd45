"""The tsact version, kept in one place for the package and every record."""

__version__ = "0.1.0"
