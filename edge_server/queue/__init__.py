"""Queue rules (pure, in `rules`) and the service that stores them (`service`)."""
