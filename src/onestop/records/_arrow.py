"""Arrow ↔ NumPy without pandas: views over Arrow buffers and arrays built from NumPy buffers.

pyarrow imports pandas (when it is installed) the first time it converts Python or NumPy
objects: ``pa.array(...)``, ``pa.scalar(...)``, ``Array.to_numpy()``, a Python number passed to a
compute function, ``Schema.empty_table()``. That import costs about 0.4 s of CPU, more than
validating a million records. The bulk paths of :mod:`onestop.records` and
:mod:`onestop.reports` therefore convert only through the functions here, which read and
write Arrow buffers directly (``numpy.frombuffer``, ``pyarrow.Array.from_buffers``): no copy for
fixed-width columns without nulls, no pandas. A test runs a report in a fresh interpreter and
checks that ``pandas`` was not imported.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = [
    "arrow_array",
    "arrow_scalar",
    "arrow_strings",
    "bulk_memory",
    "empty_table",
    "numpy_bools",
    "numpy_instants",
    "numpy_valid",
    "numpy_values",
    "repeat_string",
    "single",
]

_NAT = np.datetime64("NaT", "us")

_POOL_LOCK = threading.Lock()
_pool_users = 0
_pool_saved: pa.MemoryPool | None = None


def _bulk_pool() -> pa.MemoryPool | None:
    """The pool for bulk work: jemalloc, else the system allocator; ``None`` to keep the default.

    The default pool of pyarrow's Linux wheels, mimalloc, backs its buffers with huge pages and
    returns freed memory to the system after 10 ms, so a pipeline that frees and allocates
    batch after batch zeroes fresh 2 MB pages again and again: on a million records that is
    most of a second of system time, more than any single step. A user's own choice
    (``ARROW_DEFAULT_MEMORY_POOL`` or :func:`pyarrow.set_memory_pool`) is kept.
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return None
    if pa.default_memory_pool().backend_name != "mimalloc":
        return None
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a build without jemalloc
        return pa.system_memory_pool()


@contextlib.contextmanager
def bulk_memory() -> Iterator[None]:
    """Allocate Arrow buffers from :func:`_bulk_pool` inside the block (then restore).

    pyarrow's readers take no pool argument, so the default pool is switched for the block;
    nested and concurrent blocks share one switch. Buffers keep the pool they came from, so
    they stay valid after the block.
    """
    global _pool_users, _pool_saved
    with _POOL_LOCK:
        if _pool_users == 0:
            pool = _bulk_pool()
            if pool is not None:
                _pool_saved = pa.default_memory_pool()
                pa.set_memory_pool(pool)
        _pool_users += 1
    try:
        yield
    finally:
        with _POOL_LOCK:
            _pool_users -= 1
            if _pool_users == 0 and _pool_saved is not None:
                pa.set_memory_pool(_pool_saved)
                _pool_saved = None


