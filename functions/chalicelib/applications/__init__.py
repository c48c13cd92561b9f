"""Applications: intake and validation of a submitted form, the submission and its reference, the approval
chain (links, decisions, renewals), the timeline people read, and the per-client rate limit. Domain code: no
AWS SDK, web framework or template engine (checked by `make lint`)."""
