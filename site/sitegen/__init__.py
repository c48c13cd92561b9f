"""Build tooling for the public site and the standards checker (not deployed to Lambda)."""
