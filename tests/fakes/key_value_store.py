"""CloudFront KeyValueStore's data plane (boto3 "cloudfront-keyvaluestore"), which moto does not model.

Every call's parameters are checked against botocore's own model of the service, as the real client would
before sending, and each write must name the store's current version (IfMatch), as the service demands.
"""

from __future__ import annotations

import itertools
from typing import Any

import botocore.session
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

_MODEL = botocore.session.get_session().get_service_model("cloudfront-keyvaluestore")


class FakeKeyValueStore:
    """One store of keys, reached by its ARN; `updates` records each UpdateKeys request's puts and deletes."""

    def __init__(self, arn: str, keys: dict[str, str] | None = None) -> None:
        self.arn = arn
        self.keys: dict[str, str] = dict(keys or {})
        self.updates: list[tuple[list[str], list[str]]] = []
        self._versions = itertools.count(1)
        self.etag = f"v{next(self._versions)}"

    def _check(self, operation: str, params: dict[str, Any]) -> None:
        report = ParamValidator().validate(params, _MODEL.operation_model(operation).input_shape)
        if report.has_errors():
            raise ValueError(f"{operation}: {report.generate_report()}")
        if params["KvsARN"] != self.arn:
            raise self._error("ResourceNotFoundException", f"no store {params['KvsARN']}", operation)

    @staticmethod
    def _error(code: str, message: str, operation: str) -> ClientError:
        return ClientError({"Error": {"Code": code, "Message": message}}, operation)

    def describe_key_value_store(self, **params: Any) -> dict[str, Any]:
        self._check("DescribeKeyValueStore", params)
        return {"KvsARN": self.arn, "ETag": self.etag, "ItemCount": len(self.keys), "Status": "READY"}

    def list_keys(self, **params: Any) -> dict[str, Any]:
        self._check("ListKeys", params)
        ordered = sorted(self.keys)
        start = int(params.get("NextToken") or 0)
        size = int(params.get("MaxResults") or 10)
        page = ordered[start : start + size]
        answer: dict[str, Any] = {"Items": [{"Key": key, "Value": self.keys[key]} for key in page]}
        if start + size < len(ordered):
            answer["NextToken"] = str(start + size)
        return answer

    def update_keys(self, **params: Any) -> dict[str, Any]:
        self._check("UpdateKeys", params)
        if params["IfMatch"] != self.etag:
            raise self._error("ConflictException", "the store changed since that version", "UpdateKeys")
        puts = [str(item["Key"]) for item in params.get("Puts", [])]
        deletes = [str(item["Key"]) for item in params.get("Deletes", [])]
        for item in params.get("Puts", []):
            self.keys[item["Key"]] = item["Value"]
        for key in deletes:
            self.keys.pop(key, None)
        self.updates.append((puts, deletes))
        self.etag = f"v{next(self._versions)}"
        return {"ETag": self.etag, "ItemCount": len(self.keys), "TotalSizeInBytes": 0}
