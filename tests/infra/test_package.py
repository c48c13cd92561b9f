"""The Lambda package: built for the Lambda's Python and architecture, exactly the pinned packages, no test code.

The build machine runs Python 3.11 on x86_64; the functions run Python 3.13 on arm64. The zip must hold
nothing compiled for the former (a wheel or C extension for another Python or platform is either dead
weight or an import error on Lambda), and the code must run on both.
"""

from __future__ import annotations

import ast
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from infra import package
from tests.infra.test_cloudformation import ROOT, package_once

pytestmark = pytest.mark.integration  # packages the app with chalice (wheels cached after the first run)

# Removed from the standard library by Python 3.12 (PEP 632, asynchat/asyncore/imp/smtpd) and 3.13 (PEP 594).
REMOVED_BY_313 = {
    "distutils", "asynchat", "asyncore", "imp", "smtpd",
    "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib", "nis", "nntplib",
    "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib", "lib2to3",
}  # fmt: skip


def zip_names() -> list[str]:
    with zipfile.ZipFile(package_once().bundle) as archive:
        return archive.namelist()


def zip_text(name: str) -> str:
    with zipfile.ZipFile(package_once().bundle) as archive:
        return archive.read(name).decode("utf-8")


def test_every_function_runs_python_313_on_arm64_and_the_api_gives_up_before_api_gateway_does() -> None:
    resources = package_once().load_template()["Resources"]
    functions = {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    assert set(functions) == {"APIHandler", "DeliverOutbox", "RecordMailEvent"}
    for properties in functions.values():
        assert properties["Runtime"] == "python3.13"
        assert properties["Architectures"] == ["arm64"]
    # API Gateway ends an integration at 29 s with a bare 504; the function must end first, logged as its own.
    assert functions["APIHandler"]["Timeout"] < 29


def test_every_wheel_in_the_zip_was_built_for_cpython_313_on_linux_arm64() -> None:
    names = zip_names()
    wheels = [name for name in names if re.fullmatch(r"[^/]+\.dist-info/WHEEL", name)]
    assert len(wheels) >= 10
    for wheel in wheels:
        tags = re.findall(r"^Tag: (\S+)$", zip_text(wheel), re.MULTILINE)
        assert tags, wheel
        for tag in tags:
            python, abi, platform = tag.split("-")
            assert python in ("py2", "py3", "cp313"), f"{wheel}: {tag}"
            assert abi in ("none", "abi3", "cp313"), f"{wheel}: {tag}"
            assert platform == "any" or platform.endswith("_aarch64"), f"{wheel}: {tag}"
    extensions = [name for name in names if name.endswith(".so")]
    for extension in extensions:
        assert extension.endswith((".cpython-313-aarch64-linux-gnu.so", ".abi3.so")), extension
    # The C extensions that matter: YAML parsing (officer directory, standards) and template escaping.
    assert "yaml/_yaml.cpython-313-aarch64-linux-gnu.so" in extensions
    assert "markupsafe/_speedups.cpython-313-aarch64-linux-gnu.so" in extensions
    assert not [name for name in names if "cpython-311" in name or "x86_64" in name]


def test_the_requirements_list_exactly_what_ships() -> None:
    pins = package.pinned_requirements(ROOT / "functions" / "requirements.txt")
    shipped = {}
    for name in zip_names():
        match = re.fullmatch(r"([^/]+)-([^-/]+)\.dist-info/METADATA", name)
        if match:
            shipped[package.normalise(match.group(1))] = match.group(2)
    assert shipped == pins
    assert "phonenumberslite" in shipped


def test_the_package_step_refuses_a_requirement_that_is_not_pinned(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("boto3>=1.40\n", encoding="utf-8")
    with pytest.raises(package.PackageError, match="must pin one version"):
        package.pinned_requirements(requirements)


@pytest.mark.parametrize(
    ("wheel", "loads"),
    [
        ("pyyaml-6.0.3-cp313-cp313-manylinux2014_aarch64.manylinux_2_17_aarch64.manylinux_2_28_aarch64.whl", True),
        ("six-1.17.0-py2.py3-none-any.whl", True),
        ("cryptography-46.0.0-cp311-abi3-manylinux_2_34_aarch64.whl", True),
        ("pyyaml-6.0.3-cp311-cp311-manylinux2014_aarch64.whl", False),  # the build machine's Python
        ("pyyaml-6.0.3-cp313-cp313-manylinux2014_x86_64.whl", False),  # the build machine's platform
        ("numpy-3.0.0-cp313-cp313-manylinux_2_39_aarch64.whl", False),  # newer glibc than Amazon Linux 2023
        ("pyyaml-6.0.3-cp313-cp313-musllinux_1_1_aarch64.whl", False),
        ("markupsafe-3.0.4-cp313-cp313-macosx_11_0_arm64.whl", False),
    ],
)
def test_a_wheel_is_accepted_only_if_the_lambda_runtime_can_load_it(wheel: str, loads: bool) -> None:
    _, _, tags = package.wheel_tags(wheel)
    assert any(package.runs_on_lambda(*tag) for tag in tags) is loads


def test_the_shipped_code_imports_nothing_python_313_removed() -> None:
    sources = [ROOT / "functions" / "app.py", *sorted((ROOT / "functions" / "chalicelib").rglob("*.py"))]
    for source in sources:
        tree = ast.parse(source.read_text(encoding="utf-8"), str(source), feature_version=(3, 11))
        for node in ast.walk(tree):
            modules = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            for module in modules:
                assert module.split(".")[0] not in REMOVED_BY_313, f"{source.relative_to(ROOT)} imports {module}"


def test_the_deployment_zip_contains_no_test_code() -> None:
    names = zip_names()
    for folder in ("tests/", "bench/", "infra/", "site/", "standards/"):
        assert not [name for name in names if name.startswith(folder)], folder
    app_sources = [name for name in names if name == "app.py" or name.startswith("chalicelib/")]
    assert "chalicelib/wiring.py" in app_sources
    for name in app_sources:
        stem = name.rsplit("/", 1)[-1]
        assert not stem.startswith(("memory_store", "conftest", "test_", "factories", "fakes")), name
        if name.endswith(".py"):
            tree = ast.parse(zip_text(name), name)
            fakes = [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name.startswith("Fake")]
            assert not fakes, f"{name} defines {fakes}"
            imported = [
                module
                for n in ast.walk(tree)
                for module in (
                    [a.name for a in n.names]
                    if isinstance(n, ast.Import)
                    else [n.module or ""]
                    if isinstance(n, ast.ImportFrom)
                    else []
                )
            ]
            assert not [m for m in imported if "memory_store" in m or m.startswith("tests")], name


def test_the_zip_carries_the_holiday_table_so_the_lambda_never_imports_the_holidays_package() -> None:
    table: dict[str, str] = json.loads(zip_text("chalicelib/time/hari_libur.json"))
    this_year = date.today().year
    assert {int(day[:4]) for day in table} >= {this_year, this_year + 1}
    assert all(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day) and name for day, name in table.items())
    assert any(name == "Hari Suci Nyepi" for name in table.values())
    assert not any(name.startswith("holidays/") for name in zip_names())
