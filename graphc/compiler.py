"""gc.compile: the pipeline from a graph to a loaded C function, every pass named.

    verify -> lower (fusion, storage) -> assign_buffers (memory plan) -> render C
           -> build (cache) -> load
"""
import hashlib

from .blas import has_pool, link_flags, numpy_openblas
from . import build as build_module, graph_cache, pytree
from .build import ENTRY, build, load
from .codegen.c import ERRORS, render, sanitize_comment
from .cost import graph_flops
from .ad.custom import has_user_rules, strip
from .ir import Tensor, toposort
from .ops.core import ConstValue
from .checkpoint import plan_program
from .runtime import CompiledFunction, StructuredFunction, c_identifier

STRATEGIES = ("none", "sqrt", "revolve", "auto")


def verify(inputs, outputs):
    """Inputs are distinct variables and cover every variable the outputs read."""
    for k, v in enumerate(inputs):
        if not isinstance(v, Tensor) or v.op.name != "var":
            raise TypeError(f"compile: input {k} must be a gc.var, got {v!r}")
    if len({v.id for v in inputs}) != len(inputs):
        raise ValueError("compile: an input is listed twice")
    for k, o in enumerate(outputs):
        if not isinstance(o, Tensor):
            raise TypeError(f"compile: output {k} must be a graphc tensor, got {type(o).__name__}")
        if o.op.multiple_results:
            raise TypeError(f"compile: output {k} is a tuple node; pass its parts")
    listed = {v.id for v in inputs}
    order = toposort(outputs)
    for n in order:
        if n.op.name == "var" and n.id not in listed:
            raise ValueError(f"compile: the outputs depend on input {n.name!r} (shape {n.shape}), "
                             "which is not among the inputs")
    return order


def compile(inputs, outputs, *, name=None, checkpoint="none", memory_budget=None,  # noqa: A001
            cache_dir=None):
    """Generate C for `outputs` as a function of `inputs`, compile, load, and return a
    CompiledFunction. A single output tensor gives one array per call, a list or tuple a tuple;
    nested tuples, lists and dicts of tensors (inputs or outputs) give a StructuredFunction,
    taking and returning those structures.

    >>> f = gc.compile([w1, w2], [L, *gc.grad(L, [w1, w2])])
    >>> value, g1, g2 = f(2.0, 3.0)
    """
    if not (pytree.is_flat(inputs) and pytree.is_flat(outputs)):     # dicts, nested tuples, ...
        in_leaves, in_tree = pytree.flatten(inputs)
        out_leaves, out_tree = pytree.flatten(outputs)
        flat = compile(in_leaves, out_leaves, name=name, checkpoint=checkpoint, memory_budget=memory_budget,
                       cache_dir=cache_dir)
        return StructuredFunction(flat, in_tree, out_tree)
    single = isinstance(outputs, Tensor)
    outs = [outputs] if single else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if checkpoint not in STRATEGIES:
        raise ValueError(f"compile: checkpoint must be one of {STRATEGIES}, got {checkpoint!r}")
    if memory_budget is not None and (not isinstance(memory_budget, int) or memory_budget <= 0):
        raise ValueError(f"compile: memory_budget must be a positive number of bytes, got {memory_budget!r}")
    order = verify(ins, outs)
    if has_user_rules(order):                   # custom derivative rules have done their work
        outs = strip(outs)
        order = verify(ins, outs)
    blas = numpy_openblas() is not None
    pool = blas and has_pool()
    key = graph_key(ins, outs, (blas, pool), (checkpoint, memory_budget))
    hit = graph_cache.lookup(key, cache_dir)        # a graph compiled before: no lowering
    if hit is not None:
        source, path, peak_bytes, plan = hit
    else:
        program, plan = plan_program(ins, outs, checkpoint, memory_budget)
        peak_bytes = program.arena_bytes
        source = render(program, ENTRY, blas, pool)
        path = build(source, cache_dir, link=link_flags() if "scipy_" in source else [], nodes=len(order))
        graph_cache.store(key, cache_dir, path, peak_bytes, plan)
    library, entry = load(path)
    options = dict(name=name, checkpoint=checkpoint, memory_budget=memory_budget, cache_dir=cache_dir)
    f = CompiledFunction(ins, outs, single, c_identifier(name), peak_bytes, source, path, entry,
                         library, graph_flops(order), options)
    f.plan = plan
    return f


def graph_key(inputs, outputs, blas, options=None) -> str:
    """A digest of the graph (structure, attributes, constants, names), of graphc's own
    code and of the compiler and its flags, so that a graph compiled before finds its
    kernel without lowering or rendering."""
    order = toposort(list(outputs) + list(inputs))
    position = {n.id: k for k, n in enumerate(order)}
    cc = build_module.find_compiler()
    h = hashlib.sha256(graph_cache.code_fingerprint().encode())
    h.update(repr((cc, build_module.compiler_version(cc), build_module.BASE_FLAGS,
                   build_module.host_target())).encode())
    h.update(repr((blas, options, [position[v.id] for v in inputs], [position[o.id] for o in outputs])).encode())
    for n in order:
        attrs = [(k, hashlib.sha256(v._key[2]).hexdigest() + repr(v._key[:2]) if isinstance(v, ConstValue)
                  else repr(v)) for k, v in n.attrs]
        h.update(repr((n.op.name, [position[i.id] for i in n.inputs], attrs, n.shape, str(n.dtype),
                       n.name)).encode())
    return h.hexdigest()


def export_sources(f):
    """(C source, header) of a compiled function for a standalone library named f.name."""
    options = f._options or {}
    program, _ = plan_program(list(f.inputs), list(f.outputs), options.get("checkpoint", "none"),
                              options.get("memory_budget"))
    c_text = render(program, f.name)
    lines = [f"/* {f.name}.h: generated by graphc. */",
             f"#ifndef {f.name.upper()}_H", f"#define {f.name.upper()}_H", "#include <stddef.h>", "",
             "/* Working memory, in bytes, one call needs (64-byte aligned). */",
             f"#define {f.name.upper()}_WORK_BYTES {program.arena_bytes}",
             f"size_t {f.name}_work_bytes(void);", "",
             f"/* {f.name}(arg, res, work): arrays are C-contiguous.", " * Inputs (arg[i]):"]
    for k, v in enumerate(f.inputs):
        lines.append(f" *   arg[{k}]: {sanitize_comment(v.name)}, {v.dtype.name}, shape {v.shape}")
    lines.append(" * Outputs (res[j]):")
    for k, o in enumerate(f.outputs):
        lines.append(f" *   res[{k}]: {o.dtype.name}, shape {o.shape}")
    codes = ", ".join(f"{code} ({what})" for code, what in sorted(ERRORS.items()))
    lines += [f" * Returns 0, or {codes}. */",
              f"int {f.name}(const void *const *arg, void *const *res, void *work);", "", "#endif", ""]
    return c_text, "\n".join(lines)
