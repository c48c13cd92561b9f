"""Mail: what each message says (composer, from templates/mail/), how it is sent (SMTP or SES transports),
and the outbox that sends queued messages once, with retries. An adapter layer: it may use jinja2 and boto3."""
