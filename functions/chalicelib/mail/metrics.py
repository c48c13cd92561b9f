"""Metrics as CloudWatch embedded metric format (EMF): one JSON line on stdout, read from the Lambda's log.

No PutMetricData call and no IAM permission: CloudWatch Logs extracts the metric from the log line.
"""

from __future__ import annotations

import json
from datetime import datetime


def emf_line(namespace: str, name: str, value: float, unit: str, at: datetime) -> str:
    """One metric value, without dimensions, as CloudWatch's embedded metric format."""
    return json.dumps(
        {
            "_aws": {
                "Timestamp": int(at.timestamp() * 1000),
                "CloudWatchMetrics": [
                    {"Namespace": namespace, "Dimensions": [[]], "Metrics": [{"Name": name, "Unit": unit}]}
                ],
            },
            name: round(value, 3),
        },
        separators=(",", ":"),
    )
