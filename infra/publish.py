"""`make publish STAGE=prod`: upload build/site to the stage's bucket, then invalidate CloudFront.

- Content types are set per extension (S3 would otherwise guess, or store binary/octet-stream), with
  charset=utf-8 on text.
- Cache-Control: files whose names carry a content hash or a version (main.57a0d79d.min.css,
  mermaid-11.17.2.min.js) never change and are cached for a year, `immutable`; everything else (pages,
  data, unversioned scripts and styles) for five minutes, and CloudFront's copy is invalidated by each
  publish, so a change is visible at once at the edge and within five minutes in browsers.
- Only what changed is uploaded (S3's ETag is the MD5 of a single-part upload), assets before pages so a
  new page never points at a missing asset; pages and files gone from the build are then deleted, except
  hashed assets, which pages still cached in browsers may reference.
- Before anything is uploaded, the site's inline scripts are checked against the Content-Security-Policy
  the deployed stack makes CloudFront send: a theme upgrade that changes them must first be deployed
  with the new hashes (infra/template.yml, SiteHeaders), or browsers would refuse to run them.
- The keys the bucket serves after the publish are written to the stack's CloudFront KeyValueStore of
  published paths (infra/site_paths.py): new ones once their files are uploaded, removed ones before their
  files are deleted. The site behaviour's functions answer every other path with the 404 page, status 404.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import mimetypes
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from infra import site_paths

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "site"
TEMPLATE = ROOT / "infra" / "template.yml"
DEFAULT_REGION = "ap-southeast-3"

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
# A content hash (8+ hex digits between dots) or a semantic version in the file name, or a Pagefind chunk
# (id_<7+ hex>.pf_index/.pf_fragment, pagefind.id_<hex>.pf_meta): named by their content, so kept after a
# publish for readers whose cached pagefind-entry.json (5 minutes) still points at them.
VERSIONED_NAME = re.compile(r"(\.[0-9a-f]{8,}\.)|(-\d+\.\d+\.\d+[.-])|(_[0-9a-f]{7,}\.pf_(index|fragment|meta)$)")
TEXT = "; charset=utf-8"
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html" + TEXT,
    ".css": "text/css" + TEXT,
    ".js": "text/javascript" + TEXT,
    ".mjs": "text/javascript" + TEXT,
    ".json": "application/json" + TEXT,
    ".map": "application/json" + TEXT,
    ".webmanifest": "application/manifest+json" + TEXT,
    ".xml": "application/xml" + TEXT,
    ".txt": "text/plain" + TEXT,
    ".csv": "text/csv" + TEXT,
    ".md": "text/markdown" + TEXT,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/vnd.microsoft.icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",  # sitemap.xml.gz is a file to download, not an encoding of sitemap.xml
    ".zip": "application/zip",
}
INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)


class PublishError(RuntimeError):
    """Publishing stopped before changing anything it should not: the message says why."""


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def cache_control(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    if not name.endswith(".html") and VERSIONED_NAME.search(name):
        return IMMUTABLE
    return SHORT


def is_page(key: str) -> bool:
    return key.endswith(".html")


# --- the Content-Security-Policy and the site's inline scripts -------------------------------------------------------


def page_script_hashes(pages: Iterable[tuple[str, str]]) -> dict[str, str]:
    """'sha256-...' of every inline script the browser runs -> the first page (name, HTML) that has it."""
    hashes: dict[str, str] = {}
    for name, text in pages:
        for attributes, body in INLINE_SCRIPT.findall(text):
            if re.search(r"\bsrc\s*=", attributes):
                continue
            kind = re.search(r"\btype\s*=\s*[\"']?([^\"'\s>]+)", attributes)
            if kind and kind.group(1).lower() not in ("text/javascript", "module", "application/javascript"):
                continue  # data blocks (application/json) are never executed
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
            hashes.setdefault(f"sha256-{digest}", name)
    return hashes


def inline_script_hashes(site: Path) -> dict[str, str]:
    """'sha256-...' of every inline script of the built site -> the first page that has it."""
    pages = sorted(site.rglob("*.html"))
    return page_script_hashes((page.relative_to(site).as_posix(), page.read_text(encoding="utf-8")) for page in pages)


def csp_sources(policy: str, directive: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0].lower() == directive:
            return words[1:]
    return []


def hashes_blocked(policy: str, hashes: Mapping[str, str]) -> dict[str, str]:
    """Of the inline scripts `hashes` (hash -> page), those `policy` would block; empty when all may run."""
    sources = csp_sources(policy, "script-src") or csp_sources(policy, "default-src")
    if "'unsafe-inline'" in sources and not any(s.startswith(("'sha", "'nonce")) for s in sources):
        return {}
    allowed = {source.strip("'") for source in sources}
    return {digest: page for digest, page in hashes.items() if digest not in allowed}


def scripts_blocked(policy: str, site: Path) -> dict[str, str]:
    """The inline scripts of the site that `policy` would block (hash -> page); empty when all may run."""
    return hashes_blocked(policy, inline_script_hashes(site))


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads templates written with the short intrinsic tags (!Ref, !Sub, ...)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


def load_template(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(text, Loader=_CloudFormationLoader)  # a SafeLoader subclass
    return loaded


def site_policy(template: Mapping[str, Any]) -> str:
    """The CSP of the site's response headers policy in a template."""
    resource = template["Resources"]["SiteHeaders"]
    config = resource["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    return " ".join(str(config["ContentSecurityPolicy"]["ContentSecurityPolicy"]).split())


# --- the upload plan -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalFile:
    key: str
    path: Path
    md5: str

    @property
    def content_type(self) -> str:
        return content_type(self.path)

    @property
    def cache_control(self) -> str:
        return cache_control(self.key)


@dataclass
class Plan:
    upload: list[LocalFile] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # gone from the build, but a hashed asset: kept
    unchanged: int = 0

    @property
    def changes(self) -> bool:
        return bool(self.upload or self.delete)


def local_files(site: Path) -> Iterator[LocalFile]:
    for path in sorted(site.rglob("*")):
        if path.is_file():
            key = path.relative_to(site).as_posix()
            yield LocalFile(key, path, hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest())


def remote_etags(s3: Any, bucket: str) -> dict[str, str]:
    etags: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            etags[item["Key"]] = str(item["ETag"]).strip('"')
    return etags


def make_plan(files: Iterable[LocalFile], remote: Mapping[str, str], *, force: bool = False) -> Plan:
    plan = Plan()
    local: dict[str, LocalFile] = {f.key: f for f in files}
    for key, file in local.items():
        if force or remote.get(key) != file.md5:
            plan.upload.append(file)
        else:
            plan.unchanged += 1
    # Assets first, pages last: a page is only replaced once everything it links to is there.
    plan.upload.sort(key=lambda f: (is_page(f.key), f.key))
    for key in sorted(set(remote) - set(local)):
        (plan.kept if cache_control(key) == IMMUTABLE else plan.delete).append(key)
    return plan


# --- publishing ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    bucket: str
    distribution: str
    paths: str = ""  # the ARN of the KeyValueStore of published paths ("": a stack from before it existed)


@dataclass(frozen=True)
class Result:
    plan: Plan
    invalidation: str | None
    paths: site_paths.PathsChange | None = None


def publish(
    s3: Any,
    cloudfront: Any,
    target: Target,
    site: Path,
    policy: str,
    *,
    paths_store: Any = None,
    force: bool = False,
    dry_run: bool = False,
    log: Any = print,
) -> Result:
    """`paths_store`: a cloudfront-keyvaluestore client, needed when the target has a store of paths."""
    if not (site / "index.html").is_file():
        raise PublishError(f"{site} has no index.html: run `make site` first")
    blocked = scripts_blocked(policy, site)
    if blocked:
        listed = "\n  ".join(f"'{digest}'  (first in {page})" for digest, page in sorted(blocked.items()))
        raise PublishError(
            "the CloudFront Content-Security-Policy would block inline scripts of this build. Add them to "
            "script-src in infra/template.yml (SiteHeaders), `make deploy`, then publish:\n  " + listed
        )
    files = list(local_files(site))
    plan = make_plan(files, remote_etags(s3, target.bucket), force=force)
    paths = None
    if target.paths:
        if paths_store is None:
            raise PublishError(f"the stack has a store of published paths ({target.paths}): pass its client")
        served = [f.key for f in files] + plan.kept  # what the bucket serves once this publish is done
        try:
            site_paths.check_keys(served)
        except site_paths.SitePathsError as error:
            raise PublishError(str(error)) from None
        paths = site_paths.plan_change(site_paths.stored_keys(paths_store, target.paths), served)
    log(
        f"s3://{target.bucket}: {len(plan.upload)} to upload, {len(plan.delete)} to delete, "
        f"{plan.unchanged} unchanged, {len(plan.kept)} old hashed assets kept"
    )
    if paths is not None:
        site_paths.describe(paths, target.paths, log)
    if dry_run:
        for file in plan.upload:
            log(f"  upload {file.key}  ({file.content_type}; {file.cache_control})")
        for key in plan.delete:
            log(f"  delete {key}")
        return Result(plan, None, paths)
    for file in plan.upload:
        s3.put_object(
            Bucket=target.bucket,
            Key=file.key,
            Body=file.path.read_bytes(),
            ContentType=file.content_type,
            CacheControl=file.cache_control,
            ContentMD5=base64.b64encode(bytes.fromhex(file.md5)).decode("ascii"),
        )
    if paths is not None:  # new paths once their files are there; removed ones before their files go
        site_paths.apply_puts(paths_store, target.paths, paths)
        site_paths.apply_deletes(paths_store, target.paths, paths)
    for start in range(0, len(plan.delete), 1000):
        batch = plan.delete[start : start + 1000]
        s3.delete_objects(Bucket=target.bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True})
    invalidation = None
    if plan.changes:
        response = cloudfront.create_invalidation(
            DistributionId=target.distribution,
            InvalidationBatch={
                "Paths": {"Quantity": 1, "Items": ["/*"]},
                "CallerReference": f"publish-{time.time_ns()}",
            },
        )
        invalidation = str(response["Invalidation"]["Id"])
        log(f"CloudFront {target.distribution}: invalidation {invalidation} of /* (edges refresh within minutes)")
    else:
        log("Nothing changed: no invalidation.")
    return Result(plan, invalidation, paths)


