"""Entities: agencies, institutions, consortia, programmes, people, tasks, submissions.

One router per resource, all answered by the named queries of queries/*.rq, but for
the labels of a page of an entity's relations.  Each named kind with a route in
kg.rdf.kinds gets its router and list route from that table (GET /agencies …); the routes
particular to a kind are added to its router here.  An ``{id}`` is an IRI, the IRI's
last path segment, ``kind/name``, or a name in any normal variant (NFKC, white space
removed, full- or half-width) or alias (skos:altLabel).  Names are matched here
rather than in SPARQL because SPARQL has no Unicode normalisation.  ``router``
bundles the resource routers for main.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, unquote

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Path, Query, Request, Response

from api import jsonld as ld
from api.deps import SettingsDep, StoreDep
from api.problems import HttpProblem, problem_responses
from api.schemas_entities import (
    AgencyTasks,
    ConsortiumMembers,
    DocumentRef,
    EdgeEvidence,
    Entity,
    EntityItem,
    EntityList,
    EntityRef,
    Evidence,
    InstitutionConsortia,
    InstitutionLinks,
    Link,
    Membership,
    ProgrammeDocuments,
    Relation,
    Submission,
    SubmissionList,
    TaskItem,
    TaskList,
    TaskLoad,
    TaskLoadList,
    TaskSummary,
)
from kg.errors import NotFound, QueryError
from kg.rdf import BY_KEY, NAMED, Kind, local_name
from kg.sparql import query as kq
from kg.store import GraphStore
from kg.views import evidence_rows

HP = "https://w3id.org/cn-health-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"

PREFIXES = {
    "hp": HP,
    "eli": "http://data.europa.eu/eli/ontology#",
    "skos": SKOS,
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
}

# Class IRI → the kind word used in IRIs (kg.rdf.iri) and in responses, for named kinds.
KINDS = {str(k.cls): k.key for k in NAMED}
CLASS_OF = {kind: cls for cls, kind in KINDS.items()}

# Links that are bookkeeping, not relations between things: shown as evidence instead.
_NOT_RELATIONS = {RDF_TYPE, HP + "evidence", HP + "supportsSubject", HP + "supportsObject"}
_NAMES = {SKOS + "prefLabel", SKOS + "altLabel"}

CACHE_CONTROL = "public, max-age=300"


def cache_control(response: Response) -> None:
    """The graph changes only when it is rebuilt: let clients and proxies keep answers."""
    response.headers["Cache-Control"] = CACHE_CONTROL


_CACHED = [Depends(cache_control)]

# --- parameters ---------------------------------------------------------------------

Q = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Part of a name or alias, in any width or spacing",
        examples=["医保局"],
    ),
]
Limit = Annotated[int, Query(ge=1, le=1000, description="Most items returned", examples=[20])]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items skipped", examples=[0])]
RelationLimit = Annotated[
    int,
    Query(
        ge=0,
        description="Most relations returned; at most the service's result limit "
        "(KG_RESULT_LIMIT, 10,000 by default)",
        examples=[100],
    ),
]
RelationOffset = Annotated[
    int,
    Query(
        ge=0,
        le=1_000_000,
        description="Relations skipped: out-going first, then by property, then by the "
        "other end's IRI",
        examples=[0],
    ),
]


def _id(example: str) -> Any:
    return Path(
        description="IRI, the IRI's last segment, kind/name, or a name or alias in any width",
        examples=[example],
    )


# --- names ----------------------------------------------------------------------------


def clean(text: str) -> str:
    """NFKC (full-width → half-width) with white space removed, as names are printed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def normalise(text: str) -> str:
    """A name as matching sees it: cleaned and casefolded (5G = ５ｇ)."""
    return clean(text).casefold()


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split("|") if v]


@dataclass(frozen=True)
class Named:
    """One named entity of the graph, as entities_by_name gives it."""

    iri: str
    kind: str
    name: str
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    documents: int

    def item(self) -> EntityItem:
        return EntityItem(
            iri=self.iri,
            id=local_name(self.iri),
            type=self.kind,
            name=self.name,
            aliases=list(self.aliases),
            roles=list(self.roles),
            documents=self.documents,
        )

    def ref(self) -> EntityRef:
        return EntityRef(iri=self.iri, name=self.name)

    def matches(self, needle: str) -> bool:
        return any(needle in normalise(label) for label in (self.name, *self.aliases))


