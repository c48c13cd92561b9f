"""Infrastructure: the local embedded stack behind `make serve` (infra/local) and, later, deployment."""
