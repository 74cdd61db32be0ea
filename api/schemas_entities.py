"""Response bodies of the entity resources: agencies, institutions, consortia, programmes,
people, tasks, submissions, one entity and the evidence behind one edge."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kg.rdf import NAMED

_NAMED_KINDS = ", ".join(k.key for k in NAMED[:-1]) + f" or {NAMED[-1].key}"

_ID = "https://w3id.org/cn-health-kg/id/"
_ZIYANG_HEALTH = (
    _ID
    + "agency/%E7%9B%8A%E9%98%B3%E5%B8%82%E8%B5%84%E9%98%B3%E5%8C%BA%E5%8D%AB%E7%94%9F%E5%81%A5%E5%BA%B7%E5%B1%80"
)
_YIZI = (
    _ID + "document/%E7%9B%8A%E8%B5%84%E6%94%BF%E5%8A%9E%E5%8F%91%E3%80%942023%E3%80%9520%E5%8F%B7"
)
_HUBEI = _ID + "hospital/%E6%B9%96%E5%8C%97%E7%9C%81%E4%BA%BA%E6%B0%91%E5%8C%BB%E9%99%A2"
_CHIBI = _ID + "hospital/%E8%B5%A4%E5%A3%81%E5%B8%82%E4%BA%BA%E6%B0%91%E5%8C%BB%E9%99%A2"
_HP = "https://w3id.org/cn-health-kg/ontology#"


class EntityRef(BaseModel):
    """The other end of a link: its IRI and its name when the graph has one."""

    iri: str = Field(examples=[_HUBEI])
    name: str | None = Field(examples=["湖北省人民医院"])


class DocumentRef(BaseModel):
    """A document as a list item."""

    iri: str = Field(examples=[_YIZI])
    number: str | None = Field(description="Canonical 文号", examples=["益资政办发〔2023〕20号"])
    title: str | None = Field(
        examples=[
            "益阳市资阳区人民政府办公室印发《关于进一步深化改革推进资阳区卫生健康事业高质量发展的实施意见》的通知"
        ]
    )
    issuer: str | None = Field(default=None, examples=["益阳市资阳区人民政府办公室"])
    date: str | None = Field(
        default=None, description="成文日期, ISO 8601", examples=["2023-11-22"]
    )


class EntityItem(BaseModel):
    """A named entity in a list: canonical name, aliases and how many documents name it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "iri": _ZIYANG_HEALTH,
                    "id": "益阳市资阳区卫生健康局",
                    "type": "agency",
                    "name": "益阳市资阳区卫生健康局",
                    "aliases": ["区卫生健康局"],
                    "roles": [],
                    "documents": 1,
                }
            ]
        }
    )

    iri: str
    id: str = Field(description="The IRI's last path segment, decoded: usable as {id} in paths")
    type: str = Field(description=_NAMED_KINDS)
    name: str
    aliases: list[str] = Field(description="Other names the documents use (skos:altLabel)")
    roles: list[str] = Field(default_factory=list, description="For people: roles in the documents")
    documents: int = Field(description="Documents that mention it")


class EntityList(BaseModel):
    """One page of entities, with the number of all that match."""

    items: list[EntityItem]
    total: int = Field(description="All matches, before limit and offset")
    limit: int
    offset: int
    q: str | None = Field(description="The name filter as given")


class Evidence(BaseModel):
    """A span of a source text that supports one triple."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "iri": _ID + "evidence/2c7ad7cc7b1c81ea/699-714-2b8e4f546f68",
                    "document": {"iri": _ID + "document/t-7745c3e647c6cd92", "number": None,
                                 "title": "对市六届人大三次会议第068号建议的答复"},
                    "start": 699,
                    "end": 714,
                    "exact": "湖北省人民医院与赤壁市人民医院",
                    "sentence": "湖北省人民医院与赤壁市人民医院进行了技术协作医院签约，……",
                    "subject": _HUBEI,
                    "predicate": _HP + "collaboratesWith",
                    "object": _CHIBI,
                }
            ]
        }
    )  # fmt: skip

    iri: str = Field(
        description="The relation's hp:Evidence node, or else the supporting sentence "
        "(hp:Sentence), which the facts stated in it share"
    )
    document: DocumentRef | None
    start: int = Field(description="Offset into the document text where the span starts")
    end: int = Field(description="Offset where the span ends (exclusive)")
    exact: str | None = Field(
        description="The span's text: a relation's own span, else the longest name of the "
        "fact's object that the sentence contains (the whole sentence when none does)"
    )
    sentence: str | None = Field(description="The supporting sentence, stored once per document")
    subject: str
    predicate: str
    object: str


class Relation(BaseModel):
    """One edge between the entity and another node."""

    predicate: str = Field(examples=[_HP + "collaboratesWith"])
    property: str = Field(
        description="The predicate as a compact name", examples=["hp:collaboratesWith"]
    )
    direction: str = Field(description="out: entity → other; in: other → entity", examples=["out"])
    other: EntityRef


class Entity(BaseModel):
    """What the graph says about one entity: every name, type and attribute, one page of
    its relations and of the text evidence for them, and how many there are of each."""

    iri: str = Field(examples=[_HUBEI])
    id: str = Field(examples=["湖北省人民医院"])
    name: str | None = Field(examples=["湖北省人民医院"])
    aliases: list[str]
    types: list[str] = Field(examples=[[_HP + "HealthInstitution"]])
    attributes: dict[str, list[str]] = Field(
        description="Literal-valued facts by compact property name",
        examples=[{"hp:typeName": ["人民医院"], "hp:level": ["三级甲等"]}],
    )
    relations: list[Relation] = Field(
        description="One page of the relations: out-going first, then by property, then by "
        "the other end's IRI"
    )
    relations_total: int = Field(
        description="All relations, before relation_limit and relation_offset; more pages "
        "remain while relation_offset + relation_limit < relations_total",
        examples=[3],
    )
    relation_limit: int = Field(
        description="Most relations in this page, as applied (capped by the result limit)",
        examples=[100],
    )
    relation_offset: int = Field(description="Relations skipped before this page", examples=[0])
    evidence: list[Evidence]
    evidence_total: int = Field(description="All evidence spans, before evidence_limit")


class TaskItem(BaseModel):
    """A task an agency is responsible for, with its document and the agency's role."""

    iri: str
    number: str | None = Field(examples=["5"])
    title: str | None = Field(examples=["加强医共体建设"])
    role: str = Field(description="lead (牵头) or partner", examples=["lead"])
    document: DocumentRef


