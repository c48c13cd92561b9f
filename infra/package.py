"""`make package STAGE=prod`: the deployable CloudFormation template and Lambda bundle, offline.

    build/package/<stage>/sam.yaml         Chalice's SAM template merged with infra/template.yml
    build/package/<stage>/deployment.zip   the Lambda code: functions/ plus standards/ as chalicelib/standards

Needs no AWS account and no credentials: `chalice package` only writes files. It runs on a staging copy
of functions/ (build/package-src/<stage>/), never in the working tree, so that:

- standards/ is bundled as chalicelib/standards (where chalicelib.wiring looks on Lambda) without
  leaving a copy behind in functions/chalicelib/standards for `make serve` to pick up by mistake. It is
  bundled compiled (chalicelib/standard/compiled.py): parsed here once by the same parser, written as one
  JSON file per service and a small index, so a cold start reads the index and each request one service,
  whatever the size of the catalogue;
- Chalice's policy generator is switched off for the stage. It cannot read this app's code, and would
  grant every action on "*" anyway. Each function's role gets a placeholder policy that denies
  everything, which infra/template.yml replaces with a least-privilege one; a role the template forgets
  stays useless and fails tests/infra/test_cloudformation.py rather than getting broad rights.

The Lambda's Python and architecture are pinned here (LAMBDA_PYTHON, LAMBDA_ARCHITECTURE), not taken
from the Python that runs the build (Chalice would name its own, 3.11 here). Chalice packages only the
app's code; the third-party packages of functions/requirements.txt are wheels fetched by `pip download`
for that Python and platform (compiled ones, such as PyYAML's and MarkupSafe's C extensions, included),
checked to be exactly the pinned ones and compatible, and unpacked into the zip. They are cached under
build/package-cache/wheels/: the first run needs PyPI, every later run with the same requirements is offline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date
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
HOLIDAY_TABLE = Path("chalicelib") / "time" / "hari_libur.json"  # chalicelib.time.public_holidays.TABLE_FILE
TEMPLATE_NAME = "sam.yaml"  # Chalice writes YAML when the merged template is YAML
BUNDLE_NAME = "deployment.zip"
# Never copied into the package: caches, local state, Chalice's own deployment records.
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache", "deployments", "standards")
# The Lambda runtime: Python 3.13 on Amazon Linux 2023 (glibc 2.34), Graviton. The code also runs on the
# build machine's 3.11 (tests); tests/infra/test_package.py keeps it free of what 3.13 removed.
LAMBDA_PYTHON = "3.13"
LAMBDA_RUNTIME = f"python{LAMBDA_PYTHON}"
LAMBDA_ARCHITECTURE = "arm64"
LAMBDA_MACHINE = "aarch64"
LAMBDA_GLIBC = (2, 34)
WHEEL_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_34_aarch64")  # pip widens each to older glibc tags
REQUIREMENTS = "requirements.txt"
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


def compile_standards(standards: Path, bundled: Path) -> int:
    """Parse standards/ and write its compiled form into `bundled`: the number of services."""
    if str(FUNCTIONS) not in sys.path:
        sys.path.insert(0, str(FUNCTIONS))
    from chalicelib.standard.compiled import compile_standards as compile_into
    from chalicelib.standard.parsing import InvalidStandardError

    try:
        return compile_into(standards, bundled)
    except InvalidStandardError as error:
        raise PackageError(f"standards/ has errors, run `make check`:\n{error}") from None


def write_holiday_table(path: Path) -> int:
    """Indonesia's holidays and cuti bersama for the years around this build, read by the Lambda at run time
    (importing the `holidays` package there would cost half a second of every cold start)."""
    if str(FUNCTIONS) not in sys.path:
        sys.path.insert(0, str(FUNCTIONS))
    from chalicelib.time.public_holidays import write_table, years_around

    return write_table(path, years_around(date.today()))


def copy_follow_up_plans(standards: Path, bundled: Path) -> int:
    """The survey's follow-up plans (standards/<agency>/_tindak-lanjut/, chalicelib/surveys/follow_up.py) beside
    the compiled catalogue, where the API reads them: the number of files copied."""
    copied = 0
    for plan in sorted(standards.glob("*/_tindak-lanjut/*/*.md")):
        target = bundled / plan.relative_to(standards)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(plan, target)
        copied += 1
    return copied


def stage_project(stage: str, functions: Path, standards: Path, staging: Path, cache: Path) -> None:
    """A copy of functions/ with the standards bundled and the stage's IAM policy left to the template."""
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(functions, staging, ignore=IGNORED)
    compile_standards(standards, staging / BUNDLED_STANDARDS)
    copy_follow_up_plans(standards, staging / BUNDLED_STANDARDS)
    write_holiday_table(staging / HOLIDAY_TABLE)

    # Chalice would fetch wheels for the Python running it: it packages the code only, the wheels come after.
    (staging / REQUIREMENTS).write_text("# vendored by infra/package.py for the Lambda's Python\n", encoding="utf-8")
    config_path = staging / ".chalice" / "config.json"
    config: dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8"))
    stage_config = config["stages"][stage]
    stage_config["lambda_architecture"] = LAMBDA_ARCHITECTURE
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


