"""Datasets for trying astgrad.nn: the bundled Wisconsin breast cancer data, and a CSV reader
for a user's own table (the csv module and NumPy; no pandas).

    from astgrad.data import load_breast_cancer, read_csv

    X, y, feature_names = load_breast_cancer()           # (569, 30) floats, 0/1 labels
    X, y, feature_names = read_csv("houses.csv", target="price")

Every problem with a file (missing, empty, an unknown column, a value that is not a number)
is a `CommandLineError` that names the file, and the line and column where it applies.
"""

from __future__ import annotations

import csv
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import CommandLineError

__all__ = ["BREAST_CANCER_CLASSES", "BREAST_CANCER_TARGET", "breast_cancer_path",
           "load_breast_cancer", "read_csv", "read_header"]

BREAST_CANCER_TARGET = "diagnosis"  # 1 = malignant, 0 = benign (see BREAST_CANCER.md)
BREAST_CANCER_CLASSES = ("benign", "malignant")  # the names of the labels 0 and 1


def breast_cancer_path():
    """The bundled breast_cancer.csv, as a `Traversable` (a `Path` in an ordinary install).

    >>> breast_cancer_path().name
    'breast_cancer.csv'
    """
    return resources.files(__name__) / "breast_cancer.csv"


def load_breast_cancer() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The Wisconsin Diagnostic Breast Cancer data: features `X`, float64 of shape (569, 30),
    labels `y`, int64 of shape (569,) with 1 = malignant and 0 = benign, and the 30 feature
    names (astgrad/data/BREAST_CANCER.md gives the source and licence, CC BY 4.0).

    >>> X, y, names = load_breast_cancer()
    >>> X.shape, int(y.sum()), names[0]
    ((569, 30), 212, 'radius_mean')
    """
    with resources.as_file(breast_cancer_path()) as path:
        X, y, names = read_csv(path, BREAST_CANCER_TARGET)
    return X, y.astype(np.int64), names


def read_csv(path, target: str | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a CSV file with a header row: the feature columns as a float64 array `X`, the
    `target` column (default: the last) as `y`, and the feature names.

    `y` is float64 if every target value is a number; if none is (class names such as
    "setosa"), it holds the strings. Feature values must all be finite numbers. Blank lines
    are skipped.

    >>> X, y, names = read_csv("iris.csv", target="species")
    >>> X.shape, y[:2]
    ((150, 4), array(['setosa', 'setosa'], dtype='<U10'))
    """
    header, lines, rows = _rows(Path(path))
    target = header[-1] if target is None else target
    if target not in header:
        raise CommandLineError(f"{path} has no column {target!r}; its columns are: "
                               f"{', '.join(header)}",
                               "name the target column with --target")
    if header.count(target) > 1:
        raise CommandLineError(f"{path} has {header.count(target)} columns named {target!r}",
                               "give the columns distinct names")
    if len(header) < 2:
        raise CommandLineError(f"{path} has only the column {target!r}: no features to "
                               "learn it from")
    table = np.array(rows, dtype=str).reshape(len(rows), len(header))
    column = header.index(target)
    features = [name for i, name in enumerate(header) if i != column]
    X = _numbers(np.delete(table, column, axis=1), features, lines, path)
    return X, _target(table[:, column], target, lines, path), features


def read_header(path) -> list[str]:
    """The column names of a CSV file (its first non-blank row).

    >>> read_header(breast_cancer_path())[-1]
    'diagnosis'
    """
    with _reader(Path(path)) as reader:
        for row in reader:
            if any(cell.strip() for cell in row):
                return [name.strip() for name in row]
    raise _empty(path)


@contextmanager
def _reader(path: Path):
    """A csv.reader of `path`; failing to open or decode it is a CommandLineError."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            yield csv.reader(file)
    except FileNotFoundError:
        raise CommandLineError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise CommandLineError(f"{path} is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise CommandLineError(f"{path} is not a text (UTF-8) CSV file") from None
    except (OSError, csv.Error) as error:
        raise CommandLineError(f"cannot read {path}: {error}") from None


def _empty(path) -> CommandLineError:
    return CommandLineError(f"{path} is empty", "a CSV file starts with a header row of "
                            "column names, then one row per sample")


def _rows(path: Path) -> tuple[list[str], list[int], list[list[str]]]:
    """The header, and the data rows with their line numbers in the file."""
    numbered = []
    with _reader(path) as reader:
        for row in reader:
            if any(cell.strip() for cell in row):
                numbered.append((reader.line_num, row))
    if not numbered:
        raise _empty(path)
    (_, header), data = numbered[0], numbered[1:]
    header = [name.strip() for name in header]
    if not data:
        raise CommandLineError(f"{path} has a header but no data rows")
    for line, row in data:
        if len(row) != len(header):
            raise CommandLineError(f"{path}, line {line}: {len(row)} values, but the header "
                                   f"names {len(header)} columns")
    return header, [line for line, _ in data], [[c.strip() for c in row] for _, row in data]


def _numbers(table: np.ndarray, columns: list[str], lines: list[int], path) -> np.ndarray:
    """`table` as float64, or an error naming the first cell that is not a finite number."""
    try:
        values = table.astype(np.float64)
    except ValueError:
        values = None
    if values is not None and np.all(np.isfinite(values)):
        return values
    for i, row in enumerate(table):
        for j, cell in enumerate(row):
            if not _is_finite_number(cell):
                what = ("is empty" if not cell
                        else f"has {str(cell)!r}, which is not a finite number")
                raise CommandLineError(f"{path}, line {lines[i]}: column {columns[j]!r} {what}",
                                       "every feature must be a number; remove or fill in "
                                       "missing values, and leave text columns out")
    raise AssertionError("unreachable: some cell failed to convert")


def _target(column: np.ndarray, name: str, lines: list[int], path) -> np.ndarray:
    """The target column: numbers, or class names if none of its values is a number."""
    empty = np.flatnonzero(column == "")
    if empty.size:
        raise CommandLineError(f"{path}, line {lines[empty[0]]}: the target {name!r} is empty",
                               "remove the rows without a target")
    numbers = np.array([_number(cell) for cell in column])
    text = np.isnan(numbers) & (np.char.lower(column) != "nan")
    if text.all():
        return column
    if text.any():
        i = int(np.flatnonzero(text)[0])
        raise CommandLineError(f"{path}, line {lines[i]}: the target {name!r} has "
                               f"{str(column[i])!r}, but other rows have numbers there",
                               "a target holds numbers, or class names in every row")
    return _numbers(column[:, None], [name], lines, path)[:, 0]


def _number(cell: str) -> float:
    """The cell as a float; NaN if it is not a number."""
    try:
        return float(cell)
    except ValueError:
        return np.nan


def _is_finite_number(cell: str) -> bool:
    return bool(np.isfinite(_number(cell)))
