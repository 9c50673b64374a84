"""Programs astgrad got wrong, found by the fuzzer or by people using it, shrunk to a few lines.

Each is a plain function, with a docstring saying what went wrong (and who found it, when not
the fuzzer); `CASES` lists the arguments each is checked at (clear of its branch boundaries),
on both sides of its branches. tests/fuzz/test_regressions.py runs them through the four
gradients. The fuzzer generates the form of each (tests/fuzz/programs.py), so that the next bug
of its kind is found by a test.
"""

import numpy as np

C = np.array([[-0.9, -0.5, -0.1], [0.3, 0.7, 1.1]])
ONE = np.float32(1.0)
PICKS = np.array([0, 2, 2])  # one element picked twice
ROWS, COLUMNS = np.array([0, 1, 1, 0]), np.array([1, 0, 0, 1])
LAST_THRICE = np.array([-1, -1, -1])
K0 = np.float64(1.5)
C1 = np.array([-0.9, 0.1, 1.1])
WRITES = np.array([0, 1, 1, 3])  # one element written twice


def overwritten_in_branch(x):
    """A constant replaced x in a branch, but x's adjoint still reached the argument: the
    assignment had no varied operand, so it got no adjoint code, and neither did the `if`."""
    if x < 0.5:
        x = 1.0
    return x * 2.0


def array_overwritten_in_branch(x):
    """The same, as the fuzzer found it: an array argument replaced by a new one."""
    if x[0] < 0.5:
        x = np.ones(3)
    y = x[1] + x
    return y[1]


def overwritten_in_loop(x, n):
    """The same in a loop, which had no adjoint code at all: the gradient was 2 for any n."""
    for _ in range(n):
        x = 1.0
    return x * 2.0


def overwritten_twice_in_loop(x):
    """The same, overwritten twice in a trip: neither assignment replaced a varied value (the
    first one's is not, in the trip; the second one's is the first one's constant), so the
    loop still had no adjoint code. What decides is whether an adjoint flows back into it."""
    for _ in range(2):
        x = 1.0
        x = 2.0
    return x * x


def overwritten_by_a_helper(x, c):
    """The same through tuple unpacking from a helper called with constants."""
    if c > 0.0:
        x, y = pair(1.0)
    return x * 3.0


def pair(a):
    return a * 2.0, a


def slice_updated_in_place(x):
    """`a[1:] *= x[1]` reads `a[1:]` into a temporary, a view of a, which the store then
    overwrote: the adjoint of the product read the new values of a, not the old."""
    a = np.ones(2)
    a[1:] *= x[1]
    return np.mean(a)


def rebound_after_for(x):
    """The loop's reverse trips read x, which the statement after the loop rebinds: they read
    the new x (0.97 where 3 x**2 is 0.27 at x = 0.3)."""
    v = x
    for _ in range(2):
        v = v * x
    x = x + 0.5
    return v


def rebound_after_while(x):
    """The same with a while loop."""
    v = x
    k = 0
    while k < 2:
        v = v * x
        k += 1
    x = x + 0.5
    return v


def rebound_after_inner_loop(x):
    """The same for a loop inside a loop: the copy is taken and put back in each reverse
    trip of the outer loop."""
    s = 0.0
    v = x
    for _ in range(2):
        for _ in range(2):
            s = s + v * x
        v = v * 0.5 + x
    return s


def bound_rebound_after_inner_loop(x, n):
    """Not found by the fuzzer but by fixing the above: the inner loop's bound m is rebound
    after it, so a reverse trip of the outer loop reruns the inner loop from a copy of m
    taken before it, which must be made even though only the rerun reads it."""
    s = 0.0
    m = n
    for _ in range(2):
        for j in range(1, m):
            s = s + x * j * s + x
        m = m + 1
        s = s * x * m
    return s


def returns_from_a_loop(x):
    """A second return in a loop is guarded by `if _returned: ... else: <the rest>`, and the
    rest sets the flag: reversing the guard read the flag's new value, and took the branch
    that skipped the rest's adjoint (a zero gradient)."""
    for i in range(3):
        if x[0] > 5.0:
            return x[1]
        if x[i] < 0.3:
            return x[1] * 2.0
    return x[0]


def loop_after_an_early_return(x, c):
    """Refused: "'v' is read in the loop before the loop assigns it, and it may have no value
    when the loop starts". It has one whenever the loop runs: only the path that returned
    skips the assignment, and the loop with it."""
    if c > 0.0:
        v = x * 2.0
    else:
        if x > 5.0:
            return x
        v = x * 3.0
    for _ in range(2):
        v = v * x
    return v


def walks_an_array_it_rebinds(x):
    """`for v in x` walks the array x was when the loop began; the loop read `x[k]` each trip,
    from the x the body had rebound (the value itself was wrong)."""
    s = 0.0
    for v in x:
        x = x * 2.0
        s = s + v * np.sum(x)
    return s


def zips_an_array_it_rebinds(x, y):
    """The same through zip."""
    s = 0.0
    for a, b in zip(x, y):
        y = y + a
        s = s + a * b
    return s + np.sum(y)


def decided_before_it_runs(x, n):
    """Did not compile: numba prunes the branch of a test on constants (`0.1 <= 3.0`) in the
    forward loop and not in its reverse, then cannot type what only the pruned branch bound
    (the test of the elif). astgrad now decides such tests itself, keeping the branch taken."""
    for _ in range(n):
        if 0.1 <= 3.0:
            x = x * 0.5 + 0.1
        elif x < 0.3:
            x = x * 2.0
    return x


def transpose_of_module_array(x):
    """`C.T` of a module-level array was refused: 'C' is a ndarray; attributes of objects are
    not supported (only module attributes were looked up)."""
    return np.sum(C.T @ x)


def method_of_module_array(x):
    """The same for a method: `C.mean(axis=0)`."""
    return np.sum(C.mean(axis=0) * x)


def puts_back_into_a_rebound_array(x, n):
    """A trip stored into a slice of `a` and then rebound `a`: the reverse trip put the old
    slice back into the copy of `a` made before the store, but did not make that copy
    (NameError in plain NumPy; compiled, even a loop that never runs did not compile)."""
    a = np.zeros(3)
    for _ in range(n):
        a[1:] += x if a[0] > 3.0 else x * x
        a -= np.full(3, 0.5)
        a[:2] *= x
    return np.sum(a)


