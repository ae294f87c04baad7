"""graphc: a symbolic computational-graph compiler to C.

Build a static graph of tensor operations in Python, differentiate it, and run it
(the NumPy reference interpreter today; compiled C through cffi next). See API.md.
"""
from . import dsl as _dsl  # noqa: F401  (installs the Tensor operators)
from . import linalg
from . import nn, scipy  # noqa: E402  (namespaces: gc.nn as jax.nn, gc.scipy as jax.scipy)
from .dtypes import float32, float64
from .errors import CompileError, GraphcError, MemoryBudgetError, ShapeError
from .ad.transforms import grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
from .ad.custom import custom_vjp
from .ad.custom_jvp import custom_jvp
from .ad.sparsity import jacobian_sparsity, sparse_hessian, sparse_jacobian
from .ad.vmap import vmap
from .checking import check_grads
from .compiler import compile
from .control import cond, map, switch, while_loop  # noqa: A004  (jax.lax's names)
from .implicit import rootfinder
from .interp import evaluate
from .ir import Tensor
from .dsl import trace
from .ops.core import cast, const, var
from .ops.elementwise import (abs_ as abs, clip, cos, exp, expm1, log, log1p, maximum, minimum,
                              power, relu, sigmoid, sign, sin, softplus, sqrt, square,
                              optimization_barrier, stop_gradient, tan, tanh, where)
from .ops.cumulative import linear_recurrence
from .ops.linalg import dot, matmul, outer
from .ops.reduce import logsumexp, max, mean, min, prod, softmax, sum
from .ops.scan import fori_loop, scan
from .ops.shape import (broadcast_to, concatenate, expand_dims, reshape, squeeze, stack,
                        transpose)
from .printing import format, to_dot
from .segments import segment_max, segment_min, segment_sum

__version__ = "0.1.0"

__all__ = [
    "CompileError", "GraphcError", "MemoryBudgetError", "ShapeError", "Tensor",
    "check_grads", "compile", "cond", "custom_jvp", "custom_vjp", "grad", "hessian", "hvp", "jacobian", "jacobian_sparsity",
    "jvp",
    "sparse_hessian", "sparse_jacobian", "value_and_grad", "vjp", "vmap",
    "abs", "broadcast_to", "cast", "clip", "concatenate", "const", "cos", "dot", "evaluate",
    "exp", "expand_dims", "expm1", "float32", "float64", "fori_loop", "format", "linalg", "nn", "scipy", "log", "log1p",
    "linear_recurrence", "logsumexp", "map", "matmul", "max", "maximum", "mean", "min", "minimum", "outer", "power",
    "prod", "relu", "reshape", "rootfinder", "scan", "segment_max", "segment_min", "segment_sum", "sigmoid", "sign", "sin", "softmax", "softplus", "sqrt",
    "square", "squeeze", "stack", "switch", "stop_gradient", "optimization_barrier", "sum", "tan", "tanh", "to_dot", "trace",
    "transpose", "var", "where", "while_loop",
]
