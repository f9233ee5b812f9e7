"""Storage: connections (DuckDB or PostgreSQL), migrations, the versioned store, crash repair, backups."""
