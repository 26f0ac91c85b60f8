"""The Spark engine: the per-article stages (clean, extract) as Spark tasks; the merge stays here.

``newsweave ingest --engine spark`` (``pip install 'newsweave[spark]'``). The driver

1. lists the inputs in the local engine's order: local paths (and ``-``) through
   :func:`newsweave.ingest.iter_inputs`; URIs with a scheme (``hdfs://``, ``s3a://``,
   ``file://``, ...) through Hadoop's file system API, read and split (JSON Lines rows keep their
   line numbers) on the executors with the same :mod:`newsweave.ingest` rules;
2. skips inputs already stored or seen earlier in the run (:func:`pipeline.is_new_input`), so a
   resumed run does no work twice;
3. runs :func:`pipeline.prepare_batch` per partition on the executors (spaCy loads once per
   Python worker through the module cache) and writes each result as a Parquet row
   (``seq, path, line, raw, document, article, extraction, error``; the records as JSON) under
   the work folder, one ``chunk=N`` folder per Spark job;
4. reads the Parquet back in input order, rebuilds the records and hands them to
   :func:`pipeline.commit` and :func:`pipeline.analyze_stories`: the SQLite store has one
   writer, so entity linking, clustering and corroboration run on the driver exactly as with the
   local engine. The same input therefore gives the same stored results whichever engine ran.

While the driver merges one chunk, the executors already prepare the next one.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import types
import typing
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from newsweave import pipeline
from newsweave.ingest import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, _from_bytes, iter_inputs
from newsweave.pipeline import IngestResult, Prepared, ProgressCallback
from newsweave.records import Article, ArticleExtraction, IngestError, RawDocument
from newsweave.store import Store

if TYPE_CHECKING:  # pyspark is an optional extra: imported only when the engine runs
    from pyspark import RDD
    from pyspark.sql import SparkSession

INSTALL_HINT = "install the spark extra: pip install 'newsweave[spark]'"
DEFAULT_CHUNK_SIZE = 1024  # local inputs per Spark job: bounds driver memory, lets jobs overlap the merge
DEFAULT_CHUNK_BYTES = 256 * 1024 * 1024  # URI input bytes per Spark job, for the same reasons
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:(//|/)")  # hdfs://..., s3a://..., file:/..., file:///... (not C:/)
_GLOB_CHARS = re.compile(r"([\\*?\[\]{}])")
_LINE_BITS = 32  # a URI input's order key: file index in the high bits, JSON Lines line in the low

T = TypeVar("T")


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing: the message says what to install."""


class SparkEngineError(RuntimeError):
    """The Spark engine cannot run as asked (a work folder in the way, a failed Spark job)."""


# ---------------------------------------------------------------- records <-> Parquet rows


