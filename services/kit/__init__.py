"""What every Parcours service shares: settings, Mongo, outbox and inbox, broker wiring, observability."""