def scalar_constructor_in_reassigned_statement(W1, W2, X):
    """Found by a user (and in astgrad.nn's float32 Sigmoid): `h = np.float64(1.0) / (1.0 +
    np.exp(-h))` differentiates as one tree of operations, whose adjoint sums its result back
    to the old h's shape, since `np.float64(1.0)` was not known to be a number; but `-h` alone
    does not broadcast, so the old h was not kept, and the new h's shape was used: the gradient
    for W1 came back (1, 2) instead of (4, 2)."""
    h = X @ W1.T
    h = np.float64(1.0) / (1.0 + np.exp(-h))
    h = h @ W2.T
    return np.sum(h)


def float32_constant_in_reassigned_statement(W1, X):
    """The same with a module constant of NumPy's float32 type, and with np.float32(...)."""
    h = X @ W1.T
    h = ONE / (1.0 + np.exp(-h))
    h = h @ np.ones((3, 4))
    h = np.float32(2.0) / (1.0 + h * h)
    return np.sum(h @ np.ones((4, 2)))


def counter_advanced_in_inner_loop(theta, seed):
    """Found on a public benchmark's objective written the plain way: the reverse of the inner
    loop wrote `d[out][k]` with k at its value after the loop, not its value in each trip (the
    store's copy of k was read, but what it copies was not kept per trip)."""
    out = np.zeros(8)
    k = 0
    for outer in range(2):
        for inner in range(3):
            out[k] = theta[outer * 3 + inner]
            k += 1
    return np.sum(seed * out)


def counter_advanced_in_branch(theta, seed):
    """The same, the counter advanced only in some trips."""
    out = np.zeros(6)
    k = 0
    for i in range(6):
        if theta[i] > 0.0:
            out[k] = theta[i] * 2.0
            k += 1
    return np.sum(seed * out)


def counter_advanced_in_while_loops(theta, seed):
    """The same in nested while loops, and in both branches of an if (the reverse read past
    the end of `out`)."""
    out = np.zeros(6)
    k = 0
    i = 0
    while i < 3:
        j = 0
        while j < 2:
            if j == 0:
                out[k] = theta[i * 2 + j] ** 2
                k = k + 1
            else:
                out[k] = theta[i * 2 + j] * 3.0
                k += 1
            j += 1
        i += 1
    return np.sum(seed * out)


def counters_two_deep_as_one_index(theta, seed):
    """Two counters, each advanced in its own loop, make one index."""
    out = np.zeros((2, 3))
    r = 0
    for _ in range(2):
        c = 0
        for _ in range(3):
            out[r, c] = np.sin(theta[r * 3 + c])
            c += 1
        r += 1
    return np.sum(seed * out)


def gather_with_repeated_indices(x):
    """Found by a user: `x[idx]` picks x[2] twice, so both adjoints add into it; `d[idx] += g`
    added one ([2, 0, 6] where the answer is [2, 0, 12]). The adjoint of a gather is a
    scatter-add (np.add.at), in both modes."""
    return np.sum(x[PICKS] ** 2)


def gather_with_an_index_argument(x, picks):
    """The same with the indices passed in."""
    return np.sum(np.sin(x[picks]) * x[picks])


def gather_of_pairs_with_repeats(W):
    """The same for `W[rows, columns]` with repeated pairs."""
    return np.sum(W[ROWS, COLUMNS] ** 3)


def write_with_repeated_indices(v):
    """Found by a user: `y[idx] = v` writes y[1] twice and NumPy keeps the last write, so only
    v[2] reaches the result; both v[1] and v[2] got the adjoint."""
    y = np.zeros(4)
    y[WRITES] = v
    return np.sum(y * np.arange(1.0, 5.0))


def write_with_repeated_indices_in_loop(v, n):
    """The same in a loop, reading the elements it overwrites (the compiled undo log took a
    view's positions for an integer array's)."""
    y = np.zeros(4)
    for _ in range(n):
        y[WRITES] = y[WRITES] * v + v
    return np.sum(y * np.arange(1.0, 5.0))


def loss_and_prediction(w, x, y):
    prediction = x @ w
    return np.sum((prediction - y) ** 2), prediction


def indexes_a_helpers_tuple(w, x, y):
    """Found by a user: `helper(...)[0]` of a helper returning a tuple failed with 'float'
    object is not subscriptable in both modes (unpacking it worked)."""
    return loss_and_prediction(w, x, y)[0] + np.sum(loss_and_prediction(w * 2.0, x, y)[-1])


def rebinds_an_argument_read_in_a_loop(x0, x1):
    """Found by the fuzzer (its programs now rebind names with values of another shape): the
    argument x1, rebound to a part of itself and then read in a loop for nothing useful, was
    counted among the loop's adjoints because it is a `wrt` parameter; its gradient came back
    as the loop's zeros of the part's shape, (1, 3) for a (2, 1, 3) argument."""
    x1 = x1[1:, -1]
    a2 = np.zeros((3,))
    for j5 in range(3):
        if x0 > 5.0:
            v6 = x1[-1, j5] + a2
            a2[j5] = x0
    return np.sum(a2) + x0


def gathers_by_a_module_array_after_a_return(x0):
    """Found by the fuzzer: numba froze LAST_THRICE into its code, and `x0[LAST_THRICE]` next
    to `x0[0]` in one block made numba's compiler compare the two indexes as NumPy arrays
    ('The truth value of an array ... is ambiguous'). Module-level index arrays are now read
    into a local once per call."""
    if not x0[0] < 0.3:
        v1 = x0[1]
    elif not 3.0 * x0[0] >= -0.7:
        if not np.cosh(3.0) ** 0.5 > 0.1:
            return x0[:] @ x0
    return np.sum(x0[LAST_THRICE] + x0[0])


# -- what the widened fuzzer found with each of the fixes above reverted -----------------------