def named_entities(store: GraphStore, kinds: Iterable[str] = ()) -> list[Named]:
    """Every named entity of the given kinds (all kinds when none are given)."""
    classes = [CLASS_OF[k] for k in kinds] or [""]
    found = []
    for cls in classes:
        for row in kq.run_query(store, "entities_by_name", {"type": cls}):
            found.append(
                Named(
                    iri=kq.bound(row, "entity"),
                    kind=KINDS[kq.bound(row, "class")],
                    name=row["name"] or local_name(kq.bound(row, "entity")),
                    aliases=tuple(_split(row.get("altLabels"))),
                    roles=tuple(_split(row.get("roles"))),
                    documents=int(row.get("documents") or 0),
                )
            )
    return found


def _as_iri(text: str, base: str) -> str | None:
    """``text`` as a data IRI when it is one (raw, percent-encoded or decoded) or kind/name."""
    if text.startswith(("http://", "https://")):
        if not text.startswith(base + "id/"):
            return text
        rest = text[len(base) + 3 :]
    elif "/" in text and text.split("/", 1)[0] in CLASS_OF:
        rest = text
    else:
        return None
    # Re-encode each segment as kg.rdf.iri does, whatever encoding the client sent.
    segments = [unquote(s) for s in rest.split("/")]
    return (
        base
        + "id/"
        + "/".join(
            quote("".join(unicodedata.normalize("NFC", s).split()), safe="") for s in segments
        )
    )


def matches(store: GraphStore, ident: str, base: str, kinds: tuple[str, ...] = ()) -> list[Named]:
    """The entities ``ident`` names: by IRI, else by canonical name, else by alias.

    A canonical name or IRI segment wins over an alias: 市中医医院 is an alias of
    more than one hospital, while 益阳市中医医院 names exactly one.
    """
    candidates = named_entities(store, kinds)
    iri = _as_iri(ident.strip(), base)
    if iri is not None:
        hits = [c for c in candidates if c.iri == iri]
    else:
        needle = normalise(ident)
        hits = [
            c for c in candidates if needle in (normalise(c.name), normalise(local_name(c.iri)))
        ]
        if not hits:
            hits = [c for c in candidates if needle in {normalise(a) for a in c.aliases}]
    return list({c.iri: c for c in hits}.values())


def resolve(store: GraphStore, ident: str, base: str, *kind_sets: tuple[str, ...]) -> Named:
    """The one entity ``ident`` names; NotFound when none, a 409 problem when several.

    With several kind sets, a later set is searched only when the earlier ones name
    nothing (a task's unit is usually an agency, sometimes a hospital).
    """
    kind_sets = kind_sets or ((),)
    for kinds in kind_sets:
        unique = matches(store, ident, base, kinds)
        if unique:
            break
    what = "/".join(k for kinds in kind_sets for k in kinds) or "entity"
    if not unique:
        raise NotFound(
            f"no {what} named {ident!r} in the graph; list them with GET /{_plural(kind_sets[0])}?q=…"
        )
    if len(unique) > 1:
        names = "; ".join(f"{c.name} <{c.iri}>" for c in unique)
        raise HttpProblem(
            409,
            f"{ident!r} names more than one {what}: {names}; ask by full name or IRI",
            "ambiguous-name",
        )
    return unique[0]


def _plural(kinds: tuple[str, ...]) -> str:
    """The list route that names entities of the first kind (agencies for a kind without)."""
    route = BY_KEY[kinds[0]].route if kinds and kinds[0] in BY_KEY else None
    return route or "agencies"


def _compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _expand(term: str) -> str:
    """A predicate from a full IRI, a compact name (hp:leads) or a bare hp: name (leads)."""
    if term.startswith(("http://", "https://")):
        return term
    prefix, sep, local = term.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if not sep:
        return HP + term
    raise QueryError(f"unknown prefix in {term!r}; use one of {', '.join(PREFIXES)} or a full IRI")


def _page(items: list[Any], limit: int, offset: int) -> list[Any]:
    return items[offset : offset + limit]


def _document(row: Mapping[str, Any], prefix: str = "doc") -> DocumentRef:
    return DocumentRef(
        iri=row.get(prefix) or "",
        number=row.get(f"{prefix}Number"),
        title=row.get(f"{prefix}Title"),
        issuer=row.get("issuer"),
    )


def _evidence(row: Mapping[str, Any]) -> Evidence:
    return Evidence(
        iri=row["evidence"],
        document=_document(row) if row.get("doc") else None,
        start=int(row["start"]),
        end=int(row["end"]),
        exact=row.get("exact"),
        sentence=row.get("sentence"),
        subject=row["subject"],
        predicate=row["predicate"],
        object=row["object"],
    )


