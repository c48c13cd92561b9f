"""Run the real `python -m infra.local.serve` as a child process, as a developer would: for tests and benchmarks."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from infra.local.paths import CODE_PATHS, PROJECT_ROOT

__all__ = ["PROJECT_ROOT", "ServeProcess"]  # PROJECT_ROOT: where the tests and benchmarks run serve from

READY_LINE = "Press Ctrl-C to stop."
SITE_LINE = re.compile(r"^\s*Site\s+(http://127\.0\.0\.1:\d+)/$", re.MULTILINE)
DYNAMODB_LINE = re.compile(r"^\s*DynamoDB\s+(http://127\.0\.0\.1:\d+)\s+table\s+(\S+),", re.MULTILINE)


class ServeProcess:
    """One serve on a free port (port 0), its state in var_dir, its console output kept in a file."""

    def __init__(
        self,
        var_dir: Path,
        site_dir: Path,
        standards: Path | None = None,
        *,
        environment: Mapping[str, str] | None = None,
        watch: bool = True,
    ) -> None:
        self.var_dir = var_dir
        self.site_dir = site_dir
        self.standards = standards
        self.environment = dict(environment or {})  # on top of this process's own
        self.watch = watch
        self.log_path = var_dir.parent / f"{var_dir.name}-serve.log"
        self.url = ""
        self.dynamodb_endpoint = ""
        self.table = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._start_offset = 0

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "infra.local.serve", "--port", "0"]
        command += ["--var-dir", str(self.var_dir), "--site-dir", str(self.site_dir)]
        if self.standards is not None:
            command += ["--standards", str(self.standards)]
        if not self.watch:
            command.append("--no-watch")
        return command

    def start(self, timeout: float = 90.0) -> Self:
        environment = {**os.environ, **self.environment}
        paths = [str(path) for path in CODE_PATHS]
        if environment.get("PYTHONPATH"):
            paths.insert(0, environment["PYTHONPATH"])
        environment["PYTHONPATH"] = os.pathsep.join(paths)
        environment["PYTHONUNBUFFERED"] = "1"
        self._log = self.log_path.open("ab")
        self._start_offset = self._log.tell()  # a restart appends to the log: read only this run's lines
        self._process = subprocess.Popen(
            self.command(),
            cwd=PROJECT_ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            output = self.output()
            if self._process.poll() is not None:
                code = self.stop()  # reaps it and closes the log
                raise RuntimeError(f"serve exited with code {code}:\n{output}")
            site, dynamodb = SITE_LINE.search(output), DYNAMODB_LINE.search(output)
            if READY_LINE in output and site and dynamodb:
                self.url = site.group(1)
                self.dynamodb_endpoint, self.table = dynamodb.group(1), dynamodb.group(2)
                return self
            time.sleep(0.1)
        self.stop(signal.SIGKILL)
        raise RuntimeError(f"serve was not ready after {timeout:.0f} s:\n{self.output()}")

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def output(self) -> str:
        """What this run of serve printed (stdout and stderr)."""
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as log:
            log.seek(self._start_offset)
            return log.read().decode("utf-8", errors="replace")

    def stop(self, how: signal.Signals = signal.SIGINT, timeout: float = 30.0) -> int:
        """Send the signal (Ctrl-C by default) and return serve's exit code."""
        process, self._process = self._process, None
        code = 0
        if process is not None:
            if process.poll() is None:
                process.send_signal(how)
            try:
                code = process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def java_pids(self) -> list[int]:
        """DynamoDB Local processes still running on this serve's data folder."""
        marker = str(self.var_dir / "dynamodb").encode()
        found: list[int] = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().split(") ", 1)[1][:1]
            except (OSError, IndexError):
                continue
            if b"DynamoDBLocal.jar" in cmdline and marker in cmdline and state != "Z":
                found.append(int(entry.name))
        return found

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
