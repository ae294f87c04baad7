"""glibc's vector libm (libmvec) for the libm calls of elementwise ops, written GC_M(sin) etc.

Built with -DGRAPHC_LIBMVEC=<glibc's minor version> (build.py: vector_math_flags), each
function libmvec has in that version (sin, cos, log, pow from 2.22; the rest from 2.35)
is declared to have vector versions, so that gcc vectorises the loops calling it (per
element on AVX2: sin 12.3 -> 2.2 ns, log 5.5 -> 2.6, atan 11.8 -> 2.9; within 4 ulp where
libm's are within 0.5). Every call, scalar or of whatever vector width gcc picks for a
loop's body or its remainder, runs the one widest libmvec version on padded lanes: a
value's result never depends on where in a loop it falls, so checkpoint strategies, whose
loops differ, stay bit-identical. The declarations name our own symbols (hidden, defined
once per library), not libm's, so gcc neither treats them as builtins (merging sin and cos
of one argument into a scalar sincos) nor binds two libraries' copies together. Other
functions, and all of them without the define, are libm's scalar ones.
"""
import re

_CALL = re.compile(r"\bGC_M\((\w+)\)\(")
# the clones gcc may call, by ISA letter: vector bytes and the predefined macro it needs
_CLONES = (("b", 16, "__SSE2__"), ("c", 32, "__AVX__"), ("d", 32, "__AVX2__"), ("e", 64, "__AVX512F__"))

PRELUDE = r"""/* libm calls GC_M(f): glibc's vector versions when built with -DGRAPHC_LIBMVEC=<glibc's minor
 * version, 22 or more> and linked with -lmvec (gcc, x86-64), so that loops calling them
 * vectorise; libm's scalar functions otherwise (graphc/codegen/vector_math.py). */
#define GC_M(f) GC_M_##f
#if defined(GRAPHC_LIBMVEC)
#define GC_VM_DECLARE(T, f, ...) T gc_vm_##f(__VA_ARGS__) __attribute__((const, __simd__("notinbranch")));
#if defined(__AVX2__)
#define GC_VM_BYTES 32
#else
#define GC_VM_BYTES 16
#endif
#define GC_VM_HIDDEN __attribute__((visibility("hidden")))
typedef double gc_vm_double __attribute__((vector_size(GC_VM_BYTES)));
typedef float gc_vm_float __attribute__((vector_size(GC_VM_BYTES)));
typedef double gc_vm_double2 __attribute__((vector_size(16)));
typedef float gc_vm_float4 __attribute__((vector_size(16)));
#if defined(__AVX__)
typedef double gc_vm_double4 __attribute__((vector_size(32)));
typedef float gc_vm_float8 __attribute__((vector_size(32)));
#endif
#if defined(__AVX512F__)
typedef double gc_vm_double8 __attribute__((vector_size(64)));
typedef float gc_vm_float16 __attribute__((vector_size(64)));
#endif
#endif"""


def used(text: str) -> list:
    """The GC_M function names a C text calls, sorted."""
    return sorted(set(_CALL.findall(text)))


def declarations(names, vector=True) -> str:
    """C mapping each GC_M name in `names` to libm's function, or (when `vector` and the
    build's glibc has it) declaring and, in unit 0, defining its vector-capable version."""
    lines = []
    for name in names:
        ctype, args, since = _signature(name)
        if not vector:
            lines.append(f"#define GC_M_{name} {name}")
            continue
        lines += [f"#if defined(GRAPHC_LIBMVEC) && GRAPHC_LIBMVEC >= {since}",
                  f"GC_VM_DECLARE({ctype}, {name}, {', '.join([ctype] * args)})",
                  f"#define GC_M_{name} gc_vm_{name}",
                  "#if GC_IN_UNIT(0, 1)", *_definitions(name), "#endif",
                  "#else", f"#define GC_M_{name} {name}", "#endif"]
    return "\n".join(lines)


# libm's double functions with libmvec versions on x86-64: arity, and the glibc minor
# version that has them (2.22: sin, cos, log, pow; 2.35: the rest)
ARITY = {**dict.fromkeys(("sin", "cos", "log"), (1, 22)), "pow": (2, 22),
         **dict.fromkeys(("tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "exp2",
                          "log2", "log10", "log1p", "cbrt", "erf", "erfc"), (1, 35)),
         "atan2": (2, 35), "hypot": (2, 35)}


def _signature(name):
    """(C type, arity, glibc minor version) of a libm function: sin is double, sinf float
    (erf is double)."""
    if name in ARITY:
        return ("double",) + ARITY[name]
    return ("float",) + ARITY[name[:-1]]


def _definitions(name):
    """The scalar function and each clone, all computed by the widest libmvec version."""
    ctype, args, _ = _signature(name)
    size = 4 if ctype == "float" else 8
    wide = f"gc_vm_{ctype}"
    code = "v" * args
    params = ", ".join(f"{ctype} x{k}" for k in range(args))
    base_av2, base_sse = f"_ZGVdN{32 // size}{code}_{name}", f"_ZGVbN{16 // size}{code}_{name}"
    lines = [f"/* {name}: libmvec's {base_av2} (AVX2) or {base_sse} */",
             "#if defined(__AVX2__)",
             f"#define GC_VM_BASE_{name} {base_av2}",
             "#else",
             f"#define GC_VM_BASE_{name} {base_sse}",
             "#endif",
             f"{wide} GC_VM_BASE_{name}({', '.join([wide] * args)});",
             f"GC_VM_HIDDEN {ctype} gc_vm_{name}_scalar({params}) __asm__(\"gc_vm_{name}\");",
             f"{ctype} gc_vm_{name}_scalar({params})",
             "{",
             *(f"    {wide} v{k} = x{k} - ({wide}){{0}};" for k in range(args)),
             f"    return GC_VM_BASE_{name}({', '.join(f'v{k}' for k in range(args))})[0];",
             "}"]
    for isa, nbytes, macro in _CLONES:
        lanes = nbytes // size
        vector = f"gc_vm_{ctype}{lanes}"
        lines += [f"#if defined({macro})",
                  f"GC_VM_HIDDEN {vector} _ZGV{isa}N{lanes}{code}_gc_vm_{name}("
                  + ", ".join(f"{vector} x{k}" for k in range(args)) + ")",
                  "{",
                  f"    {vector} y;",
                  f"    for (int i = 0; i < {lanes}; i += (int)(sizeof({wide}) / {size})) {{",
                  *(f"        {wide} v{k};" for k in range(args)),
                  f"        for (int j = 0; j < (int)(sizeof({wide}) / {size}); ++j) {{",
                  *(f"            v{k}[j] = x{k}[i + j < {lanes} ? i + j : i];" for k in range(args)),
                  "        }",
                  f"        {wide} r = GC_VM_BASE_{name}({', '.join(f'v{k}' for k in range(args))});",
                  f"        for (int j = 0; j < (int)(sizeof({wide}) / {size}) && i + j < {lanes}; ++j) y[i + j] = r[j];",
                  "    }",
                  "    return y;",
                  "}",
                  "#endif"]
    return lines
