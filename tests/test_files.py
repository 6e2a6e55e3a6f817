import pytest

from abspose._files import atomic_path, write_text_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write_text_atomic(tmp_path / "sub" / "a.txt", "old\r\n")
    assert target.read_bytes() == b"old\r\n"  # newlines as given
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        open(tmp, "w").write("half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old\r\n" and sorted(p.name for p in target.parent.iterdir()) == ["a.txt"]
