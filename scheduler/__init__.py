"""Timers for deadlines and reminders on APScheduler (arrives with the deadlines issue)."""
