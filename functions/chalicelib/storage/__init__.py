"""Storage: the port the services use (port.py) apart from its DynamoDB adapter (dynamo.py, with the item
codecs and the table definition). The services import only port.py."""