def leaf_rebound_with_another_shape(x0):
    """The fuzzer's program for the tree fix reverted: `np.where(..., x0, x0)` reads x0 in a
    tree whose result is broadcast; x0 is then rebound to another shape. It also found
    astgrad.specialized sizing its loops by the argument's name, which then named the new
    value: a function that rebinds an argument is no longer specialized."""
    v1 = np.where((np.full((3,), -0.7) * np.full((3,), -0.7) + 0.5) ** 1.5 >= x0,
                  np.dot(np.full((2,), -0.7), np.full((2, 3), 2.0)),
                  np.where(np.sin(x0) >= K0 * K0, x0, x0))
    x0 = np.tanh(np.dot(v1 * np.ones((2, 3)), v1))
    v2 = v1 * np.ones((2, 3))
    return np.mean(np.full((1, 3), 2.0)) + np.sum(v1) + np.sum(v2)


def number_rebound_to_an_array(x0, x1):
    """The same, a number rebound to an array of rank 3 (an argument of shape () got a
    gradient of shape (2, 1, 3))."""
    x1 = (-1.0 + np.full((2, 1, 3), 1.5)) / np.exp(x1)
    v1 = np.sin(np.full((1, 1, 1), -1.0)) + x1
    return np.sum(x1[-1]) + np.mean(v1) + x0


def gathers_an_element_twice(x0, n):
    """The fuzzer's program for the scatter-add fix reverted: x0, read by two indexes and
    rebound to a number, got a gradient of shape ()."""
    if not np.full((3,), 0.1) @ np.full((3,), 0.1) < 1.5:
        return -x0[1, 2]
    x0 = x0[0, 2] + x0[n % 2, 1]
    return np.sum(np.full((3,), 0.3))


def fills_by_a_counter_in_while_loops(x1, x2):
    """The fuzzer's program for the counters fix reverted: a counter advanced in nested while
    loops indexes the writes; the reverse read past the end of a1."""
    a1 = np.zeros((3,))
    k2 = 0
    i3 = 0
    while i3 < 3:
        i3 += 1
        j4 = 0
        while j4 < 1:
            j4 += 1
            a1[k2] = x1[-1, i3 % 1, 2]
            k2 += 1
    return np.mean(a1 * np.ones((1, 3)) - x2) + np.mean(a1)


def fills_by_a_counter_in_a_branch(x1, x2, n):
    """Found with the tuple-indexing fix reverted, and wrong without it: the zeros a branch
    gives an adjoint it leaves untouched (`1.5 if ... else x2[...]`) took the shape of x2
    after the statement rebinds it, (2,) for a (1, 3) argument."""
    m1 = (x2.shape[1] + 2) % 3
    x2 = np.minimum(x1 - np.full((2,), 1.5), 1.5 if not x1[0] ** 3 > x2[-1, m1 % 3]
                    else x2[m1 % 1, 2])
    a2 = np.zeros((2,))
    k3 = 0
    i4 = 0
    while i4 < 1:
        i4 += 1
        for j5 in range(2):
            if x1[j5] + x2[1] <= 2.0 or (x1[i4 % 2] if np.cosh(x1[n % 2]) ** 3.0 < 0.5
                                         else -0.7) >= 0.1:
                a2[k3] = x2[m1 % 2]
                k3 += 1
    return np.mean(a2) + np.sum(x2 * x2)


def reads_past_the_end_in_a_branch(x0, picks):
    """The fuzzer's program for boundscheck reverted: `x0[:-1, 3]` of a (2, 3) array, in a
    branch taken; compiled code returned a gradient where Python raises IndexError."""
    v1 = np.full((2,), 0.5) + np.full((2,), 3.0)
    for i in range(0, v1.shape[0], 2):
        if np.cos(x0[-1, i % 3]) <= x0[1, 1] + x0[-1, i % 3]:
            v1 = v1 * x0[:-1, 3]
    return np.min(x0[:2, :]) + np.sum(v1) + np.sum(C1[picks])


def unused_read_past_the_end_in_a_while_loop(x0, x1):
    """Found by the fuzzer in CI: `v5 = x0[-1, 3]`, never read, in a `while` loop. The loop's
    check was an inlined numba overload, and inlining runs numba's dead-code pass over the
    gradient, which drops a read whose value is unused: compiled code returned a gradient."""
    k = 0
    while not x0[0, 0] >= 1.5 and k < 2:
        k += 1
        v4 = x1[-1]  # noqa: F841 (the point: values never read)
        v5 = x0[-1, 3]  # noqa: F841
    return np.sum(x0 * x1)


def writes_past_the_end_in_a_loop(x, k):
    """A store past the end inside a loop (a guard, not a bug found): compiled, the undo log
    reads what a store overwrites by its own indexes (runtime/undo.py) and logs nothing for
    an index out of range, so that the store after it raises Python's IndexError."""
    a = x * 2.0
    for i in range(3):
        a[k + i] = a[i] * x[0]
    return np.sum(a)


def written_before_it_names_another(x0, x1, x2):
    """Found by the fuzzer's long run: `a2[k3] = v1` in a loop, and after the loop `a2 = v1`.
    The write was refused as one seen through two names, though a2 was still its own array
    then: sharing counted from wherever it began, not from where it may run before the write."""
    v1 = x2
    a2 = np.zeros((3,))
    k3 = 0
    i4 = 0
    while i4 < 1:
        i4 += 1
        j5 = 0
        while j5 < 3:
            j5 += 1
            a2[k3] = v1
            k3 += 1
    a2 = v1
    return a2 + v1 + a2 + np.sum(x1 * x0)


def shape_read_after_the_loop_rebinds_it(x2, picks, n):
    """Found by the fuzzer in CI (reduced): each reversed trip of `x2 = x2[picks]` makes its
    adjoint zeros shaped like x2, which it reads only for its shape; the statement after the
    loop rebinds x2 to a (2,) array, and nothing put the loop's x2 back first."""
    for i in range(n):
        x2 = x2[picks]
    x2 = x2[0, 0, :2] * 2.0
    return np.sum(x2)


def carried_and_rebound_after_the_loop(x0, x1, x2, picks):
    """Found by the fuzzer in CI (reduced): x2 is carried by the loop (which runs no trip)
    and rebound after it by a statement whose value is never used; the zero adjoint the
    reverse loop starts with was shaped like that last x2, (2,), not like the loop's."""
    for i in range(1 - 1):
        for j in range(3 - 1):
            x0 = x0 - x2[i % 2, i, :]
            x2 = x2[picks]
    v4 = x1 ** x0[0, 0]
    x2 = x2[0, 0, :2] + x0[0, 0]
    return v4[0]


