"""The fake's domain layer: plain Python state and rules, no HTTP."""
