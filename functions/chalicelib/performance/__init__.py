"""Published performance: per service and agency per month, counted as applications move (no scan)."""
