"""Atomic file output and stdout: the old file survives every failure; no temp files leak."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import threading

import pytest

from graphdraw import errors
from graphdraw.formats import output


def leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(output.TEMP_PREFIX))


@pytest.fixture
def old(tmp_path):
    """An existing output file with known content."""
    path = tmp_path / "graph.svg"
    path.write_bytes(b"old content")
    return path


def test_writes_new_file(tmp_path):
    path = tmp_path / "new.svg"
    output.write_atomic(str(path), b"<svg/>")
    assert path.read_bytes() == b"<svg/>"
    assert leftovers(tmp_path) == []


def test_new_file_gets_umask_permissions(tmp_path):
    previous = os.umask(0o027)
    try:
        output.write_atomic(str(tmp_path / "a.png"), b"x")
    finally:
        os.umask(previous)
    assert (tmp_path / "a.png").stat().st_mode & 0o777 == 0o640


def test_replaces_old_file_and_keeps_its_mode(old):
    old.chmod(0o604)
    output.write_atomic(str(old), b"new content")
    assert old.read_bytes() == b"new content"
    assert old.stat().st_mode & 0o777 == 0o604
    assert leftovers(old.parent) == []


def test_relative_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output.write_atomic("rel.dot", b"digraph {}")
    assert (tmp_path / "rel.dot").read_bytes() == b"digraph {}"


def test_failed_replace_leaves_old_file(old, monkeypatch):
    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "replace", full)
    with pytest.raises(errors.OutputError) as info:
        output.write_atomic(str(old), b"new content")
    assert "No space left on device" in info.value.message
    assert "\n" not in info.value.message
    assert old.read_bytes() == b"old content"
    assert leftovers(old.parent) == []


def test_failed_write_leaves_old_file(old, monkeypatch):
    def broken(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(output.os, "fsync", broken)
    with pytest.raises(errors.OutputError):
        output.write_atomic(str(old), b"new content")
    assert old.read_bytes() == b"old content"
    assert leftovers(old.parent) == []


def test_keyboard_interrupt_mid_write_leaves_old_file(old, monkeypatch):
    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(str(old), b"new content" * 100_000)
    assert old.read_bytes() == b"old content"
    assert leftovers(old.parent) == []


def test_other_exception_is_not_disguised(old, monkeypatch):
    def bug(fd, mode):
        raise RuntimeError("bug")

    monkeypatch.setattr(output.os, "chmod", bug)
    with pytest.raises(RuntimeError):
        output.write_atomic(str(old), b"new")
    assert old.read_bytes() == b"old content"
    assert leftovers(old.parent) == []


def test_missing_directory(tmp_path):
    with pytest.raises(errors.OutputError) as info:
        output.write_atomic(str(tmp_path / "no" / "g.svg"), b"x")
    assert "does not exist" in info.value.message and "create it" in info.value.message
    assert info.value.exit_code == errors.EXIT_OUTPUT
    assert not (tmp_path / "no").exists()


def test_parent_is_a_file(old):
    with pytest.raises(errors.OutputError) as info:
        output.write_atomic(str(old / "g.svg"), b"x")
    assert "is not a directory" in info.value.message
    assert old.read_bytes() == b"old content"


def test_path_is_a_directory(tmp_path):
    with pytest.raises(errors.OutputError) as info:
        output.write_atomic(str(tmp_path), b"x")
    assert "is a directory" in info.value.message and "graph.svg" in info.value.message
    assert leftovers(tmp_path) == []


def test_check_target_refuses_early_and_writes_nothing(tmp_path):
    model = tmp_path / "m.gd"
    model.write_text("y = x")
    for bad in (str(tmp_path / "no" / "g.svg"), str(tmp_path), str(model)):
        with pytest.raises(errors.OutputError):
            output.check_target(bad, input_path=str(model))
    assert output.check_target(str(tmp_path / "ok.svg")) == str(tmp_path / "ok.svg")
    assert output.check_target(os.devnull) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.gd"]


def test_empty_path():
    with pytest.raises(errors.OutputError):
        output.write_atomic("", b"x")


def test_refuses_the_input_file(tmp_path):
    model = tmp_path / "model.gd"
    model.write_text("y = x")
    with pytest.raises(errors.OutputError) as info:
        output.write_atomic(str(model), b"<svg/>", input_path=str(model))
    assert "model file" in info.value.message and "another -o" in info.value.message
    assert model.read_text() == "y = x"


@pytest.mark.parametrize("how", ["relative", "symlink", "hardlink"])
def test_refuses_the_input_file_by_another_name(tmp_path, monkeypatch, how):
    model = tmp_path / "model.gd"
    model.write_text("y = x")
    monkeypatch.chdir(tmp_path)
    other = tmp_path / "other.svg"
    if how == "relative":
        other = "./sub/../model.gd"
        (tmp_path / "sub").mkdir()
    elif how == "symlink":
        other.symlink_to(model)
    else:
        os.link(model, other)
    with pytest.raises(errors.OutputError):
        output.write_atomic(str(other), b"<svg/>", input_path=str(model))
    assert model.read_text() == "y = x"


def test_input_from_stdin_is_not_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output.write_atomic("-x.svg", b"x", input_path="-")
    assert (tmp_path / "-x.svg").read_bytes() == b"x"


def test_symlink_target_is_replaced_link_kept(tmp_path):
    real = tmp_path / "real.svg"
    real.write_bytes(b"old")
    link = tmp_path / "link.svg"
    link.symlink_to(real)
    output.write_atomic(str(link), b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_device_is_written_not_replaced():
    output.write_atomic(os.devnull, b"discarded")
    assert not os.path.isfile(os.devnull)          # still the character device


def test_named_pipe_is_written_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    output.write_atomic(str(fifo), b"through the pipe")
    reader.join(timeout=30)
    assert got == [b"through the pipe"]
    assert not fifo.is_file() and leftovers(tmp_path) == []


def test_read_only_directory(old, monkeypatch):
    # Tests may run as root, whom chmod does not stop: simulate the refusal.
    def denied(**kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output.tempfile, "mkstemp", denied)
    with pytest.raises(errors.OutputError) as info:
        output.write_atomic(str(old), b"new")
    assert "permission denied" in info.value.message and "-o" in info.value.message
    assert old.read_bytes() == b"old content"


def test_permission_denied_on_replace(old, monkeypatch):
    def denied(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output.os, "replace", denied)
    with pytest.raises(errors.OutputError) as info:
        output.write_atomic(str(old), b"new")
    assert "permission denied" in info.value.message
    assert old.read_bytes() == b"old content"
    assert leftovers(old.parent) == []


def test_temp_file_is_beside_the_target(old, monkeypatch):
    seen = []
    real = output.os.replace

    def spy(src, dst):
        seen.append((os.path.dirname(src), os.path.basename(src)))
        real(src, dst)

    monkeypatch.setattr(output.os, "replace", spy)
    output.write_atomic(str(old), b"new")
    assert seen[0][0] == str(old.parent)
    assert seen[0][1].startswith(".graphdraw-")


# --- stdout ---------------------------------------------------------------------------------

def test_write_stdout_bytes_after_text(monkeypatch):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)
    print("before", end="|")
    output.write_stdout(b"\x89PNG")
    assert raw.getvalue() == b"before|\x89PNG"


def test_write_stdout_broken_pipe_in_process(monkeypatch):
    read, write = os.pipe()
    os.close(read)
    stream = open(write, "w", encoding="utf-8", closefd=True)
    monkeypatch.setattr(sys, "stdout", stream)
    try:
        with pytest.raises(errors.OutputError) as info:
            output.write_stdout(b"x" * 200_000)
        assert info.value.message.startswith("output pipe closed")
        stream.write("more")
        stream.flush()             # now goes to /dev/null: no second BrokenPipeError
    finally:
        stream.close()


def test_write_stdout_broken_pipe_prints_no_traceback():
    # The reader goes away before the writer starts (pipe buffers can hold megabytes).
    code = ("import sys\n"
            "from graphdraw import errors\n"
            "from graphdraw.formats import output\n"
            "sys.stdin.readline()\n"
            "try:\n"
            "    output.write_stdout(b'x' * 100_000)\n"
            "except errors.OutputError as e:\n"
            "    print(e, file=sys.stderr); sys.exit(e.exit_code)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    _, err = proc.communicate(b"go\n", timeout=30)
    assert proc.returncode == errors.EXIT_OUTPUT, err
    assert err.decode().strip() == "output pipe closed before all output was written"
    assert b"Traceback" not in err and b"Exception ignored" not in err
