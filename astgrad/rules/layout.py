"""Rules for the functions that move elements without computing: np.expand_dims,
np.atleast_2d, np.broadcast_to, np.flip (`axis`), np.flipud, np.fliplr, np.swapaxes,
np.moveaxis, and np.tril and np.triu (`k`), which keep part of a matrix.

Each adjoint moves the output's adjoint back the way the elements came (a broadcast's adds up
what was repeated); all but tril and triu are views of their operand.
"""

import numpy as np

from ..runtime import reshape_like, unbroadcast
from ..runtime.scans import flip
from ..shapes import same
from .registry import rule
from .templates import d


@rule(np.expand_dims, np.atleast_2d, view=True)
def expand_dims(ans, a, axis=None):
    d[a] = reshape_like(d[ans], a)


@rule(np.broadcast_to, view=True)
def broadcast_to(ans, a, shape):
    d[a] = unbroadcast(d[ans], a)


@rule(np.flip, forward=flip, view=True, shape=same)
def flip_(ans, a, axis=None):
    d[a] = flip(d[ans], axis)


@rule(np.flipud, view=True, shape=same)
def flipud(ans, a):
    d[a] = np.flipud(d[ans])


@rule(np.fliplr, view=True, shape=same)
def fliplr(ans, a):
    d[a] = np.fliplr(d[ans])


@rule(np.swapaxes, view=True)
def swapaxes(ans, a, axis1, axis2):
    d[a] = np.swapaxes(d[ans], axis1, axis2)


@rule(np.moveaxis, view=True)
def moveaxis(ans, a, source, destination):
    d[a] = np.moveaxis(d[ans], destination, source)


@rule(np.tril, allocates=True, shape=same)
def tril(ans, m, k=0):
    d[m] = np.tril(d[ans], k)


@rule(np.triu, allocates=True, shape=same)
def triu(ans, m, k=0):
    d[m] = np.triu(d[ans], k)
