"""Fakes of the outside services, for tests and benchmarks only: never shipped in the Lambda package."""
