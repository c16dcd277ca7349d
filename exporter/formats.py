"""The output formats, in the order every listing uses. A module of its own so that `exporter --help` can name them
without importing the build options (dataclasses imports inspect: a third of --help's start-up)."""

FORMATS = ("html", "pdf", "epub", "docx")