def may_return_from_a_while_loop(x0, x1):
    """Found by the fuzzer's long run, from the fix of carried_and_rebound_after_the_loop:
    the value the function returns is carried by the loop (which may return) and bound after
    it; keeping it when the loop ends read it where it may not have been bound yet."""
    k1 = 0
    while k1 < 1 and (np.minimum(x0[0, 2], x0[-1, 0]) > 2.0 or 0.5 + np.float64(-1.0) < 3.0):
        k1 += 1
        if not np.sum(x0[k1 % 1, :]) < np.float64(-1.0) * x1[k1]:
            return np.mean(np.full((2, 3), -1.0)) + x1[k1] ** 2
    v3 = -np.exp(x0)
    return np.mean(x0 ** 3) + np.sum(v3)


def element_of_an_argument_rebound(x0):
    """Found by the fuzzer in CI: `x0 = x0[-1, 1] + 2.0` made the adjoint of x0[-1, 1] an
    alias of the new x0's adjoint variable, which the element's own rule then set to zeros
    (the old x0's adjoint) before adding the alias into it: 'setting an array element with
    a sequence', or zeros where the shapes allowed it."""
    x0 = x0[-1, 1] + 2.0
    return x0 * x0


def element_of_a_vector_rebound(x0):
    """The same with a vector of one element."""
    x0 = x0[0] + 2.0
    return x0 * x0


def trace_of_a_stack(x0, x1):
    """Found reading the code (2026-12-06): np.trace of a stack of matrices put its adjoint on
    min(x.shape) diagonal elements, not the first two axes' min, so a (3, 3, 2) stack had no
    gradient at [2, 2]; and compiled, numba had no np.trace of a stack."""
    v1 = np.trace(x0.T * x1.T)
    return np.sum(v1 * v1)


def trace_of_a_stack_taken_for_a_number(x0, x1):
    """Found reading the code (2026-12-06): the reverse stage took np.trace(x) for a number, as
    it is of a matrix; of a stack it is an array, and the adjoint of `v1 * x1[0, 0]` reached
    the element x1[0, 0] as an array."""
    v1 = np.trace(x0 * np.ones((2, 3))) * x1[0, 0]
    return np.sum(v1 * v1)


def reads_an_element_then_writes_the_array(x0, x1):
    """Found by the fuzzer's long run: `v5 = a1[0]` of a vector is a number, but astgrad took
    every index for a view and refused the write into a1 that follows. An index of integers
    only is now checked when the gradient runs: refused if it picked an array."""
    a1 = np.zeros((2,))
    for _ in range(2):
        a1[:2] = np.sin(np.sin(a1 + x0))
    v5 = a1[0]
    a1[:2] *= x1[-1, 1:]
    return np.mean(v5 * np.ones((2, 3))) + np.mean(a1) + v5


def returns_from_a_loop_in_a_loop(x0):
    """Found by the fuzzer's long run (shrunk): the reverse of each outer trip runs the inner
    loop again to count its trips, but the flag its `break` sets was not reset before it
    (liveness did not count the flag as read by the loop), so the inner loop stopped after
    its first trip and the element returned got no gradient."""
    for v1 in x0:
        for v2 in v1:
            v1 = v1
            if v2 ** 2 >= 0.5:
                return v2 ** 2
    return np.sum(x0)


def returns_from_a_range_in_a_range(x0):
    """The same over ranges."""
    for i in range(2):
        for j in range(3):
            if x0[i, j] > 0.5:
                return x0[i, j] * 3.0
    return 0.0



def returns_after_a_return_in_a_branch(x0, x1):
    """A second `if` with a return, after a branch that may return (CI's fuzz shard): its
    other branch got no zeros for v1's adjoint, since v1 is unbound on the path that returned
    early, so the adjoint of `v1 = np.exp(x1)` read an adjoint never set (UnboundLocalError).
    The paths that returned never run that `if`."""
    if x0[1] > x0[0]:
        v1 = -x1
    else:
        if x0[0] > 5.0:
            return x0[1]
        v1 = np.exp(x1)
    if x1[2] <= x1[1]:
        return x1[0]
    return np.sum(v1)


def returns_what_a_later_branch_reads(x):
    """The paths that returned early take a guard's empty branch, where v's adjoint got no
    zeros (v is unbound on the paths that skipped the first branch); on them, the adjoint of
    `v = x * 2` read an adjoint never set. Their zeros read v as the return left it."""
    if x[0] > 0:
        v = x * 2
        if x[1] > 0:
            return np.sum(v)
    if x[0] > 0:
        v = v * 3
        return np.sum(v * 3)
    return x[2]


def breaks_with_what_a_later_branch_reads(x):
    """The same with `break`, where the trips that broke take the guard's empty branch (this
    one the loop's trips got right: kept so that the form stays covered)."""
    s = 0.0
    v = x
    for i in range(3):
        if x[i] > 0:
            v = x * x[i]
            if x[1] > 0.5:
                s = s + np.sum(v)
                break
        if x[i] > 0:
            v = np.sin(v)
            s = s + np.sum(v)
    return s


def two_values(p0, p1):
    return np.max(p1, axis=1) @ np.sin(p0), np.exp(p1[1, 0, -1])


def unpacks_a_value_it_rebinds(x0):
    """No adjoint reaches v2 as the helper gave it (its next statement is dead), so the
    helper's adjoint got zeros for it: shaped like v2's last value, an array, not like the
    number the helper returned (ValueError in the gradient; a rebound value of another dtype
    or a shape that broadcasts could have made it silent)."""
    v1, v2 = two_values(np.min(x0, axis=0), x0 + np.full((2, 1, 3), 2.0))
    v2 = v2 * x0[0, 0]
    v2 = (np.cosh(v1) ** (-0.7)).cumsum(axis=0)
    return np.sum(v1) + np.mean(v2)


