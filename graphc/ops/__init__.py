"""The primitives of graphc, one module per family; importing this registers them all."""
from . import core, elementwise, shape, reduce, linalg, qr, expm, scan, accumulate, indexing, cumulative  # noqa: F401  (registration order)
from .core import REGISTRY, Primitive

__all__ = ["REGISTRY", "Primitive"]
