"""Profiles' service layer, one module per use-case group: each loads aggregates through the adapters, lets
the domain decide, and saves what changed with its events."""
