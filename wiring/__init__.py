"""The composition root: settings → engine → runtime → app, CLI and scheduler.

Nothing imports this package; it imports every other one (README "Architecture").
"""
