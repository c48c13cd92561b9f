"""Only the site's missing paths become its 404 page: the edge functions of the site behaviour, run in node.

The distribution has no CustomErrorResponses (they apply to every behaviour and replaced the API's own 403
pages with the site's 404 page). The site behaviour's two CloudFront Functions read the store of published
paths that `make publish` fills (infra/publish.py): DirectoryIndex rewrites the viewer request, NotFoundStatus
sets the status of the response. Their code is taken from the packaged template and run by node with a fake of
CloudFront's KeyValueStore module, exactly as written but for its one import line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.infra.test_cloudformation import package_once, references

pytestmark = pytest.mark.integration  # the packaged template

IMPORT = "import cf from 'cloudfront';"
COMPLETE = "#published"  # the key publish puts last: the store holds the whole site

# Runs the function's code as CloudFront would, with `cf.kvs()` answering from the given keys ("broken": the
# store cannot be read). argv: code file, JSON list of keys, "ok" or "broken", JSON list of events.
HARNESS = """
const fs = require('fs');
const IMPORT = "import cf from 'cloudfront';";
const source = fs.readFileSync(process.argv[1], 'utf8');
if (!source.startsWith(IMPORT)) { throw new Error('the function must start with ' + IMPORT); }
const keys = new Set(JSON.parse(process.argv[2]));
const broken = process.argv[3] === 'broken';
const looked = [];
const cf = {kvs: () => ({exists: async (key) => {
  looked.push(key);
  if (broken) { throw new Error('KeyValueStore unreadable'); }
  return keys.has(key);
}})};
const handler = new Function('cf', source.slice(IMPORT.length) + '\\nreturn handler;')(cf);
(async () => {
  const results = [];
  for (const event of JSON.parse(process.argv[4])) { results.push(await handler(event)); }
  console.log(JSON.stringify({results, looked}));
})();
"""

PUBLISHED = [
    "index.html",
    "404.html",
    "disperinaker-klungkung/index.html",
    "disperinaker-klungkung/rekomendasi-paspor/index.html",
    "assets/javascripts/permohonan.js",
    "data/standards.json",
    COMPLETE,
]


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return package_once().load_template()  # `make package STAGE=prod`, once per test process


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"]
    return found


needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def run_function(
    resources: dict[str, Any], logical: str, events: list[dict[str, Any]], tmp_path: Path, *,
    keys: list[str] = PUBLISHED, broken: bool = False,
) -> tuple[list[dict[str, Any]], list[str]]:  # fmt: skip
    code = tmp_path / f"{logical}.js"
    code.write_text(resources[logical]["Properties"]["FunctionCode"], encoding="utf-8")
    completed = subprocess.run(
        ["node", "-e", HARNESS, str(code), json.dumps(keys), "broken" if broken else "ok", json.dumps(events)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    answer = json.loads(completed.stdout)
    return answer["results"], answer["looked"]


def viewer_request(uri: str, querystring: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "context": {"eventType": "viewer-request"},
        "request": {"method": "GET", "uri": uri, "querystring": querystring or {}, "headers": {}},
    }


def viewer_response(uri: str, status: int = 200) -> dict[str, Any]:
    return {
        "context": {"eventType": "viewer-response"},
        "request": {"method": "GET", "uri": uri, "querystring": {}, "headers": {}},
        "response": {"statusCode": status, "statusDescription": "", "headers": {}},
    }


# --- the template --------------------------------------------------------------------------------------------------


def test_no_error_response_of_the_distribution_can_replace_an_api_answer(resources: dict[str, Any]) -> None:
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    assert not config.get("CustomErrorResponses")  # distribution-wide: they would replace the API's 403 pages
    for behaviour in config["CacheBehaviors"]:
        assert behaviour["PathPattern"].startswith("/api/")
        assert not behaviour.get("FunctionAssociations")  # the API's answers pass untouched


def test_the_site_behaviour_rewrites_missing_paths_and_answers_them_404_from_the_published_paths(
    resources: dict[str, Any], template: dict[str, Any]
) -> None:
    site = resources["Distribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    associated = {a["EventType"]: references(a["FunctionARN"]) for a in site["FunctionAssociations"]}
    assert associated == {"viewer-request": {"DirectoryIndex"}, "viewer-response": {"NotFoundStatus"}}
    assert resources["SitePaths"]["Type"] == "AWS::CloudFront::KeyValueStore"
    for logical in ("DirectoryIndex", "NotFoundStatus"):
        config = resources[logical]["Properties"]["FunctionConfig"]
        assert config["Runtime"] == "cloudfront-js-2.0"  # KeyValueStore needs the 2.0 runtime
        (store,) = config["KeyValueStoreAssociations"]
        assert references(store["KeyValueStoreARN"]) == {"SitePaths"}
        assert resources[logical]["Properties"]["FunctionCode"].startswith(IMPORT)
        assert len(resources[logical]["Properties"]["FunctionCode"].encode("utf-8")) < 10 * 1024  # CloudFront's limit
    assert references(template["Outputs"]["SitePathsArn"]["Value"]) == {"SitePaths"}  # how publish finds it


# --- the viewer request --------------------------------------------------------------------------------------------


@needs_node
def test_published_pages_and_files_are_served_and_directory_urls_name_their_index(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    (root, page, asset, data), _ = run_function(
        resources,
        "DirectoryIndex",
        [
            viewer_request("/"),
            viewer_request("/disperinaker-klungkung/rekomendasi-paspor/"),
            viewer_request("/assets/javascripts/permohonan.js"),
            viewer_request("/data/standards.json"),
        ],
        tmp_path,
    )
    assert root["uri"] == "/index.html"
    assert page["uri"] == "/disperinaker-klungkung/rekomendasi-paspor/index.html"
    assert asset["uri"] == "/assets/javascripts/permohonan.js"
    assert data["uri"] == "/data/standards.json"


@needs_node
def test_a_folder_without_its_slash_is_redirected_only_when_its_page_exists(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    (folder, missing), _ = run_function(
        resources,
        "DirectoryIndex",
        [viewer_request("/disperinaker-klungkung", {"utm_source": {"value": "wa"}}), viewer_request("/tidak-ada")],
        tmp_path,
    )
    assert folder["statusCode"] == 301
    assert folder["headers"]["location"]["value"] == "/disperinaker-klungkung/?utm_source=wa"
    assert missing["uri"] == "/404.html"


@needs_node
def test_paths_the_site_does_not_have_are_rewritten_to_the_404_page(resources: dict[str, Any], tmp_path: Path) -> None:
    results, looked = run_function(
        resources,
        "DirectoryIndex",
        [
            viewer_request("/disperinaker-klungkung/layanan-yang-dihapus/"),
            viewer_request("/assets/javascripts/lama.js"),
            viewer_request("/%E0%A4%A"),  # not decodable
            viewer_request("/" + "a" * 600 + ".html"),  # longer than any key the store can hold
        ],
        tmp_path,
    )
    assert [r["uri"] for r in results] == ["/404.html"] * 4
    assert "disperinaker-klungkung/layanan-yang-dihapus/index.html" in looked


@needs_node
def test_before_the_first_publish_or_when_the_store_is_unreadable_s3_answers_as_before(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    events = [viewer_request("/disperinaker-klungkung/rekomendasi-paspor/"), viewer_request("/tidak-ada.html")]
    empty, _ = run_function(resources, "DirectoryIndex", events, tmp_path, keys=[])
    broken, _ = run_function(resources, "DirectoryIndex", events, tmp_path, broken=True)
    for results in (empty, broken):
        assert [r["uri"] for r in results] == [
            "/disperinaker-klungkung/rekomendasi-paspor/index.html",
            "/tidak-ada.html",
        ]


# --- the viewer response -------------------------------------------------------------------------------------------


@needs_node
def test_the_404_page_and_unpublished_paths_answer_404_and_everything_else_keeps_its_status(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    (page, rewritten, asked_for, missing, original, redirect, refused), _ = run_function(
        resources,
        "NotFoundStatus",
        [
            viewer_response("/disperinaker-klungkung/rekomendasi-paspor/"),
            viewer_response("/disperinaker-klungkung/rekomendasi-paspor/index.html"),
            viewer_response("/404.html"),
            viewer_response("/layanan-yang-dihapus/"),  # whether CloudFront shows the original or rewritten uri
            viewer_response("/assets/javascripts/permohonan.js"),
            viewer_response("/disperinaker-klungkung", 301),
            viewer_response("/tidak-ada.html", 403),  # S3's own answer is left as it is
        ],
        tmp_path,
    )
    assert page["statusCode"] == rewritten["statusCode"] == original["statusCode"] == 200
    assert asked_for["statusCode"] == missing["statusCode"] == 404
    assert missing["statusDescription"] == "Not Found"
    assert redirect["statusCode"] == 301 and refused["statusCode"] == 403


@needs_node
def test_the_status_is_left_alone_before_the_first_publish_or_when_the_store_is_unreadable(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    events = [viewer_response("/layanan-yang-dihapus/")]
    (empty,), _ = run_function(resources, "NotFoundStatus", events, tmp_path, keys=[])
    (broken,), _ = run_function(resources, "NotFoundStatus", events, tmp_path, broken=True)
    assert empty["statusCode"] == broken["statusCode"] == 200
