"""Models of the uppfoljning app: filled by its own issue."""
