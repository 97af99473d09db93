"""A Spark session for onestop's own use (the command line, tests, a notebook)."""

from __future__ import annotations

import os
import sys

from pyspark.sql import SparkSession

from onestop.errors import InvalidInputError
from onestop.reports._report import KERNEL_ROWS

__all__ = ["local_session"]


def local_session(master: str | None = None, *, app_name: str = "onestop") -> SparkSession:
    """The active Spark session, or a new one on ``master`` set up for onestop's jobs.

    A new session gets: Arrow batches of the deadline kernel's size
    (``spark.sql.execution.arrow.maxRecordsPerBatch``), few shuffle partitions for a local
    master (the aggregations read a few thousand classes) without adaptive query execution
    and Parquet files split in 32 MB parts (enough tasks for every core), no web UI, Spark's
    own logging at warnings; on a local master its Python workers run this interpreter
    (``PYSPARK_PYTHON``), so that they import the same onestop.

    Args:
        master: a Spark master URL: ``local[N]``, ``spark://host:7077``, ``yarn``,
            ``k8s://…``; default Spark's own (``spark-submit --master``, else ``local[*]``).
        app_name: the application's name in the cluster manager.

    Raises:
        InvalidInputError: an empty master URL.
        MissingExtraError: pyspark is not installed (``spark`` extra).
    """
    if master is not None and not master.strip():
        raise InvalidInputError(
            "master: expected a Spark master URL such as local[2]", field="master"
        )
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = "local[*]"  # not under spark-submit (which starts the JVM and sets the port)
    local = master is not None and master.startswith("local")
    if local:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder if master is None else SparkSession.builder.master(master)
    builder = (
        builder.appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(KERNEL_ROWS))
        .config("spark.sql.session.timeZone", "Asia/Ho_Chi_Minh")
    )
    if local:
        # one machine: few shuffle partitions, and no adaptive re-planning of queries that
        # read a few thousand classes (it costs more than it saves there)
        builder = (
            builder.config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.adaptive.enabled", "false")
            # Parquet read in 32 MB splits: enough tasks for every local core
            .config("spark.sql.files.maxPartitionBytes", str(32 << 20))
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session
