"""The second level of the compile cache: graph digest -> (kernel, work size).

The kernel cache (build.py) is keyed by C source, which costs lowering and rendering to
compute; this index lets a graph compiled before skip both. Its key includes a digest of
graphc's own code, so a changed code generator never reuses an old kernel.
"""
import base64
import functools
import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

from .build import _valid, cache_root

_PACKAGE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """A digest of every source file of graphc (Python and C) and of csrc/."""
    from .codegen.csrc import CSRC
    h = hashlib.sha256()
    for path in sorted(list(_PACKAGE.rglob("*.py")) + list(_PACKAGE.rglob("*.c")) + list(CSRC.glob("*.c"))):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _entry(key, cache_dir) -> Path:
    return cache_root(cache_dir) / "graphs" / key[:2] / f"{key}.json"


def lookup(key, cache_dir):
    """(C source, library path, peak bytes, checkpoint plan) of a graph compiled before, or None."""
    try:
        record = json.loads(_entry(key, cache_dir).read_text())
        library = Path(record["library"])
        source = library.with_suffix(".c").read_text()
        if not _valid(library, library.with_suffix(".sum")):
            return None
        plan = pickle.loads(base64.b64decode(record["plan"]))
        return source, library, int(record["peak_bytes"]), plan
    except (OSError, ValueError, KeyError, pickle.UnpicklingError, AttributeError, EOFError):
        return None


def store(key, cache_dir, library, peak_bytes, plan):
    """Record a compiled graph (atomically: a temporary file, then a rename)."""
    path = _entry(key, cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".entry.")
    with os.fdopen(fd, "w") as f:
        json.dump({"library": str(library), "peak_bytes": peak_bytes,
                   "plan": base64.b64encode(pickle.dumps(plan)).decode()}, f)
    os.replace(tmp, path)
