"""Changes that touch several records, each in one transaction."""