def returns_by_a_constant_test_in_a_loop(x0, x2):
    """A return in a loop under a test of module constants (`K0 * -0.7 > 3.0`, the fuzzer's
    float32 shard): numba pruned the branch in the forward loop but not where the reverse
    loop recomputes the test, and then could not type `_result`, bound in the pruned branch
    (the compiled gradient failed to compile). The product of two numbers is now computed
    when the function is transformed, as their comparison already was."""
    s = x2
    for _ in x0:
        if K0 * -0.7 > 3.0:
            s = s * 2.0
            return s
        s = s * x2
    return s


def returns_by_a_decided_test_in_a_loop(x0, x1):
    """`if 0.3 <= 2.0: return ...` in a loop (decided when normalized, so the trip certainly
    returns): the rest of the trip was guarded by the flag, and the trip ended `if _break1:
    break`; numba pruned what it knew never ran and then could not compile what the pruned
    code bound. The rest is now left out and the trip ends with `break`."""
    for _ in range(0, x0.shape[1], 2):
        if 0.3 <= 2.0:
            return np.sqrt(np.exp(0.5))
        if 0.5 - x1 < x1:
            v1 = x1 * np.ones((1, 3))
            x1 = x1 + np.sum(v1)
    return np.sum(x0) * x1



def writes_after_picking_part_of_either(x0):
    """`t = v[:, 1] if c else a[:, -1]` binds t to part of v or to part of a, which astgrad
    took to make v and a one array: the write into a was refused as also changing v, read
    afterwards (found by the long fuzz run). Names share an array only through a name both
    are bound from; two names one name is bound from, on different paths, need not."""
    v = np.exp(x0)
    a = np.zeros((2, 3))
    a[:, :1] = (v[:, 1:2] if x0[0, 0] > 0.5 else a[:, -1:]) * 2.0
    return np.sum(v) + np.sum(a * x0)


def zeros_what_a_branch_rebinds_in_a_loop(x1):
    """In a reversed trip, the branch that leaves v1 alone ends with zeros for v1's adjoint,
    shaped by v1 as the `if` saw it: a copy, since the other branch rebinds v1. The reversed
    trip recomputed the `if` without making the copy (the zeros' read of it was not counted
    as the `if`'s), so the gradient raised NameError, or failed to compile (found by the long
    fuzz run, 19 distinct failures of this cause)."""
    v1 = np.ones(2) * 0.5
    for v2, v3 in zip(x1, v1):
        if v2 >= 0.5:
            v1 = np.exp(v2 * np.ones(2))
        elif v3 < 2.0:
            v5 = v2 * v3  # noqa: F841  (as the fuzzer wrote it)
    return np.mean(v1)


def adds_into_an_array_after_picking_a_number(x1):
    """`v = a[1]` of a vector picks a number, yet `a += ...` after it was refused at run time
    as changing an array another name refers to (found by the long fuzz run, 28 distinct
    failures of this cause): the check of `a += ...` asked whether a is an array, when the
    only other name reached it through a pick, which is what to ask about, as for a store."""
    a1 = np.ones((3,))
    v2 = a1[1]
    a1 += np.dot(x1, v2 * np.ones((2, 3)))
    return v2 + np.mean(a1) + v2


def three_values_and_a_sum(v):
    return C1 * 1.0, np.sum(v * v)


def unpacks_a_new_shape_into_a_name(x):
    """`y, s = helper(y)` rebinds y to a value of another shape; the specialized gradient
    kept y's old shape and summed y * 3.0 over its first two elements: the value came out
    wrong, with no error (found by a session reading the specializer). A name rebound by a
    statement the specializer does not follow has no known shape."""
    y = x * 2.0
    y, s = three_values_and_a_sum(y)
    return np.sum(y * 3.0) + s


def writes_into_an_array_read_before(x):
    """The specialized gradient ran `a[0] = 5.0` before the loop computing `w = a * x`: a
    statement it keeps as written went before the open loop nest when it neither read what
    the nest computes nor rebound a name the nest reads, but a write into an array changes
    it under every name (found by a session reading the specializer). Value and gradient
    came out wrong, with no error."""
    a = np.ones_like(x)
    w = a * x
    a[0] = 5.0
    return np.sum(w * w) + np.sum(a * x)


def argument_rebound_where_nothing_flows_back(x0, x1):
    """x1 is rebound to values that never reach the result (read by comparisons only), and
    the reverse sweep skipped those statements altogether: the adjoint it returned for the
    argument x1 was the zeros of the loop's x1, of shape (2, 3) for an argument of (3,)
    (astgrad refused it as its own bug). A statement with no adjoint still rebinds its
    targets: the values they held before have adjoints of their own."""
    x1 = np.cos(x0 * np.ones((2, 3)))
    for _ in range(2):
        v = x1[0, 0]
        for _ in range(2):
            x1 = x0 * np.ones((2, 3))
            if v > 5.0:
                return np.sum(x1)
    return x0 * 2.0


def aliases_a_value_waiting_after_a_nest(x0, x1):
    """The specializer let arithmetic of unknown shape (rank 3) wait until after the open loop
    nest, and then a name bound to it (`x1 = _t9`) asked for its shape: a KeyError inside
    astgrad, raised to the caller as the gradient's error (found by the CI fuzz shard of
    straight-line programs on the session's own change)."""
    x1 = np.sqrt(np.cosh(x0 * np.ones((2, 3)))) / (x1[:] * x1[:] + 0.5)
    x1 = (np.full((1, 1, 1), 2.0) - x0 * np.ones((2, 1, 3))) * (x0[2] + x1[1:, 0])
    v1 = np.where(np.full((3,), 0.1) * x0 < 3.0,
                  np.where(np.cos(x0[:]) >= -0.7, x0[:x0.shape[0]], 1.5), x1[1:, 0, -1])
    return np.mean(np.mean(x0 * np.ones((1, 3)), axis=0, keepdims=True).sum(axis=0)) + np.sum(v1)


def argument_rebound_with_another_shape_in_a_branch(x):
    """A branch rebinds an argument to a value of another shape (found reviewing the
    specializer's branches): one statement alone binds x, but x also holds the argument
    where the branch is not taken, so after the branch its shape is unknown, not the
    branch's; taken for the branch's, the loops summed all but the argument's first element
    (the gradient's shape check then sent the call to the generic gradient:
    test_specialize.py calls the version itself)."""
    if np.sum(x) > 0.0:
        x = x[1:] * 2.0
    return np.sum(x * x)

