"""Affine integer expressions over loop variables, c + Σ aᵢ·iᵢ: the indices of fused loops.

View ops (broadcast, transpose, slice, reverse) map an output index to an operand index
by affine arithmetic, so any chain of them folds into one offset expression in C.
"""


class Affine:
    __slots__ = ("terms", "const")

    def __init__(self, terms=(), const=0):
        self.terms = tuple(sorted((v, a) for v, a in terms if a))
        self.const = const

    @staticmethod
    def var(name):
        return Affine(((name, 1),))

    @staticmethod
    def of(x):
        return x if isinstance(x, (Affine, Clamped)) else Affine((), int(x))

    def __add__(self, other):
        if isinstance(other, Clamped):
            return other + self
        other = Affine.of(other)
        terms = dict(self.terms)
        for v, a in other.terms:
            terms[v] = terms.get(v, 0) + a
        return Affine(terms.items(), self.const + other.const)

    __radd__ = __add__

    def __neg__(self):
        return Affine(((v, -a) for v, a in self.terms), -self.const)

    def __sub__(self, other):
        return self + (-Affine.of(other))

    def __rsub__(self, other):
        return Affine.of(other) - self

    def __mul__(self, k):
        if isinstance(k, Clamped):
            raise ValueError("product of two index expressions")
        if isinstance(k, Affine):
            if k.terms:
                raise ValueError("product of two affine index expressions")
            k = k.const
        return Affine(((v, a * k) for v, a in self.terms), self.const * k)

    __rmul__ = __mul__

    def key(self):
        return (self.terms, self.const)

    def c(self) -> str:
        """C text, e.g. 'i0*256 + i1 + 3'."""
        parts = [v if a == 1 else f"{v}*{a}" if a > 0 else f"-{v}" if a == -1 else f"{v}*({a})"
                 for v, a in self.terms]
        text = " + ".join(parts).replace("+ -", "- ")
        if self.const or not parts:
            text = f"{text} + {self.const}" if parts else str(self.const)
            text = text.replace("+ -", "- ")
        return text


class Clamped:
    """A non-affine index: C text such as a clamp (min/max) of an affine index. Arithmetic
    with ints and Affines stays Clamped; only used where an index must stay in bounds."""
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __add__(self, other):
        other = other.c() if isinstance(other, (Affine, Clamped)) else str(int(other))
        return Clamped(f"({self.text} + {other})")

    __radd__ = __add__

    def __neg__(self):
        return Clamped(f"(-{self.text})")

    def __sub__(self, other):
        return self + (-Affine.of(other) if not isinstance(other, Clamped) else -other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, k):
        k = k.const if isinstance(k, Affine) and not k.terms else k
        if not isinstance(k, int):
            raise ValueError("product of two index expressions")
        return Clamped(f"({self.text} * {k})") if k != 1 else self

    __rmul__ = __mul__

    def key(self):
        return self.text

    def c(self) -> str:
        return self.text


def clamp(index, size) -> Clamped:
    """`index` limited to [0, size - 1] (so a guarded read is always in bounds)."""
    text = Affine.of(index).c()
    return Clamped(f"({text} < 0 ? 0 : {text} > {size - 1} ? {size - 1} : {text})")


def offset(index, shape) -> Affine:
    """The row-major element offset of `index` in a contiguous array of `shape`."""
    total, stride = Affine(), 1
    for i, d in zip(reversed(index), reversed(shape)):
        if d != 1:
            total = Affine.of(i) * stride + total
        stride *= d
    return total


def broadcast_index(index, in_shape, out_shape):
    """The operand index read for output `index` under NumPy broadcasting."""
    lead = len(out_shape) - len(in_shape)
    return [Affine() if d == 1 else index[lead + k] for k, d in enumerate(in_shape)]
