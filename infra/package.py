"""`make package STAGE=prod`: the deployable CloudFormation template and Lambda bundle, offline.

    build/package/<stage>/sam.yaml         Chalice's SAM template merged with infra/template.yml
    build/package/<stage>/deployment.zip   the Lambda code: functions/ plus standards/ as chalicelib/standards

Needs no AWS account and no credentials: `chalice package` only writes files. It runs on a staging copy
of functions/ (build/package-src/<stage>/), never in the working tree, so that:

- standards/ is bundled as chalicelib/standards (where chalicelib.wiring looks on Lambda) without
  leaving a copy behind in functions/chalicelib/standards for `make serve` to pick up by mistake;
- Chalice's policy generator is switched off for the stage. It cannot read this app's code, and would
  grant every action on "*" anyway. Each function's role gets a placeholder policy that denies
  everything, which infra/template.yml replaces with a least-privilege one; a role the template forgets
  stays useless and fails tests/infra/test_cloudformation.py rather than getting broad rights.

Chalice caches the third-party packages of functions/requirements.txt under build/package-cache/:
the first run needs PyPI (pip) for the Linux wheels, every later run with the same requirements is offline.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ROOT / "functions"
STANDARDS = ROOT / "standards"
TEMPLATE = ROOT / "infra" / "template.yml"
BUILD = ROOT / "build"
DEFAULT_REGION = "ap-southeast-3"  # Jakarta
BUNDLED_STANDARDS = Path("chalicelib") / "standards"
TEMPLATE_NAME = "sam.yaml"  # Chalice writes YAML when the merged template is YAML
BUNDLE_NAME = "deployment.zip"
# Never copied into the package: caches, local state, Chalice's own deployment records.
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache", "deployments", "standards")
PLACEHOLDER_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ReplacedByInfraTemplate", "Effect": "Deny", "Action": "*", "Resource": "*"}],
}


class PackageError(RuntimeError):
    """Packaging cannot go on: the message says why and what to do."""


@dataclass(frozen=True)
class Package:
    stage: str
    directory: Path

    @property
    def template(self) -> Path:
        return self.directory / TEMPLATE_NAME

    @property
    def bundle(self) -> Path:
        return self.directory / BUNDLE_NAME

    def load_template(self) -> dict[str, Any]:
        loaded: dict[str, Any] = yaml.safe_load(self.template.read_text(encoding="utf-8"))
        return loaded


def output_directory(stage: str, build: Path = BUILD) -> Path:
    return build / "package" / stage


def chalice_stages(functions: Path = FUNCTIONS) -> dict[str, Any]:
    config_path = functions / ".chalice" / "config.json"
    try:
        config: dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"{config_path} is missing: the Chalice app has no configuration yet") from None
    stages: dict[str, Any] = config.get("stages") or {}
    return stages


def check_standards(standards: Path) -> int:
    """The catalogue the Lambda will load must load: the number of services in it."""
    if str(FUNCTIONS) not in sys.path:  # `python -m infra.package` without the Makefile's PYTHONPATH
        sys.path.insert(0, str(FUNCTIONS))
    from chalicelib.standard.catalogue import load_catalogue
    from chalicelib.standard.parsing import InvalidStandardError

    try:
        catalogue = load_catalogue(standards)
    except InvalidStandardError as error:
        raise PackageError(f"standards/ has errors, run `make check`:\n{error}") from None
    return len(catalogue.standards)


def stage_project(stage: str, functions: Path, standards: Path, staging: Path, cache: Path) -> None:
    """A copy of functions/ with the standards bundled and the stage's IAM policy left to the template."""
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(functions, staging, ignore=IGNORED)
    bundled = staging / BUNDLED_STANDARDS
    bundled.mkdir(parents=True)
    for folder in sorted(standards.iterdir()):
        if folder.is_dir() and not folder.name.startswith((".", "_")):
            shutil.copytree(folder, bundled / folder.name, ignore=IGNORED)

    config_path = staging / ".chalice" / "config.json"
    config: dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8"))
    stage_config = config["stages"][stage]
    stage_config["autogen_policy"] = False
    stage_config["iam_policy_file"] = f"policy-{stage}.json"
    stage_config.pop("manage_iam_role", None)
    stage_config.pop("iam_role_arn", None)
    config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (staging / ".chalice" / f"policy-{stage}.json").write_text(json.dumps(PLACEHOLDER_POLICY, indent=2) + "\n")

    cache.mkdir(parents=True, exist_ok=True)
    (staging / ".chalice" / "deployments").symlink_to(cache.resolve(), target_is_directory=True)


