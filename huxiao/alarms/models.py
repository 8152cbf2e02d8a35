"""Models of the alarms app."""