def rebinds_the_adjoint_a_loop_stores_into(x0):
    """Found by the fuzzer once statements could join a loop nest after a store: the adjoint
    store `_dx0[:] += g` joined the nest, and the next statement, which rebinds `_dx0`, was
    asked whether it read the array stored into, by a name it had just rebound (a KeyError:
    the gradient warned and ran as generated)."""
    x0 = np.full((1,), 0.5) + x0 + x0
    return np.sum(x0[:])


def _halves(p0):
    p0 = np.full((2, 1, 3), 0.5) * p0
    v1 = p0[2, -1, 0] - p0[-1, -1, ::2]  # nothing reads v1
    return np.sin(p0[0, -1, :]), p0 * 2.0


def unused_read_past_the_end_in_a_split_helper(x0, x1):
    """A helper's vjp in halves (called outside loops, its forward half returning what its
    adjoint reads): the forward half computed only its outputs and those values, so an
    index past the end whose value nothing reads was left out, and the gradient was returned
    where Python raises (found by the fuzzer, 2026-12-07)."""
    x1 = _halves(x1 * np.ones((2, 1, 3)))[0]
    return np.sum(x1 * x0)


# programs numba cannot compile, checked as plain NumPy only: why
PYTHON_ONLY = {gathers_an_element_twice: "x0 is an array on one path and a number on the other",
               carried_and_rebound_after_the_loop: "x2 is an array of rank 3, then of rank 1"}

INDEX_ERRORS = [  # what both modes must refuse with Python's IndexError, and its message
    (reads_past_the_end_in_a_branch, (np.array([[0.8, 0.3, 0.7], [1.25, 1.19, 0.2]]),
                                      np.array([1, 0])),
     "index 3 is out of bounds for axis 1 with size 3"),
    (unused_read_past_the_end_in_a_while_loop, (np.zeros((1, 3)), np.ones((2, 3))),
     "index 3 is out of bounds for axis 1 with size 3"),
    (writes_past_the_end_in_a_loop, (np.array([0.5, -0.3, 0.8, 1.1]), 2),
     "index 4 is out of bounds for axis 0 with size 4"),
    (unused_read_past_the_end_in_a_split_helper, (np.array([0.3, -1.3, 1.2]), -1.5),
     "index 2 is out of bounds for axis 0 with size 2"),
]



def argument_rebound_to_a_number(x):
    """x, an array argument, is rebound to a number after its last read. The reverse sweep
    took a name for a number when every assignment to it makes one, forgetting the argument
    bound on entry: x and np.cosh(x) were numbers to it, so the adjoint of x[:-1], broadcast
    against np.cosh(x), was not summed back to x[:-1]'s shape (NumPy refused the gradient of
    a correct program). Found by the fuzzer in CI."""
    y = np.cosh(x) ** x[:-1]
    x = np.tanh(0.5)
    return np.sum(y) * x


def flag_starting_true_in_a_while_loop(x):
    """A while loop on a flag that starts as the constant True: the flag is one of the numbers
    the loop's check for an endless loop watches, which turned them into floats with numba's
    float(), and that refuses a bool: the compiled gradient did not compile (found by a session
    reading the runtime)."""
    go = True
    while go:
        x = x * 0.5
        go = x > 0.1
    return x * x

def flag_of_a_while_loop_writing_into_an_array(x0, x1):
    """A while loop's flag, a number on entry (True), a comparison at the trip's end: the
    specializer wrote the loop again with nothing known of the flag, found it a comparison at
    the end again, forgot it again, and so on forever (the gradient never returned)."""
    a = np.full((1, 3), 3.0)
    k = 0
    go = True
    while k < 4 and go:
        k += 1
        a[::2, :] = x1 * 2.0
        go = np.exp(x0) > 0.5
    return np.mean(a) + np.mean(x1[0, ::-1])


def loop_computing_only_what_nothing_reads(x):
    """A loop whose every statement computes what nothing reads: the specializer left out its
    loop nest and kept the nest's comment, and printed a `for` whose body held only a comment
    (an IndentationError, so the gradient ran unspecialized and warned)."""
    v = x / (x[2] * x[2] + 0.5)
    for _ in range(2, -1, -1):
        w = v + x  # noqa: F841
    return v[-1] + np.sum(v)


def returns_a_mean_after_a_branch(x):
    """A return in a branch: the other block's value, a mean, was bound to the result after
    the loop nest summing it, and the specializer bound the sum, not the mean (what a nest
    computes as a number is its total; the mean is computed from it after the nest)."""
    if x[-1, -1] + x[-1, -1] > 0.5:
        return x[-1, -1]
    for _ in range(1):
        x = x * 1.0
    return np.mean(x)


def writes_columns_of_a_fortran_copy(x):
    """np.copy(a.T) keeps the transpose's Fortran order; a loop writing its columns needs an
    undo log, which took only C-ordered arrays: astgrad refused the function (both modes)."""
    a = np.copy(np.full((3, 2), 0.5).T)
    for j in range(3):
        for i in range(j + 1, 3):
            a[:, i] *= x[1:, -1]
    return a[-1, -1] + np.sum(a)


def _squares_of_halved_tanh(p):
    r = np.tanh(p * 0.5)
    return np.sum(r * r)


def float32_power_before_a_helper_loop(x):
    """A float32 number's power (np.exp(v) ** v) after a loop calling a helper: the power's
    adjoint `y * x ** (y - 1)` was a float64 compiled (numba's float32 - 1, which NumPy keeps
    float32), so the helper loop's adjoints changed type from one trip to the next and the
    compiled gradient did not compile."""
    v = np.float32(0.0)
    for i in range(3):
        v = v + _squares_of_halved_tanh(x[:i + 1])
    a = np.zeros((3,), dtype=np.float32)
    for k in range(3):
        a[k] = np.exp(v) ** v
    return v + np.sum(a)


def float32_tanh_after_a_helper_loop(x):
    """The same with a tanh: its adjoint `1 - t * t` is a float64 compiled (numba's int -
    float32), so v's adjoint, a float32 when the second loop's reverse starts, left its trips
    a float64; numba typed the helper's vjp called with it twice (float32, then float64
    arrays) and did not compile the gradient. Every rule with a number in it did the same."""
    v = np.float32(0.0)
    for i in range(3):
        v = v + _squares_of_halved_tanh(x[:i + 1])
    a = np.zeros((3,), dtype=np.float32)
    for k in range(3):
        a[k] = np.tanh(v)
    return v + np.sum(a)


