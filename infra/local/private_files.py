"""Files under var/ hold personal data (NIKs in the database, names and working links in the mail): only
their owner may read them, whatever the umask of the developer's shell."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
OWNER_ONLY_UMASK = 0o077


def private_folder(path: Path) -> Path:
    """Create the folder (or keep it) readable by its owner only: its files then are too, old ones included."""
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    path.chmod(FOLDER_MODE)
    return path


def make_files_private(folder: Path) -> None:
    """Files left readable by others in an earlier run (before this rule), made owner-only."""
    for path in folder.rglob("*"):
        with contextlib.suppress(FileNotFoundError):
            if path.is_file() and not path.is_symlink() and path.stat().st_mode & 0o077:
                path.chmod(FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Write a new file readable by its owner only, atomically: readers never see half of it."""
    temporary = path.with_name(path.name + ".part")
    temporary.unlink(missing_ok=True)  # a leftover of a crash might carry another mode: never reuse it
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.replace(temporary, path)