def _list(store: GraphStore, kind: str, q: str | None, limit: int, offset: int) -> EntityList:
    found = named_entities(store, (kind,))
    if q and q.strip():
        needle = normalise(q)
        found = [e for e in found if e.matches(needle)]
    found.sort(key=lambda e: (-e.documents, e.name))
    return EntityList(
        items=[e.item() for e in _page(found, limit, offset)],
        total=len(found),
        limit=limit,
        offset=offset,
        q=q,
    )


# --- the list route of each named kind ---------------------------------------------------


def _kind_router(kind: Kind, route: str) -> APIRouter:
    """A router for ``/{route}`` with the kind's list route; its other routes follow."""
    resource = APIRouter(prefix=f"/{route}", tags=[route], dependencies=_CACHED)

    # No docstring: FastAPI would publish it as the operation's description.
    def list_kind(
        request: Request, store: StoreDep, q: Q = None, limit: Limit = 50, offset: Offset = 0
    ) -> EntityList:
        page = _list(store, kind.key, q, limit, offset)
        return ld.respond(request, page, ld.ENTITY_LIST)

    resource.add_api_route(
        "",
        list_kind,
        methods=["GET"],
        operation_id=f"list_{route}",
        summary=kind.listing,
        response_model=EntityList,
        responses={**ld.ld_responses(), **problem_responses(400, 503)},
    )
    return resource


# In the table's order, which is the order of their paths in the OpenAPI document.
LIST_ROUTERS = {k.key: _kind_router(k, k.route) for k in NAMED if k.route}

# --- /agencies -------------------------------------------------------------------------

agencies = LIST_ROUTERS["agency"]


@agencies.get(
    "/task-load",
    operation_id="list_agency_task_load",
    summary="Agencies ranked by the tasks they carry, in one document or in all",
    response_model=TaskLoadList,
    responses=problem_responses(400, 503),
)
def task_load(
    store: StoreDep,
    document: Annotated[
        str | None,
        Query(description="发文字号 in any bracket form", examples=["益资政办发〔2023〕20号"]),
    ] = None,
) -> TaskLoadList:
    number = kq.canonical_number(document) if document else None
    rows = kq.run_query(store, "agencies_by_task_load", {"number": number or ""})
    items = [
        TaskLoad(
            agency=EntityRef(iri=r["agency"], name=r.get("agencyName")),
            tasks=int(kq.bound(r, "tasks")),
            lead_tasks=int(kq.bound(r, "leadTasks")),
        )
        for r in rows
    ]
    return TaskLoadList(document=number, items=items, total=len(items))


