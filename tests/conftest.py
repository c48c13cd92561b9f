"""Session fixtures for tests against real local services: DynamoDB Local and the SMTP mail catcher.

Both start only when a test asks for them (pytest fixtures are lazy), once per session, and stop at the end.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.local.dynamodb_local import DynamoDBLocal
from infra.local.mail_catcher import MailCatcher


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[str]:
    """The endpoint URL of an in-memory DynamoDB Local on a free port (~1-3 s to start, once).

    One shared database (-sharedDb) for the whole session: give each test its own table name.
    Any access key and region work; boto3 just needs some, e.g. region ap-southeast-3 and key "local".
    """
    server = DynamoDBLocal().start()
    try:
        yield server.endpoint
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mail_catcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailCatcher]:
    """An SMTP server on 127.0.0.1 (`.host`, `.port`) keeping every message; `.messages()`, `.clear()`.

    Shared by the session: call `.clear()` first in a test that counts messages.
    """
    catcher = MailCatcher(tmp_path_factory.mktemp("mail"), echo=None).start()
    try:
        yield catcher
    finally:
        catcher.stop()
