"""Runs are transactions: a run's output folder is the previous complete output or the new one.

:class:`OutputFolder` checks, before any work, that the output folder can be
written; the run writes every file into a fresh hidden folder beside it; on
success that folder takes the output folder's place in one step (Linux
``renameat2(RENAME_EXCHANGE)``, else two renames), and the old files go. A crash
or a kill at any stage leaves the previous output untouched (or, in the instant
between two renames where the exchange is not available, no folder at all):
never a mix of two runs. The output folder belongs to the run: a folder that
holds files corroborate did not write is refused rather than replaced.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import shutil
import tempfile
from collections.abc import Collection
from pathlib import Path
from types import TracebackType

from ..atomic import folder_mode
from ..errors import InputError

logger = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); ``False`` where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


def check_writable_folder(path: Path, what: str) -> None:
    """Raise :class:`InputError` unless ``path`` is (or can be made) a folder we may write into."""
    if path.exists() and not path.is_dir():
        raise InputError(f"{what} {path}: is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=path, prefix=".corroborate-probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot write there ({exc.strerror or exc})") from None


class OutputFolder:
    """``with OutputFolder(outdir, owned) as staging: ...write into staging...``: swapped in on success.

    ``owned`` are the file names a run may find in ``outdir`` (its own outputs):
    any other file there makes the run stop before it starts.
    """

    def __init__(self, target: str | Path, owned: Collection[str]) -> None:
        self.target = Path(target)
        self.owned = frozenset(owned)
        self.staging: Path | None = None

    def check(self) -> None:
        """Everything that can be known before the run: writable, and ours to replace."""
        target = self.target
        if target.exists() and not target.is_dir():
            raise InputError(f"output folder {target}: is a file, not a folder")
        if target.is_dir():
            foreign = sorted(p.name for p in target.iterdir() if p.name not in self.owned)
            if foreign:
                shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
                raise InputError(f"output folder {target}: holds files that corroborate did not write ({shown}); "
                                 "choose an empty folder or an earlier output folder of corroborate")
        check_writable_folder(target.parent, "output folder's parent")
        self._clean_leftovers()

    def _clean_leftovers(self) -> None:
        """Remove staging folders of earlier runs that were killed (their process is gone)."""
        for p in self.target.parent.glob(f".{self.target.name}.staging-*"):
            pid = p.name.rsplit("-", 2)[-2] if p.name.count("-") >= 2 else ""
            if pid.isdigit() and _alive(int(pid)):
                continue
            shutil.rmtree(p, ignore_errors=True)

    def __enter__(self) -> Path:
        self.check()
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.staging-{os.getpid()}-",
                                             dir=self.target.parent))
        os.chmod(self.staging, folder_mode())
        return self.staging

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self.staging is not None
        if kind is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        self.commit()

    def commit(self) -> None:
        assert self.staging is not None
        if not self.target.exists():
            os.rename(self.staging, self.target)
        elif _exchange(self.staging, self.target):
            shutil.rmtree(self.staging, ignore_errors=True)       # it now holds the previous output
        else:
            old = self.staging.with_name(self.staging.name + "-previous")
            os.rename(self.target, old)
            os.rename(self.staging, self.target)
            shutil.rmtree(old, ignore_errors=True)
        self.staging = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != os.getpid()
