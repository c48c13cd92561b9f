"""The web layer: the API's HTML pages and application form, its OpenAPI document, and the rules about
requests (same-origin posts, the client's address, the CloudFront edge secret)."""
