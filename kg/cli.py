"""The `kg` command line: build, extract, eval, query, validate, serve.

Other tools script against these commands, so flags stay stable.  Library errors
(kg.errors.KgError) are turned into a one-line message and exit status 1 here, at
the boundary; usage errors exit with 2 as usual.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.config import Settings, get_settings
from kg.errors import KgError

app = typer.Typer(
    help="Knowledge graph of Chinese health-policy documents: build, query, serve.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
catalogue_app = typer.Typer(
    help="Manage policy catalogues (authority files).", no_args_is_help=True
)
app.add_typer(catalogue_app, name="catalogue")

err = Console(stderr=True, soft_wrap=True)
out = Console()

F = TypeVar("F", bound=Callable[..., Any])

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Store directory (default: $KG_STORE_PATH or var/store)."),
]


def _reports_errors(command: F) -> F:
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KgError as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


def _settings(store: Path | None) -> Settings:
    return get_settings(store_path=store)


def _where(settings: Settings) -> str:
    """The store the settings name, as a person reads it."""
    return settings.remote_endpoint or str(settings.store_path)


@app.command()
@_reports_errors
def build(
    corpus: Annotated[
        Path, typer.Argument(help="Folder of documents: .txt .md .html .docx .pdf .ofd.")
    ] = Path("corpus"),
    store: StoreOption = None,
    strict: Annotated[bool, typer.Option(help="Fail (exit 1) if any file fails.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Extraction processes (default: 1 under 100 files, else one per core); "
            "with --executor dask and no --scheduler, the local cluster's workers."
        ),
    ] = None,
    executor: Annotated[
        str,
        typer.Option(
            help="Where extraction runs: local (processes here) or dask (a Dask cluster)."
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (--executor dask); "
            "without it a local Dask cluster is started."
        ),
    ] = None,
    report_file: Annotated[
        Path | None,
        typer.Option("--report", help="Write each file's outcome and the totals to a JSON file."),
    ] = None,
    document_timeout: Annotated[
        float | None,
        typer.Option(
            help="Seconds one file may take before it is given up as failed; 0 = no limit "
            "(default: $KG_DOCUMENT_TIMEOUT_S or 60)."
        ),
    ] = None,
    max_document_mb: Annotated[
        float | None,
        typer.Option(help="Largest file read, in MB (default: $KG_MAX_DOCUMENT_MB or 32)."),
    ] = None,
) -> None:
    """Build or update the graph from CORPUS into the on-disk store."""
    import time

    from kg.build import build as run_build
    from kg.build import default_workers
    from kg.build_report import write_report
    from kg.executors import make_executor
    from kg.ingest import iter_corpus
    from kg.store import open_store

    settings = get_settings(
        store_path=store, document_timeout_s=document_timeout, max_document_mb=max_document_mb
    )
    graph_store = open_store(settings)
    chosen = None
    if executor != "local" or scheduler:
        count = workers or default_workers(len(iter_corpus(corpus)) if corpus.is_dir() else 0)
        chosen = make_executor(executor, workers=max(count, 1), scheduler=scheduler)
    with Progress(
        TextColumn("[bold]building[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("", total=None)
        started = time.perf_counter()

        def progress(source: str, index: int, total: int) -> None:
            if not source.startswith("store:"):  # a document, not a step of the compaction
                rate = index / max(time.perf_counter() - started, 1e-9)
                source = f"{rate:.1f} documents/s  {source}"
            bar.update(task, completed=index - 1, total=total, description=source)

        try:
            report = run_build(
                corpus, graph_store, settings, progress=progress, workers=workers, executor=chosen
            )
        finally:
            if chosen is not None:
                chosen.close()
    if report_file is not None:
        write_report(report, report_file)
    err.print(
        f"store {_where(settings)}: {len(report.added)} added, {len(report.replaced)} replaced, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, "
        f"{report.quads_written} quads written, {len(graph_store)} quads in store"
    )
    built = len(report.added) + len(report.replaced)
    seconds = max(report.seconds, 1e-9)
    err.print(
        f"{built} documents built, {len(report.failures)} failed, {report.quads_written} quads "
        f"in {report.seconds:.1f} s: {built / seconds:.1f} documents/s, "
        f"{report.bytes_read / seconds / 1e6:.2f} MB/s, {report.quads_written / seconds:.0f} quads/s",
        highlight=False,
    )
    for kind, counts in sorted(report.formats.items()):
        err.print(
            f"  {kind}: {counts.read} read, {counts.skipped} skipped, {counts.failed} failed",
            highlight=False,
        )
    for skipped in report.skipped:
        err.print(
            f"[yellow]skipped[/] {escape(skipped.path)}: {escape(skipped.reason)}", highlight=False
        )
    for failure in report.failures:
        err.print(
            f"[red]failed[/] {escape(failure.path)}: {escape(failure.reason)}", highlight=False
        )
    for d in report.disagreements:
        err.print(
            f"[yellow]metadata and text disagree[/] {escape(d.path)}: {d.field} "
            f"{escape(repr(d.metadata))} ({d.source}) kept, the text says {escape(repr(d.text))}",
            highlight=False,
        )
    if report.failures:
        err.print(f"[bold red]{len(report.failures)} file(s) failed[/]; the rest were built")
        if strict:
            raise typer.Exit(1)


class OutputFormat:
    choices = ("json", "pretty")


@app.command()
@_reports_errors
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Documents, or folders of them.")],
    format: Annotated[
        str,
        typer.Option("--format", help="json: one object per line (FORMAT.md); pretty: indented."),
    ] = "json",
) -> None:
    """Print the facts of each document in the gold format (JSON Lines)."""
    from kg.build import process
    from kg.ingest import ingest, iter_corpus
    from kg.records import to_record

    if format not in OutputFormat.choices:
        raise typer.BadParameter(f"--format must be one of {', '.join(OutputFormat.choices)}")
    files: list[Path] = []
    for path in paths:
        files.extend(iter_corpus(path) if path.is_dir() else [path])
    failures = 0
    for path in files:
        try:
            record = to_record(process(ingest(path)))
        except KgError as exc:
            failures += 1
            err.print(f"[red]failed[/] {exc}")
            continue
        indent = 2 if format == "pretty" else None
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=indent) + "\n")
    if failures:
        raise typer.Exit(1)


@app.command(name="eval")
@_reports_errors
def evaluate_command(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of gold .json files.")],
    predictions: Annotated[
        Path, typer.Argument(help="A JSON Lines file from `kg extract`, or a corpus folder.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    misses: Annotated[
        bool,
        typer.Option("--misses", help="Also list every missed and spurious fact, per document."),
    ] = False,
) -> None:
    """Score extraction against gold facts: precision, recall and F1 per field."""
    from kg.evaluate import evaluate, load_gold

    gold = load_gold(gold_dir)
    predicted = _load_predictions(predictions)
    report = evaluate(gold, predicted)
    if as_json:
        scores: dict[str, Any] = report.as_dict()
        if misses:
            scores = {"fields": scores, "misses": [asdict(m) for m in report.misses]}
        sys.stdout.write(json.dumps(scores, ensure_ascii=False, indent=2) + "\n")
        return
    if misses:
        source = None
        for miss in report.misses:
            if miss.source != source:
                source = miss.source
                out.print(f"[bold]{source}[/]", highlight=False)
            sign = "-" if miss.kind == "missed" else "+"
            out.print(f"  {sign} {miss.field}: {miss.value}", highlight=False, markup=False)
    table = Table(title=f"{len(gold)} gold documents")
    for column in ("field", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name, score in report.as_dict().items():
        table.add_row(
            name,
            f"{score['precision']:.3f}",
            f"{score['recall']:.3f}",
            f"{score['f1']:.3f}",
            str(score["tp"]),
            str(score["fp"]),
            str(score["fn"]),
        )
    out.print(table)
    for problem in report.errors:
        err.print(f"[yellow]warning:[/] {problem}")


def _load_predictions(path: Path) -> dict[str, dict[str, Any]]:
    from kg.build import process
    from kg.ingest import ingest, iter_corpus
    from kg.records import to_record

    if path.is_dir():
        records = [to_record(process(ingest(p))) for p in iter_corpus(path)]
    elif path.is_file():
        records = [
            json.loads(line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    else:
        raise KgError(f"{path} is neither a predictions file nor a corpus folder")
    return {Path(r["source"]).name: r for r in records}


@app.command()
@_reports_errors
def query(
    sparql: Annotated[
        str | None, typer.Argument(help="A SPARQL query, or @file.rq to read one from a file.")
    ] = None,
    store: StoreOption = None,
    name: Annotated[str | None, typer.Option(help="Run a named query from queries/.")] = None,
    param: Annotated[
        list[str] | None, typer.Option(help="Named-query parameter as key=value; repeatable.")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
) -> None:
    """Run a SPARQL query (or a named one) against the store."""
    from kg.sparql import check_query, list_queries, run_query
    from kg.store import open_store

    settings = _settings(store)
    graph_store = open_store(settings, read_only=True)
    if name:
        params = dict(_split_param(p) for p in param or [])
        rows = run_query(graph_store, name, params)
    elif sparql:
        text = Path(sparql[1:]).read_text(encoding="utf-8") if sparql.startswith("@") else sparql
        check_query(text, settings.service_allowlist)
        result = graph_store.query(text)
        rows = _rows(result)
    else:
        names = ", ".join(q.name for q in list_queries())
        raise typer.BadParameter(f"give a SPARQL query, @file.rq or --name (one of: {names})")
    _print_rows(rows, format)


def _split_param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise typer.BadParameter(f"--param {text!r} must look like key=value")
    return key.strip(), value


def _rows(result: Any) -> list[dict[str, Any]]:
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return [{"ask": bool(result)}]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [{n: (None if s[n] is None else s[n].value) for n in names} for s in result]
    return [
        {"subject": t.subject.value, "predicate": t.predicate.value, "object": t.object.value}
        for t in result
    ]


def _print_rows(rows: list[dict[str, Any]], format: str) -> None:
    if format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif format == "csv":
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    elif format == "table":
        table = Table(show_lines=False)
        columns = list(rows[0]) if rows else ["(no rows)"]
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
        out.print(table)
        err.print(f"{len(rows)} row(s)")
    else:
        raise typer.BadParameter("--format must be table, json or csv")


@app.command()
@_reports_errors
def validate(store: StoreOption = None) -> None:
    """Check the graph against the SHACL shapes; exit 1 if anything violates them."""
    from kg.rdf import validate as run_validate
    from kg.store import open_store

    settings = _settings(store)
    # The quads, not the store: a remote store has no local pyoxigraph store to read.
    report = run_validate(open_store(settings, read_only=True).quads())
    for violation in report.violations:
        out.print(f"[red]✗[/] {violation}")
    if report.conforms:
        out.print("[green]0 violations[/]: the graph conforms to ontology/shapes.ttl")
        return
    err.print(f"[bold red]{len(report.violations)} violation(s)[/]")
    raise typer.Exit(1)


@catalogue_app.command("add")
@_reports_errors
def catalogue_add(
    csv_file: Annotated[
        Path, typer.Argument(help="CSV with columns number,title,issuer,date,url.")
    ],
    name: Annotated[str, typer.Option(help="Short name of this catalogue's graph.")] = "extra",
    store: StoreOption = None,
) -> None:
    """Add another policy catalogue to the store, in a named graph of its own."""
    from kg.build import load_catalogue
    from kg.rdf import catalogue_graph_iri
    from kg.store import open_store

    settings = _settings(store)
    graph = f"{catalogue_graph_iri(settings.iri_base)}/{name}"
    graph_store = open_store(settings)
    try:
        written = load_catalogue(graph_store, settings, csv_file, graph=graph)
        graph_store.finish()  # as a build ends: no write-ahead logs left behind
    finally:
        graph_store.close()
    err.print(f"catalogue {csv_file} → graph <{graph}>: {written} quads")


@app.command()
@_reports_errors
def serve(
    store: StoreOption = None,
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
) -> None:
    """Serve the SPARQL endpoint and the REST API over the store."""
    import uvicorn

    settings = get_settings(store_path=store, host=host, port=port)
    if settings.remote_endpoint:
        from kg.store import open_store

        remote = open_store(settings, read_only=True)
        remote.query("ASK { }")  # a server that is down is reported now, not per request
        remote.close()
        os.environ["KG_REMOTE_ENDPOINT"] = settings.remote_endpoint
    elif not Path(settings.store_path).exists():
        raise KgError(f"no store at {settings.store_path}: run `kg build` first")
    # The service reads its settings from the environment, like any deployment.
    os.environ["KG_STORE_PATH"] = str(settings.store_path)
    err.print(
        f"serving {_where(settings)} on http://{settings.host}:{settings.port} (docs at /docs)"
    )
    # By import string: the library never imports the api package itself.
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        http="api.server:HttpProtocol",  # httptools, one write per response (api/server.py)
    )


@app.command(name="export")
@_reports_errors
def export_command(
    view: Annotated[
        str, typer.Argument(help="citations, organisations, neighbourhood or construct.")
    ],
    format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="graphml, gexf, cyjs, json, dot, jsonld, ttl, png or svg."
        ),
    ] = "graphml",
    store: StoreOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    root: Annotated[
        str | None, typer.Option(help="neighbourhood: an IRI, a 文号 or a name.")
    ] = None,
    depth: Annotated[int, typer.Option(help="neighbourhood: links from the root (0-3).")] = 1,
    query_text: Annotated[
        str | None,
        typer.Option("--query", help="construct: a CONSTRUCT query, or @file.rq to read one."),
    ] = None,
) -> None:
    """Export a view of the graph as a file for Gephi, Cytoscape, Graphviz or a picture."""
    from kg.store import open_store
    from kg.views import export

    settings = _settings(store)
    text = query_text
    if text is not None and text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise KgError(f"cannot read the query file {text[1:]}: {exc}") from exc
    content, _media_type, filename = export(
        open_store(settings, read_only=True),
        view,
        format,
        root=root,
        depth=depth,
        query=text,
    )
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(content)  # binary-safe: PNG goes through untouched
        sys.stdout.buffer.flush()
        return
    output.write_bytes(content)
    err.print(f"{view} → {output} ({len(content)} bytes; suggested name {filename})")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
