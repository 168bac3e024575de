"""Reference data every service may read: ROME jobs, NAF sectors, French places (see data/PROVENANCE.md)."""
