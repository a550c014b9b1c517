"""The only code that writes SQLite: schema, de-duplication, full-text search, exports (the archive issue)."""
