"""The simulated Maton: its gateway in front of the Calendly API, and its connection API."""