def float32_root_after_a_sum_in_a_loop(x):
    """Without a helper, and with the widening written by the user (`v * v + 1`, a float64
    compiled): the sum's adjoint (an array from v's) was typed twice."""
    v = np.float32(0.0)
    for i in range(3):
        r = np.tanh(x[:i + 1] * 0.5)
        v = v + np.sum(r * r)
    a = np.zeros((3,), dtype=np.float32)
    for k in range(3):
        a[k] = np.sqrt(v * v + 1)
    return v + np.sum(a)


def differences_of_a_reversed_row(x):
    """np.diff of a view (x[0, ::-1]) compiled: numba's own np.diff reshapes its operand,
    which a non-contiguous view refuses, and the gradient did not compile (found by the
    fuzzer in CI); generated code now always calls astgrad's diff."""
    return np.sum(np.diff(x[0, ::-1]) * x[1, 1:])


def stacks_a_row_on_a_vector(x, y):
    """np.vstack of a vector and a (1, n) matrix: numba's vstack takes operands of one rank
    only, so the gradient did not compile (CI's fuzzer, 2026-12-08)."""
    z = np.vstack((x[::-1], y[0, ::2, ::-1]))
    return np.sum(z / np.exp(np.full((2, 1), 3.0)))


FLOAT32 = [  # checked in float32 against the tape in float64 (finite differences of a
    # function that rounds to float32 are not precise enough)
    (float32_power_before_a_helper_loop, (np.array([0.3, -0.2, 0.5], np.float32),)),
    (float32_tanh_after_a_helper_loop, (np.array([0.3, -0.2, 0.5], np.float32),)),
    (float32_root_after_a_sum_in_a_loop, (np.array([0.3, -0.2, 0.5], np.float32),)),
]


