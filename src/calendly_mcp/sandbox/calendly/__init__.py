"""The simulated Calendly API v2: its records, seed, store, rules and routes."""
