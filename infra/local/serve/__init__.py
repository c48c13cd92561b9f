"""`make serve`: the whole product on this machine, with no AWS account, on one origin.

    http://127.0.0.1:8000/       the static site (built from standards/ into build/site, rebuilt on edits)
    http://127.0.0.1:8000/api/   the Chalice app, run in this process through chalice's LocalGateway

behind which run AWS's DynamoDB Local (tables kept under var/dynamodb/), an SMTP catcher (every message
kept under var/mail/), and a loop delivering the API's outbox every second. Production routes the same
way: CloudFront sends /api/* to API Gateway (stage "api") and the rest to S3. Ctrl-C (or SIGTERM) stops
everything it started, java included, and exits 0.

The parts, each in its module: `main` (command line, start-up and stop), `console` (what it prints),
`var_folder` (state kept across restarts), `environment` (the API's settings), `site_builder` (build and
swap), `watcher` (edits to the standards), `gateway` (the Chalice app behind chalice's LocalGateway),
`http_server`, `request_body` and `site_headers` (one origin for both), `outbox_pump` (mail delivery).
"""