CASES = [
    (differences_of_a_reversed_row, [(np.array([[0.3, -1.2, 0.7], [0.5, 1.5, -0.4]]),)]),
    (adds_into_an_array_after_picking_a_number, [(np.array([0.5, 0.2]),)]),
    (zeros_what_a_branch_rebinds_in_a_loop, [(np.array([1.17, 0.57]),),
                                              (np.array([0.2, 0.9]),),
                                              (np.array([0.8, 0.1]),)]),
    (writes_after_picking_part_of_either, [(np.array([[0.8, 0.3, 0.7], [0.2, -0.4, 0.1]]),),
                                           (np.array([[0.1, 0.3, 0.7], [0.2, -0.4, 0.1]]),)]),
    (returns_by_a_decided_test_in_a_loop, [(np.array([[-1.27, 1.26, 0.8]]), 1.27),
                                           (np.zeros((1, 0)), 1.27)]),
    (returns_by_a_constant_test_in_a_loop, [(np.ones(3), 0.3)]),
    (unpacks_a_value_it_rebinds, [(np.array([[0.3, 0.2, -0.4]]),)]),
    (returns_after_a_return_in_a_branch, [(np.array([0.42, -0.13]), np.array([0.0, 0.9, 0.0])),
                                           (np.array([-0.4, 0.3]), np.array([0.0, 0.9, 0.0])),
                                           (np.array([0.42, -0.13]), np.array([0.5, 0.1, 0.9]))]),
    (returns_what_a_later_branch_reads, [(np.array([1.0, 1.0, 1.0]),),
                                         (np.array([1.0, -1.0, 1.0]),),
                                         (np.array([-1.0, 1.0, 1.0]),)]),
    (breaks_with_what_a_later_branch_reads, [(np.array([1.0, 1.0, 1.0]),),
                                             (np.array([1.0, -1.0, 1.0]),),
                                             (np.array([-0.3, 0.7, 0.5]),),
                                             (np.array([0.3, 0.2, 0.5]),)]),
    (returns_from_a_loop_in_a_loop, [(np.array([[0.0, 0.1, 0.0], [0.0, 0.99, 0.0]]),),
                                     (np.array([[0.0, 0.1, 0.0], [0.0, 0.2, 0.0]]),)]),
    (returns_from_a_range_in_a_range, [(np.array([[0.0, 0.1, 0.0], [0.0, 0.99, 0.0]]),),
                                       (np.array([[0.0, 0.1, 0.0], [0.0, 0.2, 0.0]]),)]),
    (reads_an_element_then_writes_the_array, [(np.array([0.3, -0.2]),
                                               np.array([[0.5, 0.4, 0.7], [0.1, 0.9, -0.3]]))]),
    (trace_of_a_stack, [(np.linspace(-1, 1, 6).reshape(2, 1, 3),
                          np.linspace(0.5, 1.5, 6).reshape(2, 3))]),
    (trace_of_a_stack_taken_for_a_number, [(np.linspace(-1, 1, 6).reshape(2, 1, 3),
                                            np.linspace(0.5, 1.5, 6).reshape(2, 3))]),
    (may_return_from_a_while_loop, [(np.array([[0.0, -0.15, -0.91]]), np.array([-0.26, -0.08])),
                                    (np.array([[0.0, -0.15, -0.91]]), np.array([-0.26, 2.0]))]),
    (shape_read_after_the_loop_rebinds_it, [(np.linspace(-1, 1, 6).reshape(2, 1, 3),
                                              np.array([1, 0]), 1)]),
    (carried_and_rebound_after_the_loop, [(np.array([[-0.5, -0.12, -0.36]]),
                                           np.array([0.47, 1.03, 0.47]),
                                           np.linspace(-1, 1, 6).reshape(2, 1, 3),
                                           np.array([1, 0]))]),
    (written_before_it_names_another, [(0.3, -0.4, 0.5)]),
    (overwritten_in_branch, [(0.1,), (0.7,)]),
    (array_overwritten_in_branch, [(np.array([0.1, 0.2, 0.3]),), (np.array([0.9, 0.2, 0.3]),)]),
    (overwritten_in_loop, [(0.3, 0), (0.3, 2)]),
    (overwritten_twice_in_loop, [(0.3,)]),
    (overwritten_by_a_helper, [(0.3, -1.0), (0.3, 1.0)]),
    (slice_updated_in_place, [(np.array([1.17, 0.11, -1.28]),)]),
    (rebound_after_for, [(0.3,)]),
    (rebound_after_while, [(0.3,)]),
    (rebound_after_inner_loop, [(0.3,)]),
    (bound_rebound_after_inner_loop, [(0.3, 3)]),
    (returns_from_a_loop, [(np.array([0.5, 0.7, 0.1]),), (np.array([0.1, 0.7, 0.9]),),
                           (np.array([0.5, 0.7, 0.9]),)]),
    (loop_after_an_early_return, [(0.3, 1.0), (0.3, -1.0), (6.0, -1.0)]),
    (walks_an_array_it_rebinds, [(np.array([0.3, -0.2, 0.5]),)]),
    (zips_an_array_it_rebinds, [(np.array([0.3, -0.2, 0.5]), np.array([0.1, 0.7, -0.4]))]),
    (decided_before_it_runs, [(0.1, 2)]),
    (transpose_of_module_array, [(np.array([0.3, -0.2]),)]),
    (method_of_module_array, [(np.array([0.3, -0.2, 0.5]),)]),
    (puts_back_into_a_rebound_array, [(1.5, 0), (1.5, 2), (-2.5, 3)]),
    (scalar_constructor_in_reassigned_statement, [
        (np.linspace(-1, 1, 8).reshape(4, 2), np.linspace(-0.5, 0.7, 4).reshape(1, 4),
         np.linspace(-2, 2, 32).reshape(16, 2))]),
    (float32_constant_in_reassigned_statement, [
        (np.linspace(-1, 1, 6).reshape(3, 2), np.linspace(-2, 2, 10).reshape(5, 2))]),
    (counter_advanced_in_inner_loop, [(np.linspace(-1, 1, 6), np.arange(1.0, 9.0))]),
    (counter_advanced_in_branch, [(np.array([0.5, -0.3, 0.8, 1.1, -0.6, 0.2]),
                                   np.arange(1.0, 7.0))]),
    (counter_advanced_in_while_loops, [(np.linspace(-1, 1, 6), np.arange(1.0, 7.0))]),
    (counters_two_deep_as_one_index, [(np.linspace(-1, 1, 6),
                                       np.arange(1.0, 7.0).reshape(2, 3))]),
    (gather_with_repeated_indices, [(np.array([1.0, 2.0, 3.0]),)]),
    (gather_with_an_index_argument, [(np.array([0.5, -0.3, 0.8]), np.array([0, 2, 2, -1]))]),
    (gather_of_pairs_with_repeats, [(np.array([[0.5, -0.3], [0.8, 0.1]]),)]),
    (write_with_repeated_indices, [(np.array([0.5, -0.3, 0.8, 1.1]),)]),
    (write_with_repeated_indices_in_loop, [(np.array([0.5, -0.3, 0.8, 1.1]), 3)]),
    (rebinds_an_argument_read_in_a_loop, [(1.0, np.linspace(-1, 1, 6).reshape(2, 1, 3)),
                                           (6.0, np.linspace(-1, 1, 6).reshape(2, 1, 3))]),
    (gathers_by_a_module_array_after_a_return, [(np.array([0.0, 0.5]),),
                                                 (np.array([0.5, 0.1]),)]),
    (leaf_rebound_with_another_shape, [(np.array([0.2, -0.4, 0.9]),)]),
    (number_rebound_to_an_array, [(0.3, 1.33)]),
    (gathers_an_element_twice, [(np.array([[-1.2, -0.26, -0.61], [0.4, -1.13, 0.8]]), 1),
                                (np.array([[-1.2, -0.26, -0.61], [0.4, -1.13, 0.8]]), 0)]),
    (fills_by_a_counter_in_while_loops, [(np.linspace(-1, 1, 6).reshape(2, 1, 3),
                                          np.array([[-1.15, 0.2, -0.8]]))]),
    (fills_by_a_counter_in_a_branch, [(np.array([-1.2, 1.41]), np.array([[1.02, -0.81, -0.14]]),
                                       1)]),
    (element_of_an_argument_rebound, [(np.array([[0.5, -0.3, 0.8]]),)]),
    (element_of_a_vector_rebound, [(np.array([0.7]),)]),
    (indexes_a_helpers_tuple, [(np.array([0.5, -0.3, 0.8]), np.linspace(-1, 1, 15).reshape(5, 3),
                                np.linspace(0, 1, 5))]),
    (unpacks_a_new_shape_into_a_name, [(np.array([0.5, -0.3]),)]),
    (writes_into_an_array_read_before, [(np.array([0.5, -0.3, 0.8]),)]),
    (argument_rebound_where_nothing_flows_back, [(-1.04, np.array([-0.61, -1.04, -0.93]))]),
    (aliases_a_value_waiting_after_a_nest, [(np.array([0.87, 0.91, -0.58]),
                                             np.array([-0.7, -0.7, -0.7]))]),
    (argument_rebound_to_a_number, [(np.array([[0.3, 1.1, -0.4], [0.6, -0.2, 0.9]]),)]),
    (flag_starting_true_in_a_while_loop, [(0.9,), (3.0,)]),
    (loop_computing_only_what_nothing_reads, [(np.array([-0.5, 0.2, -0.24]),)]),
    (returns_a_mean_after_a_branch, [(np.full((2, 3), -1.0),), (np.full((2, 3), 1.0),)]),
    (writes_columns_of_a_fortran_copy, [(np.linspace(0.2, 1.4, 6).reshape(2, 3),)]),
    (argument_rebound_with_another_shape_in_a_branch, [(np.array([0.5, 1.0, 2.0]),),
                                                        (np.array([0.5, -1.0, -2.0]),)]),
    (rebinds_the_adjoint_a_loop_stores_into, [(np.zeros(3),)]),
    (flag_of_a_while_loop_writing_into_an_array, [(0.3, np.array([[0.1, -0.4, 0.7]])),
                                                  (-2.0, np.array([[0.1, -0.4, 0.7]]))]),
    (stacks_a_row_on_a_vector, [(np.array([0.3, -0.2, 0.9]),
                                 np.linspace(-1.0, 1.0, 6).reshape(2, 1, 3))]),
]
