"""Models of the mal app: filled by its own issue."""
