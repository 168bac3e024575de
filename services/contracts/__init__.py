"""The published language of Parcours: the event envelope, versioned payloads, the topic catalogue."""
