"""The product on one machine with no AWS account: DynamoDB Local, a mail catcher, the site and the API."""