def to_json(record: Any) -> str:
    """A record (dataclass, nested ones included) as JSON; :func:`from_dict` reverses it."""
    return json.dumps(dataclasses.asdict(record), ensure_ascii=False)


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a record dataclass from ``asdict`` output, nested records and lists of them included."""
    hints = _field_types(cls)
    kwargs = {}
    for name, value in data.items():
        if name not in hints:  # the executors run another newsweave than the driver
            raise SparkEngineError(
                f"{cls.__name__} has no field {name!r}: install the same newsweave version on the driver "
                "and on every executor")
        kwargs[name] = _revive(hints[name], value)
    return cls(**kwargs)  # type: ignore[call-arg]


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)  # records use postponed annotations: resolve the strings
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def _revive(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return from_dict(hint, value)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is list and args and dataclasses.is_dataclass(args[0]):
        return [from_dict(args[0], item) for item in value]
    if origin in (typing.Union, types.UnionType):
        records = [a for a in args if dataclasses.is_dataclass(a) and isinstance(a, type)]
        if len(records) == 1:  # "Timex | None" and the like
            return from_dict(records[0], value)
    return value


PARQUET_COLUMNS = ("seq", "path", "line", "raw", "document", "article", "extraction", "error")


def _parquet_schema() -> Any:
    from pyspark.sql.types import BinaryType, IntegerType, LongType, StringType, StructField, StructType

    return StructType([
        StructField("seq", LongType(), False),  # input order inside its chunk
        StructField("path", StringType(), False),
        StructField("line", IntegerType(), True),  # JSON Lines row number
        StructField("raw", BinaryType(), False),  # the input bytes exactly as read
        StructField("document", StringType(), False),  # the RawDocument but ``raw``, as JSON
        StructField("article", StringType(), True),  # Article as JSON, when cleaning found one
        StructField("extraction", StringType(), True),  # ArticleExtraction as JSON
        StructField("error", StringType(), True),  # IngestError as JSON, when the input failed
    ])


def prepared_to_row(seq: int, p: Prepared) -> tuple[Any, ...]:
    """One prepared input as a Parquet row (the order of ``PARQUET_COLUMNS``)."""
    document = dataclasses.asdict(p.raw)
    del document["raw"]  # stored once, as binary
    return (
        seq,
        p.raw.path,
        p.raw.line,
        p.raw.raw,
        json.dumps(document, ensure_ascii=False),
        None if p.article is None else to_json(p.article),
        None if p.extraction is None else to_json(p.extraction),
        None if p.error is None else to_json(p.error),
    )


def prepared_from_row(row: Any) -> Prepared:
    """Rebuild a prepared input from its Parquet row (a Spark Row or a dict)."""
    get = row.__getitem__
    raw = RawDocument(raw=bytes(get("raw")), **json.loads(get("document")))
    article, extraction, error = get("article"), get("extraction"), get("error")
    return Prepared(
        raw=raw,
        article=None if article is None else from_dict(Article, json.loads(article)),
        extraction=None if extraction is None else from_dict(ArticleExtraction, json.loads(extraction)),
        error=None if error is None else from_dict(IngestError, json.loads(error)),
    )


# ---------------------------------------------------------------- executor side


def _prepare_partition(batch_size: int, items: Iterable[tuple[int, RawDocument]]) -> Iterator[tuple[Any, ...]]:
    """A Spark task: clean and extract its inputs in spaCy batches; one Parquet row each."""
    with pipeline.one_blas_thread():  # Spark runs a task per core: see one_blas_thread
        for batch in pipeline.batches(items, batch_size):
            yield from _prepare_rows(batch)


def _prepare_rows(batch: list[tuple[int, RawDocument]]) -> Iterator[tuple[Any, ...]]:
    prepared = pipeline.prepare_batch([doc for _, doc in batch])  # nlp=None: the per-process cached model
    for (seq, _), p in zip(batch, prepared, strict=True):
        yield prepared_to_row(seq, p)


@dataclass(frozen=True)
class _RemoteFile:
    key: int  # order of the file among the inputs, shifted left by _LINE_BITS
    where: str  # the path reported to the user (a local path for file: URIs)
    format: str


def _decode_file(files: Any, max_bytes: int, row: Any) -> Iterator[tuple[int, RawDocument | IngestError]]:
    """A Spark task step: one file's bytes into RawDocuments (a JSON Lines file: one per row)."""
    meta: _RemoteFile = files.value[row.path]
    for item in _from_bytes(meta.where, bytes(row.content), meta.format, max_bytes):
        yield meta.key + (item.line or 0), item


def _describe(item: tuple[int, RawDocument | IngestError]) -> tuple[int, str, str | None, str | None, int | None]:
    """What the driver needs to skip stored inputs: (key, where, content hash, error message, line)."""
    key, doc = item
    if isinstance(doc, IngestError):
        return key, doc.path, None, doc.message, doc.line
    return key, doc.where, hashlib.sha256(doc.raw).hexdigest(), None, doc.line


def _keep(skip: Any, item: tuple[int, RawDocument | IngestError]) -> bool:
    return isinstance(item[1], RawDocument) and item[0] not in skip.value


# ---------------------------------------------------------------- the session


def is_local_master(master: str | None) -> bool:
    return master is None or master.startswith("local")


