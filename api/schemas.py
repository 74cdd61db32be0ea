"""Response bodies of the REST API, with the examples the OpenAPI document shows."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kg.sparql import DocRef, DocumentFacts, NamedQuery

_BASE = "https://w3id.org/cn-health-kg/id/document/"
_XIANG = _BASE + "%E6%B9%98%E6%94%BF%E5%8A%9E%E5%8F%91%E3%80%942021%E3%80%9579%E5%8F%B7"
_YUE = _BASE + "%E5%B2%B3%E5%8D%AB%E5%AD%97%E3%80%942023%E3%80%952%E5%8F%B7"


class DocumentItem(BaseModel):
    """A document in a list: number and title when the graph knows them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": "岳卫字〔2023〕2号",
                    "title": "对岳阳市政协九届二次会议第141号提案的答复",
                    "iri": _YUE,
                }
            ]
        }
    )

    number: str | None
    title: str | None
    iri: str

    @classmethod
    def of(cls, ref: DocRef) -> DocumentItem:
        return cls(number=ref.number, title=ref.title, iri=ref.iri)


class CitationList(BaseModel):
    """The documents on one side of a document's citations."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": "湘政办发〔2021〕79号",
                    "items": [
                        {
                            "number": "岳卫字〔2023〕2号",
                            "title": "对岳阳市政协九届二次会议第141号提案的答复",
                            "iri": _YUE,
                        }
                    ],
                    "total": 1,
                }
            ]
        }
    )

    number: str = Field(description="The canonical 文号 asked about")
    items: list[DocumentItem]
    total: int


class Document(BaseModel):
    """What the graph says about one document."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": "湘政办发〔2021〕79号",
                    "iri": _XIANG,
                    "title": "湖南省人民政府办公厅关于促进基层卫生健康事业高质量发展的意见",
                    "issuer": "湖南省人民政府办公厅",
                    "date": "2021-12-03",
                    "type": "意见",
                    "url": None,
                    "cited_by_count": 2,
                    "cites_count": 0,
                }
            ]
        }
    )

    number: str
    iri: str
    title: str | None
    issuer: str | None
    date: str | None = Field(description="成文日期, ISO 8601")
    type: str | None = Field(description="文种: 通知, 意见, 答复 …")
    url: str | None
    cited_by_count: int
    cites_count: int

    @classmethod
    def of(cls, facts: DocumentFacts) -> Document:
        return cls(
            number=facts.number,
            iri=facts.iri,
            title=facts.title,
            issuer=facts.issuer,
            date=facts.date,
            type=facts.type,
            url=facts.url,
            cited_by_count=facts.cited_by_count,
            cites_count=facts.cites_count,
        )


class DocumentList(BaseModel):
    items: list[dict[str, str | None]]
    total: int


class QueryParam(BaseModel):
    name: str
    kind: str = Field(description="literal, iri, or docno (a 文号 in any bracket form)")
    required: bool
    description: str


class QueryInfo(BaseModel):
    """A named query from queries/*.rq."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "cited_by",
                    "summary": "Documents that cite a given document",
                    "params": [
                        {
                            "name": "number",
                            "kind": "docno",
                            "required": True,
                            "description": "canonical 文号 of the cited document",
                        }
                    ],
                    "examples": [{"number": "湘政办发〔2021〕79号"}],
                    "sparql": "SELECT …",
                }
            ]
        }
    )

    name: str
    summary: str
    params: list[QueryParam]
    examples: list[dict[str, str]] = Field(
        description="Parameter values, one set per example, that give a non-empty answer "
        "on the seed corpus (the query file's `# example:` lines)"
    )
    sparql: str

    @classmethod
    def of(cls, query: NamedQuery) -> QueryInfo:
        return cls(
            name=query.name,
            summary=query.summary,
            params=[
                QueryParam(name=p.name, kind=p.kind, required=p.required, description=p.description)
                for p in query.params
            ],
            examples=query.example_values(),
            sparql=query.sparql,
        )


class QueryRows(BaseModel):
    """The rows of a named query: one object per solution, variable → value or null."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "cited_by",
                    "params": {"number": "湘政办发〔2021〕79号"},
                    "rows": [
                        {
                            "citing": _YUE,
                            "citingNumber": "岳卫字〔2023〕2号",
                            "citingTitle": "对岳阳市政协九届二次会议第141号提案的答复",
                            "number": "湘政办发〔2021〕79号",
                        }
                    ],
                    "total": 1,
                }
            ]
        }
    )

    name: str
    params: dict[str, str]
    rows: list[dict[str, str | None]]
    total: int


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    graphs: int = Field(description="Named graphs in the store", examples=[6])
