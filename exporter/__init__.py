"""Accessible multi-format document exporter: readers -> canonical model -> writers."""

__version__ = "0.1.0"
