"""CompiledFunction: argument checks, the call into C, the bound fast path, pickling
and export. Everything that can be decided once is decided at construction."""
import functools
import os
import re
import subprocess
from pathlib import Path

import numpy as np

from . import dtypes, fastcall, pytree
from .build import ffi, find_compiler
from .codegen.c import ERRORS, INDEX_ERROR

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
C_KEYWORDS = set("""auto break case char const continue default do double else enum extern float for
goto if inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while _Bool _Complex _Imaginary main""".split())


def c_identifier(name, default="graphc_fn") -> str:
    """A safe C identifier derived from a user-given function name."""
    if name is None:
        return default
    text = re.sub(r"[^A-Za-z0-9_]", "_", str(name))
    if not text or not _IDENTIFIER.match(text) or text in C_KEYWORDS or text.startswith("gc_"):
        text = "f_" + text
    return text[:64]


class _Input:
    """What one input accepts, fixed at compile time."""
    __slots__ = ("name", "shape", "dtype", "label")

    def __init__(self, node, position):
        self.name = node.name
        self.shape = node.shape
        self.dtype = node.dtype
        self.label = repr(node.name) if node.name is not None else f"#{position}"

    def convert(self, value) -> np.ndarray:
        """`value` as a C-contiguous array of this input's dtype and shape, or an error."""
        if isinstance(value, np.ndarray):
            array = value
        elif isinstance(value, (float, int)) and not isinstance(value, bool):
            array = np.asarray(value, dtype=self.dtype)
        else:
            try:
                array = np.asarray(value)
            except Exception:
                raise TypeError(f"input {self.label}: expected an array of shape {self.shape}, "
                                f"got {type(value).__name__}") from None
            if array.dtype == object or array.dtype.kind not in "biuf":
                raise TypeError(f"input {self.label}: expected numbers, got {type(value).__name__}")
        if array.shape != self.shape:
            raise ValueError(f"input {self.label}: expected shape {self.shape}, got shape {array.shape}")
        if array.dtype != self.dtype:
            if array.dtype.kind == "f" and array.dtype.itemsize > self.dtype.itemsize:
                raise TypeError(f"input {self.label}: expected {self.dtype.name}, got {array.dtype.name} "
                                f"(a lossy conversion; convert it with .astype)")
            if array.dtype.kind not in "biuf":
                raise TypeError(f"input {self.label}: expected {self.dtype.name}, got {array.dtype.name}")
            array = array.astype(self.dtype)
        if not array.flags.c_contiguous:
            array = np.ascontiguousarray(array)
        return array


def _aligned_work(nbytes):
    """A 64-byte-aligned scratch area of `nbytes` (kept alive by the returned array)."""
    raw = np.empty(nbytes + 64, dtype=np.uint8)
    start = (-raw.ctypes.data) % 64
    return raw[start:start + nbytes] if nbytes else raw[start:start]


def check_arguments(specs, positions, name, /, *args, **kwargs) -> list:
    """The arguments of a call as checked C-contiguous arrays, in input order."""
    n = len(specs)
    if len(args) > n:
        raise TypeError(f"{name}() takes {n} input{'s' * (n != 1)}, got {len(args)}")
    values = list(args) + [None] * (n - len(args))
    given = [True] * len(args) + [False] * (n - len(args))
    for key, value in kwargs.items():
        k = positions.get(key)
        if k is None:
            known = ", ".join(repr(s.name) for s in specs)
            raise TypeError(f"{name}() got an unknown input {key!r} (inputs: {known})")
        if given[k]:
            raise TypeError(f"{name}() got input {key!r} twice")
        values[k], given[k] = value, True
    if not all(given):
        missing = ", ".join(specs[k].label for k in range(n) if not given[k])
        raise TypeError(f"{name}() is missing input {missing}")
    return [spec.convert(v) for spec, v in zip(specs, values)]


def _raise(name, code):
    error = IndexError if code == INDEX_ERROR else np.linalg.LinAlgError
    raise error(f"{name}: {ERRORS.get(code, f'error {code}')}")


_fast = fastcall.module()
_Base = _fast.Kernel if _fast is not None else object
RELEASE_GIL_FLOPS = 200_000       # below this, releasing the GIL costs more than it frees


