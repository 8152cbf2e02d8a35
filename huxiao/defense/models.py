"""Models of the defense app."""
