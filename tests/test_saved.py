"""What a gradient keeps for its adjoint sweep: only overwritten values that are needed."""

import itertools

import astgrad

from .corpus import control


def test_the_recurrence_keeps_exactly_one_float_per_trip():
    df = astgrad.grad(control.logistic, wrt=(0, 1))
    assert [s.what for s in df.saved] == ["x"]
    assert "one value of x per trip of the for loop" in str(df.saved[0])
    assert df.source.count("empty_tape(") == 1  # and nothing else is taped
    line = control.logistic.__code__.co_firstlineno + 3  # the `for` line
    assert df.saved[0].line == line
    assert str(df.saved) == f"x (line {line}): one value of x per trip of the for loop (8 " \
        "bytes for a number, its nbytes for an array)"  # printed as the README shows it


def test_what_is_kept_prints_one_line_each():
    df = astgrad.grad(control.linear_recurrence_array, wrt=(0, 1))
    assert str(df.saved).count("\n") == len(df.saved) - 1 and "SavedValue" not in str(df.saved)
    assert str(astgrad.grad(control.dot_by_loop, wrt=(0, 1)).saved) == "nothing"


def test_values_that_are_never_overwritten_are_not_kept():
    assert astgrad.grad(control.dot_by_loop, wrt=(0, 1)).saved == []
    assert astgrad.grad(control.stencil_laplacian).saved == []  # writes only, never reads back


def test_temporaries_are_recomputed_not_kept():
    df = astgrad.grad(control.rk4_logistic, wrt=(0, 1))
    assert [s.what for s in df.saved] == ["y"]  # k1 .. k4 are recomputed from y


def test_arrays_written_in_place_keep_only_the_elements_overwritten():
    df = astgrad.grad(control.linear_recurrence_array, wrt=(0, 1))
    assert [s.what for s in df.saved] == ["values of y overwritten in the loop"]
    assert "the elements each trip writes" in str(df.saved[0])


def test_a_loop_in_a_reversed_trip_runs_only_what_its_reverse_reads():
    # each trip makes t anew and updates its columns from another array's: no adjoint reads
    # what the updates overwrite, so nothing of t is logged, and the inner loop's run before
    # its reverse only advances its bounds (it used to rewrite t and log every column)
    source = astgrad.grad(control.columns_of_a_new_array, wrt=(0, 1)).source
    assert "log_write(" not in source
    assert source.count("= centered[:, j]") == 3  # forward, the outer trip's run, the reverse
    # but where the updates read t's own columns, their old values are logged and put back
    source = astgrad.grad(control.columns_from_its_own, wrt=(0, 1)).source
    assert "log_write(" in source


def test_an_addition_into_a_part_leaves_its_adjoint_as_it_is():
    # u[1:-1] = u[1:-1] + ...: the store's adjoint cut d[u][1:-1] to zero and the read's
    # added the same back; neither is written (only the part's copy for the added value)
    source = astgrad.grad(control.heat_in_place, wrt=(0, 1)).source
    assert "_du[1:-1] = 0.0" not in source and "own(_du[1:-1])" in source
    source = astgrad.grad(control.columns_from_its_own, wrt=(0, 1)).source
    assert "_dt[:, j] = 0.0" in source  # t[:, j] = t[:, j] / ...: a store that cuts


def test_a_while_loops_tapes_grow_outside_its_trips():
    # `tape = grow(tape, count)` in every trip made numba count references to the tape in
    # every trip (particle's gradient took 1.7 times as long): the tapes grow in a loop
    # around the trips, which run while the tapes have room
    lines = [line.split("#")[0].rstrip()
             for line in astgrad.grad(control.newton_sqrt).source.splitlines()]
    start = next(k for k, line in enumerate(lines) if line.lstrip().startswith("while (")
                 and "_done1 < _kept_x.shape[0]" in line)
    depth = len(lines[start]) - len(lines[start].lstrip())
    trips = list(itertools.takewhile(
        lambda line: not line or len(line) - len(line.lstrip()) > depth, lines[start + 1:]))
    assert "keep(_kept_x" in "\n".join(trips) and "grow(" not in "\n".join(trips)
    assert lines[start - 1].strip() == "_kept_x = grow(_kept_x, _done1)"
    assert lines[start - 2].lstrip().startswith("while ")


def test_a_helper_called_outside_loops_keeps_what_its_adjoint_reads():
    df = astgrad.grad(control.helper_keeping_its_values, wrt=(0, 1))
    line = control.helper_keeping_its_values.__code__.co_firstlineno + 2  # the call
    kept = [s for s in df.saved if s.line == line]
    assert len(kept) == 1 and "values of gates that its adjoint reads (forget, change" in str(
        kept[0]) and "kept from the call to its adjoint" in str(kept[0])
    # called in a for loop, they are kept for every trip; in a while loop, recomputed
    looped = astgrad.grad(control.helper_in_loop, wrt=(0, 1)).saved
    loop = control.helper_in_loop.__code__.co_firstlineno + 2
    assert [str(s) for s in looped] == [
        f"1 value of sigmoid that its adjoint reads (line {loop}): one of each per trip of "
        "the for loop (8 bytes for a number, its nbytes for an array)"]
    assert all("sigmoid" not in s.what for s in astgrad.grad(control.helper_in_while).saved)
