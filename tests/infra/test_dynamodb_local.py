"""AWS's DynamoDB Local starts from node_modules, answers on this machine only, runs transactions, keeps data
on disk readable by its owner only, stops."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import stat
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.local.dynamodb_local import DynamoDBLocal, DynamoDBLocalError, find_jar

pytestmark = pytest.mark.integration


def client(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def create_table(dynamodb: Any, name: str) -> None:
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


def put_if_absent(table: str, key: str) -> dict[str, Any]:
    return {
        "Put": {
            "TableName": table,
            "Item": {"pk": {"S": key}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def pid_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has exited all the same.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def this_machines_other_addresses() -> set[str]:
    """The addresses another machine could reach this one at: not loopback, not link-local."""
    found: set[str] = set()
    # A UDP "connection" sends nothing: it only asks the kernel which local address would route there.
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as udp:
            udp.connect((probe, 9))
            found.add(str(udp.getsockname()[0]))
    with contextlib.suppress(OSError):
        found |= {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)}
    addresses = {ipaddress.ip_address(address.split("%")[0]) for address in found}
    return {str(a) for a in addresses if not (a.is_loopback or a.is_link_local or a.is_unspecified)}


def test_the_session_server_answers_list_tables(dynamodb_local: str) -> None:
    assert dynamodb_local.startswith("http://127.0.0.1:")
    assert isinstance(client(dynamodb_local).list_tables()["TableNames"], list)


def test_a_transaction_writes_all_items_or_none(dynamodb_local: str) -> None:
    dynamodb = client(dynamodb_local)
    create_table(dynamodb, "transactions-test")

    dynamodb.transact_write_items(
        TransactItems=[put_if_absent("transactions-test", "a"), put_if_absent("transactions-test", "b")]
    )
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(
            TransactItems=[put_if_absent("transactions-test", "c"), put_if_absent("transactions-test", "a")]
        )

    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [reason["Code"] for reason in refused.value.response["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed"]
    keys = {item["pk"]["S"] for item in dynamodb.scan(TableName="transactions-test")["Items"]}
    assert keys == {"a", "b"}  # "c" was rolled back with the failed condition on "a"


def test_it_cannot_be_reached_from_another_machine(dynamodb_local: str) -> None:
    port = int(dynamodb_local.rsplit(":", 1)[1])
    addresses = this_machines_other_addresses()
    if not addresses:
        pytest.skip("this machine has no address but loopback")
    for address in addresses:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((address, port), timeout=5).close()
    socket.create_connection(("127.0.0.1", port), timeout=5).close()  # while this machine still reaches it


def test_the_database_and_its_log_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    database, log = tmp_path / "db", tmp_path / "log" / "dynamodb.log"
    with DynamoDBLocal(db_path=database, log_path=log) as first:
        create_table(client(first.endpoint), "pribadi")
    # As an earlier version (or a permissive umask) left them: the next start closes them again.
    for path in (database, log.parent, *database.iterdir(), log):
        path.chmod(0o755 if path.is_dir() else 0o644)
    with DynamoDBLocal(db_path=database, log_path=log) as second:
        create_table(client(second.endpoint), "pribadi-lagi")

    files = [*database.iterdir(), log]
    assert any(f.suffix == ".db" for f in files)
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    assert {stat.S_IMODE(d.stat().st_mode) for d in (database, log.parent)} == {0o700}


def test_tables_on_disk_survive_a_restart_and_stop_leaves_no_java(tmp_path: Path) -> None:
    started = time.monotonic()
    with DynamoDBLocal(db_path=tmp_path / "db") as first:
        create_table(client(first.endpoint), "kept")
        first_pid = first.pid
    with DynamoDBLocal(db_path=tmp_path / "db") as second:
        assert "kept" in client(second.endpoint).list_tables()["TableNames"]
        second_pid = second.pid
    elapsed = time.monotonic() - started

    assert first_pid is not None and second_pid is not None
    assert not pid_is_alive(first_pid) and not pid_is_alive(second_pid)
    assert elapsed < 20, f"two starts and stops took {elapsed:.1f} s"


def test_a_missing_jar_names_make_assets(tmp_path: Path) -> None:
    with pytest.raises(DynamoDBLocalError, match="make assets"):
        find_jar(tmp_path)


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DynamoDBLocalError, match="Java 17"):
        DynamoDBLocal().start()


def test_a_taken_port_is_refused_before_starting_java(dynamodb_local: str) -> None:
    taken = DynamoDBLocal(port=int(dynamodb_local.rsplit(":", 1)[1]))
    with pytest.raises(DynamoDBLocalError, match="in use"):
        taken.start()
    assert taken.pid is None


def test_a_java_that_exits_on_start_is_reported_with_its_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text("#!/bin/sh\necho 'Error: could not create the Java Virtual Machine.' >&2\nexit 3\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))

    broken = DynamoDBLocal()
    with pytest.raises(DynamoDBLocalError, match=r"exited with code 3(.|\n)*could not create the Java"):
        broken.start(timeout=30)
    assert broken.pid is None
