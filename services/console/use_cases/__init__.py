"""The console's service layer: counting the funnel from events, reading it for the dashboard."""