# --- third-party wheels for the Lambda's Python ---------------------------------------------------------------


def pinned_requirements(path: Path) -> dict[str, str]:
    """functions/requirements.txt as {normalised name: version}; every line must pin one version."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([A-Za-z0-9.+!_-]+)", line)
        if not match:
            raise PackageError(f"{path}: {line!r} must pin one version (name==version): it lists what ships")
        pins[normalise(match.group(1))] = match.group(2)
    return pins


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_tags(filename: str) -> tuple[str, str, set[tuple[str, str, str]]]:
    """(name, version, {(python, abi, platform)}) of a wheel file name (PEP 427, compressed tag sets)."""
    parts = filename[: -len(".whl")].split("-")
    if len(parts) not in (5, 6):
        raise PackageError(f"not a wheel file name: {filename}")
    name, version = parts[0], parts[1]
    pythons, abis, platforms = parts[-3], parts[-2], parts[-1]
    tags = {(p, a, pl) for p in pythons.split(".") for a in abis.split(".") for pl in platforms.split(".")}
    return normalise(name), version, tags


def runs_on_lambda(python: str, abi: str, platform: str) -> bool:
    """A wheel tag the Lambda runtime (CPython LAMBDA_PYTHON, manylinux aarch64, LAMBDA_GLIBC) can load."""
    version = int(LAMBDA_PYTHON.replace(".", ""))
    if abi == "none":
        python_ok = python in ("py3", f"py{version}", f"cp{version}")
    elif abi == "abi3":  # the stable ABI: built for an older CPython 3 runs on newer ones
        python_ok = re.fullmatch(r"cp3\d+", python) is not None and int(python[2:]) <= version
    else:
        python_ok = python == abi == f"cp{version}"
    if not python_ok:
        return False
    if platform == "any":
        return abi == "none"
    legacy = {"manylinux2014": (2, 17), "manylinux2010": (2, 12), "manylinux1": (2, 5)}
    perennial = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", platform)
    old = re.fullmatch(r"(manylinux(?:2014|2010|1))_(\w+)", platform)
    if perennial:
        glibc, machine = (int(perennial.group(1)), int(perennial.group(2))), perennial.group(3)
    elif old:
        glibc, machine = legacy[old.group(1)], old.group(2)
    else:
        return False
    return machine == LAMBDA_MACHINE and glibc <= LAMBDA_GLIBC


def fetch_wheels(requirements: Path, cache: Path) -> list[Path]:
    """The wheels of `requirements` for the Lambda's Python and platform, from the cache or PyPI (pip)."""
    pins = pinned_requirements(requirements)
    key = hashlib.sha256(
        json.dumps([sorted(pins.items()), LAMBDA_PYTHON, WHEEL_PLATFORMS]).encode("utf-8")
    ).hexdigest()[:24]
    folder = cache / f"{LAMBDA_RUNTIME}-{LAMBDA_ARCHITECTURE}-{key}"
    done = folder / ".complete"
    if not done.exists():
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
        command += ["--only-binary=:all:", "--implementation", "cp", "--python-version", LAMBDA_PYTHON]
        for platform in WHEEL_PLATFORMS:
            command += ["--platform", platform]
        command += ["--requirement", str(requirements), "--dest", str(folder)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise PackageError(
                f"pip could not fetch the wheels of {requirements} for {LAMBDA_RUNTIME} on {LAMBDA_ARCHITECTURE} "
                f"(is PyPI reachable?):\n{(result.stdout + result.stderr).strip()[-3000:]}"
            )
        done.write_text("ok\n", encoding="utf-8")
    wheels = sorted(folder.glob("*.whl"))
    check_wheels(wheels, pins, requirements)
    return wheels


def check_wheels(wheels: list[Path], pins: dict[str, str], requirements: Path) -> None:
    """Exactly the pinned packages, each a wheel the Lambda can load."""
    found: dict[str, str] = {}
    for wheel in wheels:
        name, version, tags = wheel_tags(wheel.name)
        if not any(runs_on_lambda(*tag) for tag in tags):
            raise PackageError(f"{wheel.name} does not run on {LAMBDA_RUNTIME} {LAMBDA_ARCHITECTURE}")
        found[name] = version
    if found != pins:
        unpinned = sorted(f"{n}=={v}" for n, v in found.items() if pins.get(n) != v)
        missing = sorted(f"{n}=={v}" for n, v in pins.items() if found.get(n) != v)
        raise PackageError(
            f"{requirements} must list exactly what ships: pip brought {', '.join(unpinned) or 'nothing more'}"
            f"{'; missing ' + ', '.join(missing) if missing else ''}. Pin every dependency there."
        )


def add_wheels(bundle: Path, wheels: list[Path]) -> None:
    """Unpack the wheels into the zip's root, where Lambda's Python finds packages (the task root)."""
    with zipfile.ZipFile(bundle) as archive:
        present = set(archive.namelist())
    with zipfile.ZipFile(bundle, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as source:
                for info in source.infolist():
                    name = info.filename
                    data_dir = re.match(r"[^/]+\.data/(purelib|platlib)/(.+)", name)
                    if data_dir:
                        name = data_dir.group(2)
                    elif re.match(r"[^/]+\.data/", name) or info.is_dir() or "/__pycache__/" in f"/{name}":
                        continue  # scripts and headers: nothing a Lambda imports
                    if name in present:
                        raise PackageError(f"{wheel.name} would overwrite {name} in {bundle.name}")
                    target = zipfile.ZipInfo(name, date_time=info.date_time)
                    target.external_attr = info.external_attr
                    target.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(target, source.read(info))
                    present.add(name)


def pin_runtime(template_path: Path) -> None:
    """Every function of the packaged template runs LAMBDA_RUNTIME on LAMBDA_ARCHITECTURE."""
    template: dict[str, Any] = yaml.safe_load(template_path.read_text(encoding="utf-8"))
    for resource in template["Resources"].values():
        if resource.get("Type") in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            resource["Properties"]["Runtime"] = LAMBDA_RUNTIME
            resource["Properties"]["Architectures"] = [LAMBDA_ARCHITECTURE]
    template_path.write_text(yaml.safe_dump(template, sort_keys=False, allow_unicode=True), encoding="utf-8")


def check_merge(template: dict[str, Any]) -> None:
    """A key of infra/template.yml that names no Chalice resource would merge into a resource with no type."""
    untyped = sorted(name for name, resource in template["Resources"].items() if "Type" not in resource)
    if untyped:
        raise PackageError(
            f"infra/template.yml completes resources Chalice did not generate: {', '.join(untyped)}. "
            "Was a handler renamed in functions/app.py? Rename its keys in infra/template.yml."
        )


def check_bundle(bundle: Path) -> int:
    """The compiled catalogue made it into the zip: the number of services in it."""
    prefix = BUNDLED_STANDARDS.as_posix() + "/"
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
    if "app.py" not in names:
        raise PackageError(f"{bundle} has no app.py")
    if prefix + "index.json" not in names:
        raise PackageError(f"{bundle} has no compiled catalogue ({prefix}index.json)")
    count = sum(1 for name in names if name.startswith(prefix + "services/") and name.endswith(".json"))
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
    staging = build / "package-src" / stage  # staging compiles standards/, refusing one with errors
    out = output_directory(stage, build)
    stage_project(stage, functions, standards, staging, cache or build / "package-cache" / "deployments")
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    run_chalice(staging, stage, template, out, region)
    result = Package(stage, out)
    wheels_cache = (cache or build / "package-cache" / "deployments").parent / "wheels"
    add_wheels(result.bundle, fetch_wheels(functions / REQUIREMENTS, wheels_cache))
    pin_runtime(result.template)
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
