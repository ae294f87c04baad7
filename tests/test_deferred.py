"""Deferred accumulator updates in loops: a reverse scan's weight gradient, a sum of one
low-rank product per step, is added a block of steps at a time with one rank-(block·k)
update instead of one rank-k update per step (`lower_loops.Deferred`). Checked: which loops
defer and with what block, gradients against NumPy by hand for lengths that are not a
multiple of the block, for batched and transposed products, and every checkpoint
strategy bit-identical to "none"."""
import numpy as np
import pytest

import graphc as gc
from graphc.lower import lower
from graphc.lower_loops import deferred_block


def rnn(n, T, batch, right):
    """h ← tanh(W h + x_t) (batch None), or rows h ← tanh(h Wᵀ + x_t) (`right`: h W)."""
    W = gc.var("W", (n, n))
    shape = (n,) if batch is None else (batch, n)
    h0, xs = gc.var("h0", shape), gc.var("xs", (T,) + shape)

    def step(h, x):
        if batch is None:
            return gc.tanh(W @ h + x), None
        return gc.tanh((h @ W if right else h @ W.T) + x), None
    hT, _ = gc.scan(step, h0, xs)
    L = gc.sum(hT * hT)
    return [W, h0, xs], [L, gc.grad(L, W)]


def by_hand(W, h0, xs, batch, right):
    M = W if right else W.T
    hs = [h0]
    for x in xs:
        hs.append(np.tanh((W @ hs[-1] if batch is None else hs[-1] @ M) + x))
    g, dW = 2 * hs[-1], np.zeros_like(W)
    for t in range(len(xs) - 1, -1, -1):
        g = g * (1 - hs[t + 1] ** 2)
        if batch is None:
            dW += np.outer(g, hs[t])
            g = W.T @ g
        else:
            dW += hs[t].T @ g if right else g.T @ hs[t]
            g = g @ M.T
    return np.sum(hs[-1] ** 2), dW


def deferred_of(inputs, outputs):
    program = lower(inputs, outputs)
    return [d for ins in program.instrs if ins.kind == "scan" for d in ins.extra["body"].deferred.values()]


CASES = [(64, 100, None, False), (64, 71, 3, False), (64, 67, 2, True), (8, 5, 256, False)]


@pytest.mark.parametrize("n,T,batch,right", CASES, ids=["vector", "batch3", "transposed", "wide-batch"])
def test_deferred_gradients_against_numpy(n, T, batch, right):
    inputs, outputs = rnn(n, T, batch, right)
    found = deferred_of(inputs, outputs)
    k = 1 if batch is None else batch
    block = deferred_block(k, n, n, T)
    assert (block >= 2) == (batch != 256)
    if block >= 2:
        assert [(d.k, d.m, d.n, d.block) for d in found] == [(k, n, n, block)]
        assert T % block != 0                   # the last block is a partial one
    else:
        assert found == []
    rng = np.random.default_rng(n + T)
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    shape = (n,) if batch is None else (batch, n)
    h0, xs = rng.standard_normal(shape) * 0.5, rng.standard_normal((T,) + shape) * 0.5
    L, dW = gc.compile(inputs, outputs)(W, h0, xs)
    L_ref, dW_ref = by_hand(W, h0, xs, batch, right)
    np.testing.assert_allclose(L, L_ref, rtol=1e-12)
    np.testing.assert_allclose(dW, dW_ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("strategy", ["sqrt", "revolve", "auto"])
def test_deferred_updates_are_bit_identical_under_checkpointing(strategy):
    inputs, outputs = rnn(64, 100, None, False)
    assert deferred_of(inputs, outputs)
    rng = np.random.default_rng(1)
    args = (rng.standard_normal((64, 64)) / 8, rng.standard_normal(64), rng.standard_normal((100, 64)))
    none = gc.compile(inputs, outputs)
    budget = gc.compile(inputs, outputs, checkpoint="sqrt").peak_bytes if strategy == "auto" else None
    other = gc.compile(inputs, outputs, checkpoint=strategy, memory_budget=budget)
    for a, b in zip(none(*args), other(*args)):
        assert np.array_equal(a, b)
