"""Operating a server: backups and their restore (``charter backup``, ``charter restore``)."""