@agencies.get(
    "/{id:path}/tasks",
    operation_id="list_agency_tasks",
    summary="The tasks an agency leads or shares, with their documents",
    response_model=AgencyTasks,
    responses=problem_responses(400, 404, 409, 503),
)
def agency_tasks(
    id: Annotated[str, _id("区医保局")],
    store: StoreDep,
    settings: SettingsDep,
    role: Annotated[
        str | None,
        Query(pattern="^(lead|partner)$", description="lead or partner", examples=["lead"]),
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> AgencyTasks:
    # Any named unit can carry a task; an agency is the usual one, so it is tried first.
    unit = resolve(store, id, settings.iri_base, ("agency",), ("hospital", "consortium"))
    rows = kq.run_query(store, "tasks_of_agency", {"agency": unit.iri})
    items = [
        TaskItem(
            iri=r["task"],
            number=r.get("taskNumber"),
            title=r.get("taskTitle"),
            role=r["role"],
            document=_document(r),
        )
        for r in rows
    ]
    leads = sum(1 for t in items if t.role == "lead")
    if role:
        items = [t for t in items if t.role == role]
    return AgencyTasks(
        agency=unit.ref(),
        items=_page(items, limit, offset),
        total=len(items),
        lead_total=leads,
        limit=limit,
        offset=offset,
    )


# --- /hospitals ------------------------------------------------------------------------

hospitals = LIST_ROUTERS["hospital"]


@hospitals.get(
    "/{id:path}/consortia",
    operation_id="list_hospital_consortia",
    summary="The consortia an institution leads or belongs to",
    response_model=InstitutionConsortia,
    responses=problem_responses(400, 404, 409, 503),
)
def hospital_consortia(
    id: Annotated[str, _id("益阳市中医医院")], store: StoreDep, settings: SettingsDep
) -> InstitutionConsortia:
    institution = resolve(store, id, settings.iri_base, ("hospital",))
    rows = kq.run_query(store, "consortium_members", {"member": institution.iri})
    kinds = {
        r["consortium"]: r.get("kind")
        for r in kq.run_query(store, "consortia_led_by", {"lead": institution.iri})
    }
    items = [
        Membership(
            consortium=EntityRef(iri=r["consortium"], name=r.get("consortiumName")),
            kind=kinds.get(r["consortium"]),
            role=r["role"],
        )
        for r in rows
    ]
    return InstitutionConsortia(institution=institution.ref(), items=items, total=len(items))


@hospitals.get(
    "/{id:path}/links",
    operation_id="list_hospital_links",
    summary="Institutions this one supports, entrusts or collaborates with, both directions",
    response_model=InstitutionLinks,
    responses=problem_responses(400, 404, 409, 503),
)
def hospital_links(
    id: Annotated[str, _id("湖北省人民医院")], store: StoreDep, settings: SettingsDep
) -> InstitutionLinks:
    institution = resolve(store, id, settings.iri_base, ("hospital",))
    rows = kq.run_query(store, "institution_links", {"iri": institution.iri})
    items = [
        Link(
            property=_compact(kq.bound(r, "link")),
            predicate=r["link"],
            direction=r["direction"],
            other=EntityRef(iri=r["other"], name=r.get("otherName")),
        )
        for r in rows
    ]
    return InstitutionLinks(institution=institution.ref(), items=items, total=len(items))


# --- /consortia ------------------------------------------------------------------------

consortia = LIST_ROUTERS["consortium"]


@consortia.get(
    "/{id:path}/members",
    operation_id="list_consortium_members",
    summary="The lead and the members of a consortium",
    response_model=ConsortiumMembers,
    responses=problem_responses(400, 404, 409, 503),
)
def consortium_members(
    id: Annotated[str, _id("枣庄市市中区人民医院医共体")], store: StoreDep, settings: SettingsDep
) -> ConsortiumMembers:
    consortium = resolve(store, id, settings.iri_base, ("consortium",))
    rows = kq.run_query(store, "consortium_members", {"consortium": consortium.iri})
    refs = {
        role: [
            EntityRef(iri=r["member"], name=r.get("memberName")) for r in rows if r["role"] == role
        ]
        for role in ("lead", "member")
    }
    return ConsortiumMembers(consortium=consortium.ref(), lead=refs["lead"], members=refs["member"])


# --- /programmes -----------------------------------------------------------------------

programmes = LIST_ROUTERS["programme"]


@programmes.get(
    "/{id:path}/documents",
    operation_id="list_programme_documents",
    summary="The documents that mention a programme",
    response_model=ProgrammeDocuments,
    responses=problem_responses(400, 404, 409, 503),
)
def programme_documents(
    id: Annotated[str, _id("优质服务基层行")], store: StoreDep, settings: SettingsDep
) -> ProgrammeDocuments:
    programme = resolve(store, id, settings.iri_base, ("programme",))
    rows = kq.run_query(store, "documents_mentioning_programme", {"programme": programme.iri})
    items = list({r["doc"]: _document(r) for r in rows}.values())
    return ProgrammeDocuments(programme=programme.ref(), items=items, total=len(items))


# --- /tasks ----------------------------------------------------------------------------

tasks = APIRouter(prefix="/tasks", tags=["tasks"], dependencies=_CACHED)


@tasks.get(
    "",
    operation_id="list_tasks",
    summary="Numbered tasks with their lead and responsible units, by document or title",
    response_model=TaskList,
    responses=problem_responses(400, 503),
)
def list_tasks(
    store: StoreDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Part of the task title", examples=["医共体"])
    ] = None,
    document: Annotated[
        str | None,
        Query(description="发文字号 in any bracket form", examples=["益资政办发〔2023〕20号"]),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> TaskList:
    number = kq.canonical_number(document) if document else ""
    rows = kq.run_query(store, "tasks", {"number": number})
    if q and q.strip():
        needle = normalise(q)
        rows = [r for r in rows if needle in normalise(r.get("title") or "")]
    items = [
        TaskSummary(
            iri=r["task"],
            number=r.get("taskNumber"),
            title=r.get("title"),
            section=r.get("section"),
            document=_document(r),
            leads=_split(r.get("leads")),
            units=_split(r.get("units")),
        )
        for r in rows
    ]
    return TaskList(items=_page(items, limit, offset), total=len(items), limit=limit, offset=offset)


# --- /submissions ----------------------------------------------------------------------

submissions = APIRouter(prefix="/submissions", tags=["submissions"], dependencies=_CACHED)


@submissions.get(
    "",
    operation_id="list_submissions",
    summary="Proposals (提案) and suggestions (建议) that were answered, and who answered them",
    response_model=SubmissionList,
    responses=problem_responses(400, 503),
)
def list_submissions(
    store: StoreDep,
    kind: Annotated[
        str | None,
        Query(
            pattern="^(提案|建议)$",
            description="提案 (CPPCC) or 建议 (people's congress)",
            examples=["提案"],
        ),
    ] = None,
    body: Annotated[
        str | None,
        Query(
            max_length=200,
            description="The 政协 or 人大, short or full name",
            examples=["岳阳市政协"],
        ),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> SubmissionList:
    rows = kq.run_query(
        store,
        "replies_by_proposing_body",
        {"kind": kind or "", "body": clean(body) if body else ""},
    )
    items = [
        Submission(
            iri=r["submission"],
            kind=r.get("submissionKind") or None,
            body=r.get("bodyName"),
            session=r.get("session"),
            number=r.get("submissionNumber"),
            title=r.get("title"),
            proposer=r.get("proposer"),
            reply=DocumentRef(
                iri=r["reply"],
                number=r.get("replyNumber"),
                title=r.get("replyTitle"),
                issuer=r.get("repliedBy"),
                date=r.get("replyDate"),
            ),
        )
        for r in rows
    ]
    return SubmissionList(
        items=_page(items, limit, offset), total=len(items), limit=limit, offset=offset
    )


# --- /entities/{id} and /edges/evidence ---------------------------------------------------

entities = APIRouter(tags=["entities"], dependencies=_CACHED)


@entities.get(
    "/entities/{id:path}",
    operation_id="get_entity",
    summary="One entity: names, types, attributes, a page of relations and the text evidence",
    response_model=Entity,
    responses={**ld.ld_responses(), **problem_responses(400, 404, 409, 503)},
)
def get_entity(
    request: Request,
    id: Annotated[str, _id("湖北省人民医院")],
    store: StoreDep,
    settings: SettingsDep,
    evidence_limit: Annotated[
        int, Query(ge=0, le=1000, description="Most evidence spans returned", examples=[50])
    ] = 50,
    relation_limit: RelationLimit = 100,
    relation_offset: RelationOffset = 0,
) -> Entity:
    relation_limit = min(relation_limit, settings.result_limit)
    iri = _as_iri(id.strip(), settings.iri_base) or resolve(store, id, settings.iri_base).iri
    # Every link, unlabelled and unordered (see queries/entity_links.rq): a hub has
    # thousands; they are counted and ordered here, and only the page shown is labelled.
    rows = kq.run_query(store, "entity_links", {"iri": iri})
    if not rows:
        raise NotFound(
            f"nothing in the graph is about {id!r}; find entities with GET /agencies?q=…"
        )
    name, aliases, types = None, [], []
    attributes: dict[str, list[str]] = {}
    links = []
    for r in rows:
        predicate, other, out = (
            kq.bound(r, "predicate"),
            kq.bound(r, "other"),
            r["direction"] == "out",
        )
        is_iri = r.get("otherIsIri") == "true"
        if out and predicate == SKOS + "prefLabel":
            name = name or other
        elif out and predicate == SKOS + "altLabel":
            aliases.append(other)
        elif out and predicate == RDF_TYPE:
            types.append(other)
        elif out and not is_iri:
            attributes.setdefault(_compact(predicate), []).append(other)
        elif predicate not in _NOT_RELATIONS and predicate not in _NAMES:
            links.append(r)
    links.sort(key=_relation_order)
    page = _page(links, relation_limit, relation_offset)
    labels = _labels(store, (r["other"] for r in page if r.get("otherIsIri") == "true"))
    relations = [
        Relation(
            predicate=r["predicate"],
            property=_compact(r["predicate"]),
            direction=r["direction"],
            other=EntityRef(iri=r["other"], name=labels.get(r["other"])),
        )
        for r in page
    ]
    evidence = _evidence_rows(store, {"subject": iri}, evidence_limit) + _evidence_rows(
        store, {"object": iri}, evidence_limit
    )
    counted = kq.run_query(store, "node_evidence_count", {"node": iri})
    total = int(counted[0]["count"] or 0) if counted else 0
    entity = Entity(
        iri=iri,
        id=local_name(iri),
        name=name,
        aliases=sorted(aliases),
        types=sorted(types),
        attributes=attributes,
        relations=relations,
        relations_total=len(links),
        relation_limit=relation_limit,
        relation_offset=relation_offset,
        evidence=[_evidence(r) for r in evidence[:evidence_limit]],
        evidence_total=total,
    )
    return ld.respond(request, entity, ld.ENTITY)


def _relation_order(row: Mapping[str, Any]) -> tuple[bool, str, str]:
    """Out-going relations first, then by property, then by the other end's IRI."""
    return (row["direction"] != "out", _compact(row["predicate"]), row["other"])


# A node's label, best first: its name, a document's 文号, a title.  ``%s`` is filled
# with the N-Triples forms of NamedNodes (IRIs read from the store), never client text.
# (A second VALUES block for the three predicates made pyoxigraph scan every label
# of the store: 0.55 s for a page of 100 on 10,000 documents, against 5 ms.)
_LABELS = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?node ?rank ?label WHERE {
  VALUES ?node { %s }
  { ?node skos:prefLabel ?label BIND(0 AS ?rank) }
  UNION { ?node eli:id_local ?label BIND(1 AS ?rank) }
  UNION { ?node dcterms:title ?label BIND(2 AS ?rank) }
}
"""
_LABEL_BATCH = 400  # IRIs in one VALUES block


def _labels(store: GraphStore, iris: Iterable[str]) -> dict[str, str]:
    """The label of each node of one page of relations, in one query per 400 nodes.

    entity_neighbourhood's rule (a prefLabel, a 文号 or a title), but the best of them
    rather than any one, and the smallest of two of a kind, so a page is the same
    every time.
    """
    nodes = sorted(set(iris))
    best: dict[str, tuple[int, str]] = {}
    for start in range(0, len(nodes), _LABEL_BATCH):
        values = " ".join(str(ox.NamedNode(n)) for n in nodes[start : start + _LABEL_BATCH])
        for row in store.select(_LABELS % values):
            ranked = (int(row["rank"]), row["label"])
            best[row["node"]] = min(best.get(row["node"], ranked), ranked)
    return {node: label for node, (_, label) in best.items()}


@entities.get(
    "/edges/evidence",
    operation_id="get_edge_evidence",
    summary="Why is this edge here? The spans of text that support one triple",
    response_model=EdgeEvidence,
    responses=problem_responses(400, 404, 409, 503),
)
def edge_evidence(
    store: StoreDep,
    settings: SettingsDep,
    subject: Annotated[
        str, Query(description="Subject: IRI, kind/name or a name", examples=["湖北省人民医院"])
    ],
    predicate: Annotated[
        str,
        Query(
            description="Predicate: IRI, compact (hp:leads) or an hp: name",
            examples=["hp:collaboratesWith"],
        ),
    ],
    object: Annotated[
        str, Query(description="Object: IRI, kind/name or a name", examples=["赤壁市人民医院"])
    ],
) -> EdgeEvidence:
    ends = [_node(store, term, settings.iri_base) for term in (subject, object)]
    p = _expand(predicate.strip())
    edge = [
        r
        for r in kq.run_query(store, "entity_links", {"iri": ends[0].iri})
        if r["direction"] == "out" and r["predicate"] == p and r["other"] == ends[1].iri
    ]
    if not edge:
        raise NotFound(
            f"the graph has no edge {ends[0].name or ends[0].iri} {_compact(p)} {ends[1].name or ends[1].iri}"
        )
    rows = _evidence_rows(store, {"subject": ends[0].iri, "predicate": p, "object": ends[1].iri})
    items = [_evidence(r) for r in rows]
    return EdgeEvidence(subject=ends[0], predicate=p, object=ends[1], items=items, total=len(items))


def _evidence_rows(
    store: GraphStore, ends: dict[str, str], limit: int | None = None
) -> list[dict[str, Any]]:
    """Evidence of the facts with the given ends, one row each, by document then offset."""
    return evidence_rows(store, ends, limit)


def _node(store: GraphStore, term: str, base: str) -> EntityRef:
    """An edge end: any IRI as given (a document, a task), else a named entity."""
    iri = _as_iri(term.strip(), base)
    if iri is not None:
        return EntityRef(iri=iri, name=None)
    return resolve(store, term, base).ref()


router = APIRouter()
for _resource in (*LIST_ROUTERS.values(), tasks, submissions, entities):
    router.include_router(_resource)
