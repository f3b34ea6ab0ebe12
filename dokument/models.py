"""Models of the dokument app: filled by its own issue."""