def single(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``values`` as one contiguous array (chunks are concatenated; one chunk is not copied)."""
    if isinstance(values, pa.Array):
        return values
    if values.num_chunks == 1:
        return values.chunk(0)
    return values.combine_chunks()


def _bits(buffer: pa.Buffer | None, offset: int, length: int) -> np.ndarray[Any, Any]:
    """A bit-packed Arrow buffer (validity or boolean data) as a NumPy boolean array."""
    if buffer is None or length == 0:
        return np.zeros(length, dtype=bool)
    raw = np.frombuffer(buffer, dtype=np.uint8)
    bits = np.unpackbits(raw, count=offset + length, bitorder="little")[offset:]
    out: np.ndarray[Any, Any] = bits.view(np.bool_)
    return out


def numpy_valid(values: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """Which values are present (not null), as a NumPy boolean array."""
    arr = single(values)
    n = len(arr)
    if arr.null_count == 0:
        return np.ones(n, dtype=bool)
    if arr.null_count == n:
        return np.zeros(n, dtype=bool)
    if pa.types.is_dictionary(arr.type) or arr.buffers()[0] is None:
        return numpy_bools(arr.is_valid())
    return _bits(arr.buffers()[0], arr.offset, n)


def numpy_bools(values: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """A boolean column as a NumPy boolean array, null read as ``False``."""
    arr = single(values)
    n = len(arr)
    if arr.type == pa.null() or arr.null_count == n:
        return np.zeros(n, dtype=bool)
    if arr.type != pa.bool_():
        raise TypeError(f"expected a boolean column, got {arr.type}")
    data = _bits(arr.buffers()[1], arr.offset, n)
    if arr.null_count:
        data = data & _bits(arr.buffers()[0], arr.offset, n)
    return data


def numpy_values(values: pa.Array | pa.ChunkedArray, dtype: Any) -> np.ndarray[Any, Any]:
    """The values of a fixed-width column (integers, floats, timestamps…) as NumPy ``dtype``.

    A view over the Arrow buffer (read-only) when the column is one chunk; null positions hold
    whatever the buffer holds there (mask them with :func:`numpy_valid`).
    """
    arr = single(values)
    np_type = np.dtype(dtype)
    n = len(arr)
    if arr.type == pa.null() or n == 0 or arr.buffers()[1] is None:
        return np.zeros(n, dtype=np_type)
    width = arr.type.bit_width // 8
    if width != np_type.itemsize:
        raise TypeError(f"cannot view {arr.type} as {np_type}")
    out: np.ndarray[Any, Any] = np.frombuffer(
        arr.buffers()[1], dtype=np_type, count=n, offset=arr.offset * width
    )
    return out


def numpy_instants(values: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """A ``timestamp[us]`` column (no time zone) as ``datetime64[us]``, ``NaT`` for nulls.

    Read-only and without a copy when the column is one chunk without nulls.
    """
    arr = single(values)
    if arr.type != pa.null() and arr.type != pa.timestamp("us"):
        raise TypeError(f"expected timestamp[us], got {arr.type}")
    out = numpy_values(arr, "datetime64[us]")
    if arr.null_count:
        out = np.where(numpy_valid(arr), out, _NAT)
    return out


def arrow_array(
    values: np.ndarray[Any, Any], type: pa.DataType, mask: np.ndarray[Any, Any] | None = None
) -> pa.Array:
    """A fixed-width Arrow array over a NumPy array's buffer (nulls where ``mask`` is true).

    ``values`` must already have the width of ``type`` (``int64`` or ``datetime64[us]`` for
    ``timestamp[us]``, ``bool`` for ``bool``…); the result shares its memory.
    """
    data = np.ascontiguousarray(values)
    if data.dtype.kind in "mM":  # datetimes have no buffer interface: their int64 view has
        data = data.view(np.int64)
    n = len(data)
    if type == pa.bool_():
        buffer = pa.py_buffer(np.packbits(data.astype(bool, copy=False), bitorder="little"))
    else:
        if data.dtype.itemsize * 8 != type.bit_width:
            raise TypeError(f"cannot store {data.dtype} as {type}")
        buffer = pa.py_buffer(data)
    validity = None
    nulls = 0
    if mask is not None:
        nulls = int(np.count_nonzero(mask))
        if nulls:
            validity = pa.py_buffer(np.packbits(~np.asarray(mask, bool), bitorder="little"))
    return pa.Array.from_buffers(type, n, [validity, buffer], null_count=nulls)


def arrow_strings(values: Sequence[str | None]) -> pa.Array:
    """An Arrow ``string`` array of a (small) Python sequence; ``None`` is null."""
    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    missing = np.array([v is None for v in values], dtype=bool)
    nulls = int(missing.sum())
    validity = pa.py_buffer(np.packbits(~missing, bitorder="little")) if nulls else None
    return pa.Array.from_buffers(
        pa.string(),
        len(encoded),
        [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))],
        null_count=nulls,
    )


def arrow_scalar(value: object, type: pa.DataType) -> pa.Scalar:
    """An Arrow scalar of ``type`` (``None`` gives a null), for compute functions."""
    if value is None:
        return pa.nulls(1, type)[0]
    if pa.types.is_string(type):
        return arrow_strings([str(value)])[0]
    if type == pa.bool_():
        return arrow_array(np.array([bool(value)]), type)[0]
    if pa.types.is_integer(type):
        return arrow_array(np.array([value], dtype=f"int{type.bit_width}"), type)[0]
    if pa.types.is_floating(type):
        return arrow_array(np.array([value], dtype=f"float{type.bit_width}"), type)[0]
    raise TypeError(f"no scalar of {type}")


def repeat_string(value: str | None, count: int) -> pa.Array:
    """``count`` times the same string (or null), without a Python list of that length."""
    if value is None:
        return pa.nulls(count, pa.string())
    indices = arrow_array(np.zeros(count, dtype=np.int32), pa.int32())
    repeated: pa.Array = pa.DictionaryArray.from_arrays(indices, arrow_strings([value])).cast(
        pa.string()
    )
    return repeated


def empty_table(schema: pa.Schema) -> pa.Table:
    """A table of ``schema`` without rows."""
    return pa.Table.from_arrays([pa.nulls(0, f.type) for f in schema], schema=schema)
