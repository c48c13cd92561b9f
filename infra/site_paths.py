"""The site's published paths in CloudFront KeyValueStore, kept equal to what the site bucket serves.

The site behaviour's two CloudFront Functions (infra/template.yml: DirectoryIndex, NotFoundStatus) read this
store: a path whose S3 key is not in it is served as the 404 page with status 404. Only the site behaviour has
them, so the API's own answers (its 403 and 404 pages) always reach the browser as the API wrote them.

`make publish` writes it (infra/publish.py): the keys of new files after they are uploaded, then the key
COMPLETE (until it exists the functions let every path through to S3, as before the store existed: a stack
updated but not yet published keeps serving its site), then the deletions, before the files are deleted. Each
write names the store's current version (IfMatch), so two publishes at once cannot interleave: the second fails
and can simply be run again.

The store's data plane is signed with SigV4A, which botocore only does with the AWS CRT installed
(`awscrt`, the project's `deploy` extra, installed by `make publish` and `make deploy`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

COMPLETE = "#published"  # no S3 key starts with "#": the functions read it as "the store holds the whole site"
VALUE = "1"  # only the keys matter
MAX_KEY_BYTES = 512  # CloudFront KeyValueStore's key size
MAX_STORE_BYTES = 5 * 1024 * 1024  # and its total size (keys and values)
BATCH = 50  # keys per UpdateKeys request, and per ListKeys page


class SitePathsError(RuntimeError):
    """The paths cannot be stored: the message says which and why (nothing was written)."""


@dataclass(frozen=True)
class PathsChange:
    put: tuple[str, ...]
    deleted: tuple[str, ...]

    @property
    def changes(self) -> bool:
        return bool(self.put or self.deleted)


def check_keys(keys: Iterable[str]) -> None:
    """Refuse, before anything is uploaded, a site the store cannot describe."""
    keys = list(keys)
    too_long = [key for key in keys if len(key.encode("utf-8")) > MAX_KEY_BYTES]
    if too_long:
        listed = "\n  ".join(too_long[:10])
        raise SitePathsError(
            f"{len(too_long)} file paths are longer than CloudFront KeyValueStore's {MAX_KEY_BYTES} bytes "
            f"(shorten the file names):\n  {listed}"
        )
    size = sum(len(key.encode("utf-8")) + len(VALUE) for key in [*keys, COMPLETE])
    if size > MAX_STORE_BYTES:
        raise SitePathsError(
            f"the site's {len(keys):,} paths need {size:,} bytes in CloudFront KeyValueStore, more than its "
            f"{MAX_STORE_BYTES:,}"
        )


def stored_keys(store: Any, arn: str) -> set[str]:
    keys: set[str] = set()
    token = ""
    while True:
        page = store.list_keys(KvsARN=arn, MaxResults=BATCH, **({"NextToken": token} if token else {}))
        keys.update(str(item["Key"]) for item in page.get("Items", []))
        token = str(page.get("NextToken") or "")
        if not token:
            return keys


def plan_change(stored: set[str], keys: Iterable[str]) -> PathsChange:
    wanted = set(keys)
    put = sorted(wanted - stored)
    if COMPLETE not in stored:
        put.append(COMPLETE)  # last: the store is complete only once every path is in it
    deleted = sorted(stored - wanted - {COMPLETE})
    return PathsChange(tuple(put), tuple(deleted))


def _batches(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def apply_puts(store: Any, arn: str, change: PathsChange) -> None:
    """Put the new paths (COMPLETE last), each request conditional on the version the previous one left."""
    etag = str(store.describe_key_value_store(KvsARN=arn)["ETag"])
    for batch in _batches(change.put):
        puts = [{"Key": key, "Value": VALUE} for key in batch]
        etag = str(store.update_keys(KvsARN=arn, IfMatch=etag, Puts=puts)["ETag"])


def apply_deletes(store: Any, arn: str, change: PathsChange) -> None:
    """Delete the removed paths: called before their files are deleted from the bucket."""
    if not change.deleted:
        return
    etag = str(store.describe_key_value_store(KvsARN=arn)["ETag"])
    for batch in _batches(change.deleted):
        etag = str(store.update_keys(KvsARN=arn, IfMatch=etag, Deletes=[{"Key": key} for key in batch])["ETag"])


def describe(change: PathsChange, arn: str, log: Callable[[str], object]) -> None:
    added = len([key for key in change.put if key != COMPLETE])
    log(f"{arn.rsplit('/', 1)[-1]}: {added} paths to add, {len(change.deleted)} to delete (CloudFront KeyValueStore)")
