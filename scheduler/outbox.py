"""The dispatcher loop: delivers due outbox rows in the background (serve, scheduler)."""