def chalice_environment(region: str) -> dict[str, str]:
    """Chalice needs a region to name things; it must never find credentials, so it cannot call AWS."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("AWS_") or name in ("AWS_CA_BUNDLE",)
    }
    environment.update(
        {
            "AWS_DEFAULT_REGION": region,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    return environment


def run_chalice(staging: Path, stage: str, template: Path, out: Path, region: str) -> None:
    chalice = Path(sys.executable).parent / "chalice"
    command = [
        str(chalice) if chalice.exists() else "chalice",
        "package",
        "--pkg-format",
        "cloudformation",
        "--template-format",
        "yaml",
        "--merge-template",
        str(template.resolve()),
        "--stage",
        stage,
        str(out.resolve()),
    ]
    result = subprocess.run(
        command, cwd=staging, env=chalice_environment(region), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise PackageError(f"chalice package failed ({result.returncode}):\n{output[-4000:]}")


def check_merge(template: dict[str, Any]) -> None:
    """A key of infra/template.yml that names no Chalice resource would merge into a resource with no type."""
    untyped = sorted(name for name, resource in template["Resources"].items() if "Type" not in resource)
    if untyped:
        raise PackageError(
            f"infra/template.yml completes resources Chalice did not generate: {', '.join(untyped)}. "
            "Was a handler renamed in functions/app.py? Rename its keys in infra/template.yml."
        )


def check_bundle(bundle: Path) -> int:
    """The agency folders made it into the zip: the number of standards files in it."""
    prefix = BUNDLED_STANDARDS.as_posix() + "/"
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
    if "app.py" not in names:
        raise PackageError(f"{bundle} has no app.py")
    count = sum(1 for name in names if name.startswith(prefix) and name.endswith(".md"))
    if not count:
        raise PackageError(f"{bundle} has no standards under {prefix}")
    return count


def package(
    stage: str,
    *,
    region: str = DEFAULT_REGION,
    functions: Path = FUNCTIONS,
    standards: Path = STANDARDS,
    template: Path = TEMPLATE,
    build: Path = BUILD,
    cache: Path | None = None,
) -> Package:
    """Package `stage` into <build>/package/<stage>; Chalice's dependency cache is <build>/package-cache."""
    stages = chalice_stages(functions)
    if stage not in stages:
        known = ", ".join(sorted(stages)) or "none"
        raise PackageError(f"stage {stage!r} is not in functions/.chalice/config.json (stages: {known})")
    check_standards(standards)
    staging = build / "package-src" / stage
    out = output_directory(stage, build)
    stage_project(stage, functions, standards, staging, cache or build / "package-cache" / "deployments")
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    run_chalice(staging, stage, template, out, region)
    result = Package(stage, out)
    check_merge(result.load_template())
    check_bundle(result.bundle)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.package", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True, help="a stage of functions/.chalice/config.json, e.g. prod")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or DEFAULT_REGION)
    args = parser.parse_args(argv)
    try:
        result = package(args.stage, region=args.region)
    except PackageError as error:
        print(f"make package: {error}", file=sys.stderr)
        return 1
    template = result.load_template()
    size = result.bundle.stat().st_size / 1024 / 1024
    print(f"{result.template.relative_to(ROOT)}: {len(template['Resources'])} resources")
    print(f"{result.bundle.relative_to(ROOT)}: {size:.1f} MB, {check_bundle(result.bundle)} standards bundled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
