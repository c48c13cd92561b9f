"""The officer directory: who holds which role of which agency, and in which time zone the agency works."""
