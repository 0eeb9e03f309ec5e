"""Core of the 12345 hotline service: configuration, database, models, clock and CLI."""