class CompiledFunction(_Base):
    """A graph compiled to C. Call it like a Python function (see API.md §3).

    The call itself is the C type `_fastcall.Kernel`: arguments that are Python floats or
    arrays of the exact dtype and shape go straight to the kernel; anything else takes
    `check_arguments`, which converts or raises naming the input.
    """

    def __init__(self, inputs, outputs, single, name, peak_bytes, c_source, library_path,
                 entry, library, flops, options):
        self.inputs = tuple(inputs)
        self.outputs = tuple(outputs)
        self._single = single
        self.name = name
        self.c_source = c_source
        self.library_path = str(library_path)
        self.peak_bytes = peak_bytes
        self.flops = flops
        self._options = options
        self._entry = entry
        self._library = library           # keeps the shared object loaded
        self._specs = [_Input(v, k) for k, v in enumerate(inputs)]
        positions = {}
        for k, v in enumerate(inputs):
            if v.name is not None:
                positions.setdefault(v.name, k)
        self._out_specs = [(o.shape, o.dtype) for o in outputs]
        # no reference back to self: the C object holds these
        self._check = functools.partial(check_arguments, self._specs, positions, name)
        self._fail = functools.partial(_raise, name)
        if _fast is not None:
            address = int(ffi.cast("uintptr_t", entry))
            _Base.__init__(self, address, [(s.shape, s.dtype.num) for s in self._specs],
                           [(shape, dtype.num) for shape, dtype in self._out_specs],
                           self.peak_bytes, int(single), int(flops >= RELEASE_GIL_FLOPS),
                           self._check, self._fail)

    if _fast is None:
        def __call__(self, *args, **kwargs):
            arrays = self._check(*args, **kwargs)
            outs = [np.empty(shape, dtype) for shape, dtype in self._out_specs]
            argv = ffi.new("void *[]", [ffi.cast("void *", a.ctypes.data) for a in arrays] or [ffi.NULL])
            resv = ffi.new("void *[]", [ffi.cast("void *", o.ctypes.data) for o in outs] or [ffi.NULL])
            work = _aligned_work(self.peak_bytes)
            code = self._entry(argv, resv, ffi.cast("void *", work.ctypes.data))
            if code:
                _raise(self.name, code)
            return outs[0] if self._single else tuple(outs)

    def bind(self, *args, **kwargs) -> "BoundCall":
        """Check the arguments once; the returned BoundCall runs with no checks at all."""
        return BoundCall(self, [a.copy() for a in self._check(*args, **kwargs)])

    # ------------------------------------------------------------ pickling and export

    def __reduce__(self):
        from .serialize import dump_graph
        return (_rebuild, (dump_graph(self.inputs, self.outputs), self._single, self._options))

    def export(self, directory) -> str:
        """Write <name>.c, <name>.h and lib<name>.so into `directory` (a standalone C library)."""
        from .compiler import export_sources
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        c_text, h_text = export_sources(self)
        (directory / f"{self.name}.c").write_text(c_text)
        (directory / f"{self.name}.h").write_text(h_text)
        cc = find_compiler()
        cmd = [cc, "-O2", "-std=c99", "-fPIC", "-shared", str(directory / f"{self.name}.c"),
               "-o", str(directory / f"lib{self.name}.so"), "-lm"]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode:
            from .errors import CompileError
            raise CompileError(f"export: {' '.join(cmd)} failed:\n{result.stderr}")
        return os.fspath(directory)

    def __repr__(self):
        ins = ", ".join(f"{s.name}: {dtypes.short(s.dtype)}{list(s.shape)}" for s in self._specs)
        return f"<CompiledFunction {self.name}({ins}), peak {self.peak_bytes} bytes>"


def _rebuild(graph, single, options):
    from .compiler import compile
    from .serialize import load_graph
    inputs, outputs = load_graph(graph)
    return compile(inputs, outputs[0] if single else outputs, **options)


class BoundCall:
    """Arguments checked once, outputs and working memory owned: `b()` just runs the C.

    Write new input values in place (`b.inputs[0][...] = x`); `b()` returns the same
    output arrays every call. One BoundCall per thread.
    """

    def __init__(self, function, arrays):
        self.function = function
        self.inputs = tuple(arrays)
        outs = [np.empty(shape, dtype) for shape, dtype in function._out_specs]
        self.outputs = outs[0] if function._single else tuple(outs)
        self._work = _aligned_work(function.peak_bytes)
        if _fast is not None:
            self._call = _fast.Bound(function, list(arrays), outs, self._work, self.outputs)
        else:
            argv = ffi.new("void *[]", [ffi.cast("void *", a.ctypes.data) for a in arrays] or [ffi.NULL])
            resv = ffi.new("void *[]", [ffi.cast("void *", o.ctypes.data) for o in outs] or [ffi.NULL])
            workp = ffi.cast("void *", self._work.ctypes.data)
            entry, name, result = function._entry, function.name, self.outputs

            def call():
                code = entry(argv, resv, workp)
                if code:
                    _raise(name, code)
                return result
            self._call = call

    def __call__(self):
        return self._call()


class StructuredFunction:
    """A compiled function built from nested tuples, lists and dicts of tensors: it takes
    its arguments in the structure of `inputs` (one positional argument per top-level
    entry of an input list or tuple, or one structure) and returns the structure of
    `outputs`. Everything else is the flat CompiledFunction's (`flat`)."""

    def __init__(self, flat, in_tree, out_tree):
        self.flat, self._in_tree, self._out_tree = flat, in_tree, out_tree

    def _leaves(self, args, kwargs):
        if kwargs or self._in_tree[0] == "leaf":
            return args, kwargs                 # by input name, or a single input: as the flat function
        tree = list(args) if self._in_tree[0] in ("tuple", "list") else (args[0] if len(args) == 1 else args)
        try:
            return pytree.flatten_like(self._in_tree, tree), {}
        except (TypeError, KeyError, ValueError) as e:
            raise TypeError(f"{self.flat.name}(): arguments must have the structure "
                            f"{pytree.describe(self._in_tree)} ({e})") from None

    def _outputs(self, flat):
        flat = flat if isinstance(flat, tuple) else (flat,)
        return pytree.unflatten(self._out_tree, list(flat))

    def __call__(self, *args, **kwargs):
        leaves, kwargs = self._leaves(args, kwargs)
        return self._outputs(self.flat(*leaves, **kwargs))

    def bind(self, *args, **kwargs):
        """A BoundCall (its `inputs` the flat list of input arrays) returning the structure."""
        leaves, kwargs = self._leaves(args, kwargs)
        bound = self.flat.bind(*leaves, **kwargs)
        result = self._outputs(bound.outputs)     # the same arrays every call, in the structure
        call = bound._call

        def run():
            call()
            return result
        bound._call, bound.outputs = run, result
        return bound

    def __getattr__(self, name):
        if name.startswith("__") or name == "flat":
            raise AttributeError(name)
        return getattr(self.flat, name)

    def __reduce__(self):
        return (StructuredFunction, (self.flat, self._in_tree, self._out_tree))

    def __repr__(self):
        return f"<StructuredFunction {pytree.describe(self._in_tree)} -> {pytree.describe(self._out_tree)} " \
               f"of {self.flat!r}>"
