"""graphc's exception types (API.md §6): one base class, each error also a builtin kind."""


class GraphcError(Exception):
    """Base class of every error graphc raises on purpose."""


class ShapeError(GraphcError, ValueError):
    """Operand shapes do not fit the operation; raised when the node is built."""


class MemoryBudgetError(GraphcError, ValueError):
    """No checkpoint schedule fits the requested memory budget."""


class CompileError(GraphcError, RuntimeError):
    """The C compiler failed or is missing; carries its diagnostics."""
