"""Writing results: atomically to a file (old file kept on any failure), or to stdout.

A failed, interrupted or refused write never changes the file at the output path: the data
goes to a temporary file beside it (same directory, so `os.replace` is an atomic rename on
the same file system), which replaces the target only once it is complete and synced.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile

from graphdraw.errors import OutputError

TEMP_PREFIX = ".graphdraw-"


def write_atomic(path: str, data: bytes, *, input_path: str | None = None) -> None:
    """Write `data` to `path` all at once, or raise OutputError and leave `path` as it was.

    Refuses a missing directory, a directory as the path, and the model's own file
    (`input_path`). A symbolic link at `path` is followed: its target file is replaced.
    A path that is not a regular file (/dev/null, /dev/stdout, a named pipe) is written to
    directly: replacing it would put a regular file where the device or pipe was.
    """
    write_all([(path, data)], input_path=input_path)


def write_all(files: list[tuple[str, bytes]], *, input_path: str | None = None) -> None:
    """Write every (path, data) or, when one fails, replace none of the regular files.

    Each file is written to a temporary file beside it first; only when all are written are
    they renamed into place. Paths that are not regular files (/dev/stdout, a pipe) are
    written first: they cannot be taken back, and when one fails nothing else is written.
    """
    targets = [(path, check_target(path, input_path=input_path), data) for path, data in files]
    for path, target, data in targets:
        if target is None:
            _write_special(path, data)
    staged: list[tuple[str, str]] = []
    try:
        for path, target, data in targets:
            if target is not None:
                staged.append((_stage(path, target, data), target))
    except BaseException:       # including KeyboardInterrupt: never leave a temp file
        for temp, _ in staged:
            _unlink(temp)
        raise
    for k, (temp, target) in enumerate(staged):
        try:
            os.replace(temp, target)
        except OSError as exc:
            for rest, _ in staged[k:]:
                _unlink(rest)
            raise _os_error(target, os.path.dirname(target), exc) from None


def _stage(path: str, target: str, data: bytes) -> str:
    """`data` in a temporary file beside `target` (with the mode `target` will have)."""
    directory = os.path.dirname(target)
    mode = _mode_for(target)
    try:
        fd, temp = tempfile.mkstemp(dir=directory, prefix=TEMP_PREFIX, suffix=".tmp")
    except OSError as exc:
        raise _os_error(path, directory, exc) from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
    except BaseException as exc:
        _unlink(temp)
        if isinstance(exc, OSError):
            raise _os_error(path, directory, exc) from None
        raise
    return temp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def check_target(path: str, *, input_path: str | None = None) -> str | None:
    """Raise OutputError now if `write_atomic(path, ...)` would refuse the path.

    Lets a command fail before a slow layout rather than after it. Returns the real path
    that will be replaced, or None for a device or pipe that is written directly.
    """
    if not path:
        raise OutputError("the output path is empty; give a file name with -o, or -o - for stdout")
    if _is_special(path):
        return None
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    if os.path.isdir(target):
        raise OutputError(f"{path} is a directory; give a file name inside it, e.g. "
                          f"-o {os.path.join(path, 'graph.svg')}")
    if not os.path.isdir(directory):
        shown = os.path.dirname(path) or "."
        what = "is not a directory" if os.path.exists(directory) else "does not exist"
        raise OutputError(f"cannot write {path}: the directory {shown} {what}; "
                          "create it first or choose another -o path")
    if input_path and input_path != "-" and _same_file(path, input_path):
        raise OutputError(f"refusing to overwrite the model file {input_path} with the output; "
                          "choose another -o path")
    return target


def _is_special(path: str) -> bool:
    """True for an existing path that is neither a regular file nor a directory."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_special(path: str, data: bytes) -> None:
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except BrokenPipeError:
        raise OutputError(f"{path}: output pipe closed before all output was written") from None
    except OSError as exc:
        raise _os_error(path, os.path.dirname(path) or ".", exc) from None


def write_stdout(data: bytes) -> None:
    """Write `data` to standard output; a closed pipe raises OutputError("output pipe closed").

    On a broken pipe (`graphdraw render -o - | head -c 10`) stdout is pointed at /dev/null,
    as the Python documentation advises, so the flush at exit prints no second error; the
    caller reports the OutputError in one line and exits non-zero, like other Unix tools
    that stop when their reader goes away.
    """
    try:
        sys.stdout.flush()                 # text written before must come first
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:                 # a text-only stream (some test harnesses)
            sys.stdout.write(data.decode("utf-8", "replace"))
            sys.stdout.flush()
            return
        view = memoryview(data)
        while view:                        # a pipe may take only part of a large write
            written = buffer.write(view)
            buffer.flush()
            if not written:
                raise BrokenPipeError
            view = view[written:]
    except BrokenPipeError:
        silence_stdout()
        raise OutputError("output pipe closed before all output was written") from None


def silence_stdout() -> None:
    """Point stdout at /dev/null so that the flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass       # stdout has no file descriptor (a test harness): nothing will flush to it


def _same_file(a: str, b: str) -> bool:
    """True when two paths name the same file (also through links and hard links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _mode_for(target: str) -> int:
    """The permission bits for the new file: the old file's, else the umask's default."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        pass
    umask = os.umask(0o022)        # reading the umask means setting it; put it straight back
    os.umask(umask)
    return 0o666 & ~umask


def _os_error(path: str, directory: str, exc: OSError) -> OutputError:
    if isinstance(exc, PermissionError):
        return OutputError(f"cannot write {path}: permission denied in {directory}; "
                           "choose a directory you can write to with -o")
    reason = exc.strerror or exc.__class__.__name__
    return OutputError(f"cannot write {path}: {reason}; the previous file, if any, is unchanged")