class AgencyTasks(BaseModel):
    """The tasks of one agency."""

    agency: EntityRef
    items: list[TaskItem]
    total: int
    lead_total: int = Field(description="Tasks the agency leads")
    limit: int
    offset: int


class TaskLoad(BaseModel):
    agency: EntityRef
    tasks: int = Field(examples=[17])
    lead_tasks: int = Field(examples=[7])


class TaskLoadList(BaseModel):
    """Agencies ranked by the number of tasks they carry."""

    document: str | None = Field(
        description="The 文号 asked about, canonical", examples=["益资政办发〔2023〕20号"]
    )
    items: list[TaskLoad]
    total: int


class TaskSummary(BaseModel):
    """A numbered task with its lead and responsible units."""

    iri: str
    number: str | None = Field(examples=["5"])
    title: str | None = Field(examples=["加强医共体建设"])
    section: str | None
    document: DocumentRef
    leads: list[str] = Field(examples=[["益阳市资阳区卫生健康局"]])
    units: list[str] = Field(examples=[["益阳市资阳区卫生健康局", "益阳市资阳区医疗保障局"]])


class TaskList(BaseModel):
    items: list[TaskSummary]
    total: int
    limit: int
    offset: int


class ConsortiumMembers(BaseModel):
    """Who leads a consortium and who belongs to it."""

    consortium: EntityRef
    lead: list[EntityRef]
    members: list[EntityRef]


class Membership(BaseModel):
    consortium: EntityRef
    kind: str | None = Field(description="医共体, 医联体, 专科联盟 …", examples=["医共体"])
    role: str = Field(description="lead or member", examples=["lead"])


class InstitutionConsortia(BaseModel):
    """The consortia an institution leads or belongs to."""

    institution: EntityRef
    items: list[Membership]
    total: int


class Link(BaseModel):
    property: str = Field(examples=["hp:collaboratesWith"])
    predicate: str = Field(examples=[_HP + "collaboratesWith"])
    direction: str = Field(description="out: it → other; in: other → it", examples=["out"])
    other: EntityRef


class InstitutionLinks(BaseModel):
    """Institutions this one supports, entrusts or collaborates with, and the reverse."""

    institution: EntityRef
    items: list[Link]
    total: int


class ProgrammeDocuments(BaseModel):
    """The documents that mention one programme."""

    programme: EntityRef
    items: list[DocumentRef]
    total: int


class Submission(BaseModel):
    """A proposal or suggestion and the reply that answered it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "iri": _ID + "submission/%E5%B2%B3%E9%98%B3%E5%B8%82%E6%94%BF%E5%8D%8F…",
                    "kind": "提案",
                    "body": "岳阳市政协",
                    "session": "九届二次会议",
                    "number": "141",
                    "title": "关于切实增强基层医联体医院能力建设的提案",
                    "proposer": "姚添",
                    "reply": {"iri": _ID + "document/…", "number": "岳卫字〔2023〕2号",
                              "title": "对岳阳市政协九届二次会议第141号提案的答复",
                              "issuer": "岳阳市卫生健康委员会", "date": "2023-06-29"},
                }
            ]
        }
    )  # fmt: skip

    iri: str
    kind: str | None = Field(description="提案 (CPPCC proposal) or 建议 (deputy's suggestion)")
    body: str | None
    session: str | None
    number: str | None
    title: str | None
    proposer: str | None
    reply: DocumentRef = Field(description="The reply; its issuer is who answered")


class SubmissionList(BaseModel):
    items: list[Submission]
    total: int
    limit: int
    offset: int


class EdgeEvidence(BaseModel):
    """Why is this edge here: the spans of text that support it."""

    subject: EntityRef
    predicate: str
    object: EntityRef
    items: list[Evidence]
    total: int