def stack_target_and_policy(session: Any, stage: str) -> tuple[Target, str]:
    """The bucket and distribution from the stage's stack outputs, and the CSP it deployed."""
    from infra.aws import stack_name

    cloudformation = session.client("cloudformation")
    name = stack_name(stage)
    try:
        stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    except Exception as error:
        raise PublishError(
            f"cannot read stack {name} ({error}); is it deployed (`make deploy STAGE={stage}`)?"
        ) from None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    target = Target(outputs["SiteBucketName"], outputs["DistributionId"], outputs.get("SitePathsArn", ""))
    deployed = cloudformation.get_template(StackName=name, TemplateStage="Original")["TemplateBody"]
    template = deployed if isinstance(deployed, dict) else load_template(str(deployed))
    return target, site_policy(template)


def paths_client(session: Any) -> Any:
    """The KeyValueStore data plane: global, signed with SigV4A, which needs the AWS CRT (`awscrt`)."""
    try:
        import awscrt  # noqa: F401
    except ImportError:
        raise PublishError(
            "writing the site's paths to CloudFront KeyValueStore needs the AWS CRT: "
            ".venv/bin/python -m pip install -c constraints.txt -e '.[deploy]' (make publish does it)"
        ) from None
    return session.client("cloudfront-keyvaluestore", region_name="us-east-1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.publish", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument(
        "--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    )
    parser.add_argument("--force", action="store_true", help="upload every file (after changing the rules here)")
    parser.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    args = parser.parse_args(argv)
    import boto3

    session = boto3.session.Session(region_name=args.region)
    try:
        target, policy = stack_target_and_policy(session, args.stage)
        publish(
            session.client("s3"),
            session.client("cloudfront"),
            target,
            args.site,
            policy,
            paths_store=paths_client(session) if target.paths else None,
            force=args.force,
            dry_run=args.dry_run,
        )
    except PublishError as error:
        print(f"publish: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