def spark_session(master: str | None = None, app_name: str = "newsweave", quiet: bool = True) -> SparkSession:
    """The active Spark session, or a new one (``master`` defaults to ``local[*]``).

    A local master is kept off the network: it binds to 127.0.0.1 with the web UI off, and its
    Python workers run this interpreter (so they import the same newsweave and spaCy model).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable(f"pyspark is not installed; {INSTALL_HINT}") from exc
    active = _active_session()
    if active is not None:
        return active
    if not _java_found():
        raise SparkUnavailable("Java was not found: Spark needs a Java 17 or 21 runtime (install a JDK, "
                               "put java on PATH or set JAVA_HOME)")
    builder = SparkSession.builder.appName(app_name).config("spark.ui.showConsoleProgress", "false")
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started this driver: its settings rule
    if master or not submitted:
        master = master or "local[*]"
        builder = builder.master(master)
    if is_local_master(master) and not submitted:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (builder
                   .config("spark.ui.enabled", "false")
                   .config("spark.driver.bindAddress", "127.0.0.1")
                   .config("spark.driver.host", "127.0.0.1")
                   .config("spark.sql.shuffle.partitions", "4"))  # tiny shuffles: sorting one chunk
    log_config = _quiet_log_config() if quiet and is_local_master(master) and not submitted else None
    if log_config is not None:
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_config}")
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: say so in one line
        raise SparkUnavailable(f"Spark could not start: {type(exc).__name__}: {exc}") from exc
    finally:
        if log_config is not None:
            os.unlink(log_config)  # read once, when the JVM started
    if quiet:  # a failed task's log is noise on this console: the engine reports the Python error itself
        session.sparkContext.setLogLevel("FATAL" if is_local_master(session.sparkContext.master) else "ERROR")
        logging.getLogger("py4j").setLevel(logging.WARNING)  # no "Closing down clientserver connection"
    return session


def _active_session() -> SparkSession | None:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()


def _java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and Path(home, "bin", "java").exists()))


def _quiet_log_config() -> str:
    """A log4j2 file that keeps a local Spark's start-up chatter (INFO, WARN) off the terminal."""
    handle, name = tempfile.mkstemp(prefix="newsweave-log4j2-", suffix=".properties")
    os.close(handle)
    path = Path(name)
    path.write_text(
        "rootLogger.level = warn\n"  # the shell's default level: Spark then prints no "Setting default log level"
        "logger.native.name = org.apache.hadoop.util.NativeCodeLoader\n"  # no native Hadoop: nothing to act on
        "logger.native.level = error\n"
        "rootLogger.appenderRef.stderr.ref = console\n"
        "appender.console.type = Console\n"
        "appender.console.name = console\n"
        "appender.console.target = SYSTEM_ERR\n"
        "appender.console.layout.type = PatternLayout\n"
        "appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex\n",
        encoding="utf-8",
    )
    return str(path)


# ---------------------------------------------------------------- the engine


def ingest_spark(
    store: Store,
    paths: Iterable[str | Path],
    *,
    master: str | None = None,
    spark: SparkSession | None = None,
    batch_size: int = 16,
    work_dir: str | Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    on_progress: ProgressCallback | None = None,
    stdin: BinaryIO | None = None,
    analyze: bool = True,
) -> IngestResult:
    """Ingest ``paths`` into ``store``, cleaning and extracting as Spark tasks.

    ``spark`` reuses a session (tests, notebooks); otherwise one is started on ``master`` and
    stopped at the end. The Parquet results go under ``work_dir`` (kept; it must be new or
    empty), else under a temporary folder removed at the end. On a cluster, ``work_dir`` must be
    a location both the executors and the driver reach (an ``hdfs://`` or ``s3a://`` folder).
    """
    result = IngestResult()
    notify = on_progress or (lambda what, where: None)
    owned = spark is None and _active_session() is None  # stop only a session started here
    session = spark or spark_session(master)
    try:
        engine = _Engine(session, store, result, notify, batch_size, max_bytes, chunk_size, chunk_bytes)
        with engine.work_folder(work_dir):
            pipeline.commit(store, engine.prepared([str(p) for p in paths], stdin), result, notify, batch_size)
    finally:
        if owned:
            session.stop()
    if analyze:
        result.stories_analyzed = pipeline.analyze_stories(store, store.stale_stories())
    return result


