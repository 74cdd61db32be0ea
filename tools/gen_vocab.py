"""Generate kg/rdf/vocab.py, a closed rdflib namespace, from ontology/hp.ttl.

Run ``python tools/gen_vocab.py`` after editing the ontology; ``--check`` exits 1 when
kg/rdf/vocab.py is stale (a test does the same).  Modelled on rdflib's
``tools/defined_namespace_creator.py``: a misspelt term then fails at attribute
access instead of minting a new IRI silently.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "hp.ttl"
TARGET = ROOT / "kg" / "rdf" / "vocab.py"

HP_NS = "https://w3id.org/cn-health-kg/ontology#"
ELI_NS = "http://data.europa.eu/eli/ontology#"

_KINDS = (
    (OWL.Class, "classes"),
    (SKOS.ConceptScheme, "concept schemes"),
    (SKOS.Concept, "concepts"),
    (OWL.ObjectProperty, "object properties"),
    (OWL.DatatypeProperty, "datatype properties"),
    (OWL.AnnotationProperty, "annotation properties"),
)


def _label(graph: Graph, term: URIRef, lang: str) -> str:
    for prop in (RDFS.label, SKOS.prefLabel):
        for value in graph.objects(term, prop):
            if isinstance(value, Literal) and value.language == lang:
                return " ".join(str(value).split())
    return ""


def _terms(graph: Graph, ns: str) -> dict[str, list[URIRef]]:
    """Terms of one namespace grouped by their first declared kind."""
    groups: dict[str, list[URIRef]] = {title: [] for _, title in _KINDS}
    seen: set[URIRef] = set()
    for rdf_type, title in _KINDS:
        for term in sorted(graph.subjects(RDF.type, rdf_type), key=str):
            if isinstance(term, URIRef) and str(term).startswith(ns) and term not in seen:
                name = str(term)[len(ns) :]
                if not name.isidentifier():
                    raise ValueError(f"{term} is not a Python identifier; rename it in hp.ttl")
                groups[title].append(term)
                seen.add(term)
    return groups


def _namespace_class(graph: Graph, cls: str, ns: str, doc: str) -> list[str]:
    lines = [
        f"class {cls}(DefinedNamespace):",
        f'    """{doc}"""',
        "",
        "    _fail = True",
        f'    _NS = Namespace("{ns}")',
    ]
    for title, terms in _terms(graph, ns).items():
        if not terms:
            continue
        lines += ["", f"    # {title}"]
        for term in terms:
            name = str(term)[len(ns) :]
            en, zh = _label(graph, term, "en"), _label(graph, term, "zh")
            comment = " / ".join(x for x in (zh, en) if x)
            line = f"    {name}: URIRef" + (f"  # {comment}" if comment else "")
            if len(line) > 100:  # ruff's line limit: the label goes on the line above
                lines.append(f"    # {comment}")
                line = f"    {name}: URIRef"
            lines.append(line)
    return lines


def _constant_name(scheme_local: str) -> str:
    stem = scheme_local.removesuffix("Scheme")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", stem).upper() + "_LABELS"


def _label_tables(graph: Graph) -> list[str]:
    """For each concept scheme, a dict from every Chinese label to its concept."""
    lines: list[str] = []
    schemes = sorted(
        (s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if str(s).startswith(HP_NS)),
        key=str,
    )
    for scheme in schemes:
        name = _constant_name(str(scheme)[len(HP_NS) :])
        table: dict[str, str] = {}
        for concept in sorted(graph.subjects(SKOS.inScheme, scheme), key=str):
            local = str(concept)[len(HP_NS) :]
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for value in sorted(graph.objects(concept, prop), key=str):
                    if isinstance(value, Literal) and value.language == "zh":
                        key = str(value)
                        if key in table and table[key] != local:
                            raise ValueError(f"label {key!r} is on two concepts of {scheme}")
                        table[key] = local
        scheme_name = str(scheme)[len(HP_NS) :]
        # Laid out as ruff formats it, so the generated file passes `ruff format --check`.
        lines += ["", "", f"# Chinese labels (prefLabel and altLabel) of {scheme_name}."]
        lines += [f"{name}: Mapping[str, URIRef] = MappingProxyType(", "    {"]
        for key in sorted(table):
            lines.append(f"        {json.dumps(key, ensure_ascii=False)}: HP.{table[key]},")
        lines += ["    }", ")"]
    return lines


def _class_tables(graph: Graph) -> list[str]:
    """The labels of each hp: class, and the hp: classes it narrows: what kg.rdf.kinds reads."""
    classes = [
        c
        for c in sorted(graph.subjects(RDF.type, OWL.Class), key=str)
        if isinstance(c, URIRef) and str(c).startswith(HP_NS)
    ]
    lines = ["", "", "# rdfs:label of each hp: class, (Chinese, English)."]
    lines += ["CLASS_LABELS: Mapping[URIRef, tuple[str, str]] = MappingProxyType(", "    {"]
    for cls in classes:
        zh, en = (json.dumps(_label(graph, cls, lang), ensure_ascii=False) for lang in ("zh", "en"))
        lines.append(f"        HP.{str(cls)[len(HP_NS) :]}: ({zh}, {en}),")
    lines += ["    }", ")"]
    lines += [
        "",
        "",
        "# The hp: classes an hp: class is a subclass of (rdfs:subClassOf), where any.",
    ]
    lines += ["BROADER_CLASSES: Mapping[URIRef, tuple[URIRef, ...]] = MappingProxyType(", "    {"]
    for cls in classes:
        broader = sorted(
            str(b)[len(HP_NS) :]
            for b in graph.objects(cls, RDFS.subClassOf)
            if str(b).startswith(HP_NS)
        )
        if broader:
            names = ", ".join(f"HP.{b}" for b in broader) + ("," if len(broader) == 1 else "")
            lines.append(f"        HP.{str(cls)[len(HP_NS) :]}: ({names}),")
    lines += ["    }", ")"]
    return lines


def render(ontology: Path = ONTOLOGY) -> str:
    """The text of kg/rdf/vocab.py for the given ontology file."""
    graph = Graph().parse(ontology, format="turtle")
    parts = [
        '"""GENERATED by tools/gen_vocab.py from ontology/hp.ttl: do not edit by hand.',
        "",
        "Edit the ontology, then run ``python tools/gen_vocab.py``; tests/test_ontology.py",
        "fails while this file is stale.  ``HP`` and ``ELI`` are closed namespaces: a term",
        "that the ontology does not declare raises AttributeError.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping",
        "from functools import cache",
        "from types import MappingProxyType",
        "",
        "import pyoxigraph",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        *_namespace_class(graph, "HP", HP_NS, "Terms of the project ontology (prefix ``hp:``)."),
        "",
        "",
        *_namespace_class(
            graph, "ELI", ELI_NS, "The ELI terms the project uses (declared in hp.ttl)."
        ),
        *_class_tables(graph),
        *_label_tables(graph),
        "",
        "",
        "@cache",
        "def node(term: str) -> pyoxigraph.NamedNode:",
        '    """The pyoxigraph form of a vocabulary term (``node(HP.Document)``)."""',
        "    return pyoxigraph.NamedNode(str(term))",
        "",
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if kg/rdf/vocab.py is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is stale: run python tools/gen_vocab.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