@dataclass
class _Job:
    """One Spark job's worth of inputs: RawDocuments from the driver or files read by executors."""

    number: int
    documents: list[tuple[int, RawDocument]] | None = None
    rdd: RDD[Any] | None = None  # (key, RawDocument | IngestError), persisted; for URI inputs
    skip: Any = None  # broadcast set of keys not to prepare (already stored)
    count: int = 0
    broadcasts: list[Any] = field(default_factory=list)  # released once the job ran


class _Engine:
    def __init__(self, spark: SparkSession, store: Store, result: IngestResult, notify: ProgressCallback,
                 batch_size: int, max_bytes: int, chunk_size: int, chunk_bytes: int) -> None:
        self.spark, self.store, self.result, self.notify = spark, store, result, notify
        self.batch_size, self.max_bytes = batch_size, max_bytes
        self.chunk_size, self.chunk_bytes = max(1, chunk_size), max(1, chunk_bytes)
        self.seen: dict[str, str] = {}  # content hashes met in this run, shared by local and URI inputs
        self.out = ""
        self.jobs = 0

    # ------------------------------------------------ work folder

    def work_folder(self, work_dir: str | Path | None) -> _WorkFolder:
        return _WorkFolder(self, work_dir)

    def _fs(self, path: str) -> tuple[Any, Any]:
        jvm = self.spark.sparkContext._jvm
        assert jvm is not None
        hpath = jvm.org.apache.hadoop.fs.Path(path)
        return hpath.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration()), hpath

    # ------------------------------------------------ inputs, in order, as jobs

    def prepared(self, paths: list[str], stdin: BinaryIO | None) -> Iterator[Prepared]:
        """Every new input, prepared on the executors, in input order.

        The next job runs on the executors while the caller merges the current one; jobs are
        planned here, on the caller's thread, because the store (SQLite) belongs to it.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsweave-spark") as pool:
            pending: deque[Future[str | None]] = deque()
            for job in self._jobs(paths, stdin):
                pending.append(pool.submit(self._run, job))
                if len(pending) >= 2:
                    yield from self._read(pending.popleft().result())
            while pending:
                yield from self._read(pending.popleft().result())

    def _jobs(self, paths: list[str], stdin: BinaryIO | None) -> Iterator[_Job]:
        for is_uri, group in _groups(paths):
            yield from (self._uri_jobs(group) if is_uri else self._local_jobs(group, stdin))

    def _local_jobs(self, paths: list[str], stdin: BinaryIO | None) -> Iterator[_Job]:
        """Local inputs are read here (the local engine's rules and errors) and shipped to the tasks."""
        batch: list[tuple[int, RawDocument]] = []
        for doc in iter_inputs(paths, max_bytes=self.max_bytes, stdin=stdin):
            if isinstance(doc, IngestError):
                self.result.errors.append(doc)
                self.notify("error", doc.where)
                continue
            content_hash = hashlib.sha256(doc.raw).hexdigest()
            if not pipeline.is_new_input(self.store, self.seen, content_hash, doc.where, self.result, self.notify):
                continue
            batch.append((len(batch), doc))
            if len(batch) >= self.chunk_size:
                yield self._job(documents=batch, count=len(batch))
                batch = []
        if batch:
            yield self._job(documents=batch, count=len(batch))

    def _uri_jobs(self, uris: list[str]) -> Iterator[_Job]:
        """URI inputs are listed here and read on the executors, a chunk of files per job."""
        files: dict[str, _RemoteFile] = {}
        size = 0
        for uri in uris:
            for item in self._list(uri):
                if isinstance(item, IngestError):
                    self.result.errors.append(item)
                    self.notify("error", item.where)
                    continue
                path, where, fmt, length = item
                if path in files:  # named twice: the next job meets it as a stored (same) input
                    yield self._remote_job(files)
                    files, size = {}, 0
                files[path] = _RemoteFile(len(files) << _LINE_BITS, where, fmt)
                size += length
                if size >= self.chunk_bytes or len(files) >= self.chunk_size:
                    yield self._remote_job(files)
                    files, size = {}, 0
        if files:
            yield self._remote_job(files)

    def _list(self, uri: str) -> Iterator[tuple[str, str, str, int] | IngestError]:
        """The files under ``uri`` as ``iter_inputs`` would list them: (path, where, format, size)."""
        fs, hpath = self._fs(uri)
        statuses = fs.globStatus(hpath)
        if not statuses:
            yield IngestError(_display(uri), "no such file or folder")
            return
        for status in sorted(statuses, key=lambda s: _sort_key(s.getPath().toString())):
            if status.isDirectory():
                found = []
                listing = fs.listFiles(status.getPath(), True)
                while listing.hasNext():
                    child = listing.next()
                    name = child.getPath().getName()
                    if Path(name).suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith("."):
                        found.append((child.getPath().toString(), child.getLen()))
                for path, length in sorted(found, key=lambda f: _sort_key(f[0])):
                    yield self._checked(path, length)
            elif status.isFile():
                path = status.getPath().toString()
                suffix = Path(status.getPath().getName()).suffix
                if suffix.lower() not in SUPPORTED_SUFFIXES:
                    if not _has_glob(uri):  # named explicitly: an error, as for a local file
                        yield IngestError(_display(path), f"unsupported file type {suffix or '(none)'!r}; "
                                                          "use .txt, .html or .jsonl")
                    continue
                yield self._checked(path, status.getLen())
            else:
                yield IngestError(_display(status.getPath().toString()), "not a regular file")

    def _checked(self, path: str, length: int) -> tuple[str, str, str, int] | IngestError:
        where = _display(path)
        if length > self.max_bytes:  # never read an oversized file onto an executor
            return IngestError(where, f"file is {length:,} bytes, over the {self.max_bytes:,}-byte limit "
                                      "(--max-bytes)")
        fmt = SUPPORTED_SUFFIXES[Path(path).suffix.lower()]
        if length == 0:  # Spark's file sources skip empty files: report it here, in ingest's words
            return next(item for item in _from_bytes(where, b"", fmt, self.max_bytes)
                        if isinstance(item, IngestError))
        return path, where, fmt, length

    def _remote_job(self, files: dict[str, _RemoteFile]) -> _Job:
        """Read and split the files on the executors, then decide here (in order) what is new."""
        from pyspark import StorageLevel

        sc = self.spark.sparkContext
        shared = sc.broadcast(files)
        frame = self.spark.read.format("binaryFile").load([_escape_glob(p) for p in files])
        documents = (frame.select("path", "content").rdd
                     .flatMap(functools.partial(_decode_file, shared, self.max_bytes))
                     .persist(StorageLevel.MEMORY_AND_DISK))  # read once: described here, prepared next
        described = sorted(documents.map(_describe).collect())
        skip: set[int] = set()
        for key, where, content_hash, message, line in described:
            if message is not None:
                error = IngestError(where, message, line)
                self.result.errors.append(error)
                self.notify("error", error.where)
            elif not pipeline.is_new_input(self.store, self.seen, str(content_hash), where, self.result,
                                           self.notify):
                skip.add(key)
        count = sum(1 for _, _, h, _, _ in described if h is not None) - len(skip)
        skipped = sc.broadcast(skip)
        return self._job(rdd=documents, skip=skipped, count=count, broadcasts=[shared, skipped])

    def _job(self, **fields: Any) -> _Job:
        self.jobs += 1
        return _Job(number=self.jobs - 1, **fields)

    # ------------------------------------------------ running and reading back

    def _run(self, job: _Job) -> str | None:
        """Prepare one job's inputs on the executors; returns the Parquet folder it wrote, if any."""
        if job.count == 0:  # every input was stored already, or failed to read
            self._release(job)
            return None
        out = f"{self.out.rstrip('/')}/chunk={job.number:05d}"
        sc = self.spark.sparkContext
        partitions = max(1, min(job.count, sc.defaultParallelism), -(-job.count // self.batch_size))
        if job.documents is not None:
            items = sc.parallelize(job.documents, partitions)
        else:
            assert job.rdd is not None
            items = job.rdd.filter(functools.partial(_keep, job.skip)).repartition(partitions)
        rows = items.mapPartitions(functools.partial(_prepare_partition, self.batch_size))
        try:
            self.spark.createDataFrame(rows, _parquet_schema()).write.mode("errorifexists").parquet(out)
        except Exception as exc:
            raise SparkEngineError(f"the Spark job preparing chunk {job.number} failed: {_cause(exc)}") from exc
        finally:
            self._release(job)
        return out

    @staticmethod
    def _release(job: _Job) -> None:
        if job.rdd is not None:
            job.rdd.unpersist()
        for shared in job.broadcasts:
            shared.unpersist()

    def _read(self, out: str | None) -> Iterator[Prepared]:
        if out is None:
            return
        rows = self.spark.read.parquet(out).orderBy("seq").toLocalIterator(prefetchPartitions=True)
        for row in rows:
            yield prepared_from_row(row)


class _WorkFolder:
    """Where the Parquet goes: the user's folder (kept), else a temporary one (removed)."""

    def __init__(self, engine: _Engine, work_dir: str | Path | None) -> None:
        self.engine = engine
        self.given = None if work_dir is None else str(work_dir)
        self.local_tmp: str | None = None

    def __enter__(self) -> str:
        engine = self.engine
        if self.given is not None:
            fs, hpath = engine._fs(self.given)
            if fs.exists(hpath) and (not fs.getFileStatus(hpath).isDirectory() or fs.listStatus(hpath)):
                raise SparkEngineError(f"{self.given} already exists and is not an empty folder: "
                                       "give --spark-out a new folder")
            engine.out = self.given
        elif is_local_master(engine.spark.sparkContext.master):
            self.local_tmp = tempfile.mkdtemp(prefix="newsweave-spark-")
            engine.out = Path(self.local_tmp).as_uri()
        else:  # the cluster's default file system (HDFS home folder, ...): the executors write there
            engine.out = f"newsweave-spark-{uuid.uuid4().hex[:12]}"
        return engine.out

    def __exit__(self, *exc: object) -> None:
        if self.given is not None:
            return
        if self.local_tmp is not None:
            shutil.rmtree(self.local_tmp, ignore_errors=True)
            return
        try:
            fs, hpath = self.engine._fs(self.engine.out)
            fs.delete(hpath, True)
        except Exception:  # cleaning up must not hide the run's own error
            pass


def _groups(paths: Sequence[str]) -> Iterator[tuple[bool, list[str]]]:
    """Consecutive runs of local paths and of URIs, in the order given."""
    group: list[str] = []
    kind = False
    for path in paths:
        is_uri = bool(_URI.match(path))
        if group and is_uri != kind:
            yield kind, group
            group = []
        kind = is_uri
        group.append(path)
    if group:
        yield kind, group


def _display(path: str) -> str:
    """The path users see: a plain local path for file: URIs (as the local engine reports it)."""
    if path.startswith("file:"):
        return re.sub(r"^file:(//)?", "", path)
    return path


def _sort_key(path: str) -> tuple[str, ...]:
    return tuple(path.split("/"))  # compare folder by folder, like sorting pathlib Paths


def _has_glob(uri: str) -> bool:
    return any(c in uri for c in "*?[{")


def _escape_glob(path: str) -> str:
    return _GLOB_CHARS.sub(r"\\\1", path)  # a listed file name is literal, even with [ or {


def _cause(exc: BaseException) -> str:
    """The Python error behind a failed Spark job, in one line (not the JVM's stack trace)."""
    text = str(exc)
    found = re.search(r"Traceback \(most recent call last\):.*?^([A-Za-z_][\w.]*(?:Error|Exception)\b.*)$",
                      text, re.S | re.M)
    if found:
        cause = found.group(1).strip()
        if cause.startswith(("ModuleNotFoundError", "ImportError")):
            cause += " (install newsweave on every executor: see 'Running on Spark' in the README)"
        return cause
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__

