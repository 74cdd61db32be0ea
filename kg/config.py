"""All settings in one pydantic-settings class.

Values come, highest priority first, from keyword arguments, ``KG_*`` environment
variables, a TOML file named by ``KG_CONFIG`` (or ``kg.toml`` in the working
directory), and the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_IRI_BASE = "https://w3id.org/cn-health-kg/"


class Settings(BaseSettings):
    """Store, service, limits and identifiers."""

    model_config = SettingsConfigDict(env_prefix="KG_", extra="ignore")

    store_path: Path = Field(Path("var/store"), description="On-disk pyoxigraph store")
    remote_endpoint: str | None = Field(
        None,
        description="SPARQL endpoint of a remote store, instead of store_path: the base URL "
        "of `oxigraph serve` (http://127.0.0.1:7878, whose /query and /update are used) or "
        "any SPARQL 1.1 endpoint URL",
    )
    remote_update_endpoint: str | None = Field(
        None,
        description="SPARQL Update URL of the remote store, when it is not derived from "
        "remote_endpoint (…/query → …/update; any other URL takes updates itself)",
    )
    search_index_path: Path | None = Field(
        None,
        description="Full-text search index (SQLite); default: beside store_path "
        "(var/store.search.sqlite), which is also where it goes with a remote store",
    )
    iri_base: str = Field(DEFAULT_IRI_BASE, description="Base of every data IRI; ends in /")
    host: str = Field("127.0.0.1", description="Bind address of `kg serve`")
    port: int = Field(8000, description="Port of `kg serve`")
    query_timeout_s: float = Field(10.0, gt=0, description="Per-query time limit, seconds")
    result_limit: int = Field(10_000, gt=0, description="Most rows a SPARQL SELECT returns")
    triple_limit: int = Field(
        100_000, gt=0, description="Most triples a SPARQL CONSTRUCT or DESCRIBE returns"
    )
    query_workers: int = Field(
        2,
        ge=0,
        description="Worker processes that run SPARQL queries and are killed at the time "
        "limit; 0 runs queries in server threads, which a timeout cannot stop",
    )
    fast_path_ms: float = Field(
        25.0,
        ge=0,
        description="Time a simple look-up query may take in the server process before it "
        "is handed to a worker (kg.sparql.fastpath); 0 sends every query to the workers",
    )
    max_body_bytes: int = Field(1_000_000, gt=0, description="Largest accepted request body")
    cors_origins: list[str] = Field(default_factory=lambda: ["*"], description="CORS origins")
    service_allowlist: list[str] = Field(
        default_factory=list, description="Endpoints SERVICE clauses may call; empty = none"
    )
    allow_updates: bool = Field(False, description="Accept SPARQL Update on /sparql")
    document_timeout_s: float = Field(
        60.0,
        ge=0,
        description="Most seconds `kg build` spends reading and extracting one file; a file "
        "past it is reported as failed and the build goes on; 0 = no limit",
    )
    build_batch_size: int = Field(
        200,
        gt=0,
        description="Documents `kg build` writes in one transaction: a crash loses at most "
        "one batch's work, and holds it in memory until then",
    )
    bulk_load_min_documents: int = Field(
        1000,
        ge=0,
        description="A first build of at least this many documents, into an empty store, "
        "goes through the bulk loader (fast, but no transaction: a build killed during it "
        "leaves graphs the next build rebuilds whole); 0 = every first build",
    )
    max_document_mb: float = Field(
        32.0,
        gt=0,
        description="Largest corpus file `kg build` reads, in MB (10^6 bytes); a larger file "
        "is reported as failed without being read",
    )

    def search_index_file(self, store_path: Path | None = None) -> Path:
        """Where the full-text index lives: ``search_index_path``, else beside the store
        (``store_path`` when the caller opened another one than ``self.store_path``).

        The one place of this rule: the build, the API and the SPARQL workers ask here.
        """
        if self.search_index_path is not None:
            return self.search_index_path
        from kg.search import index_path  # the naming rule lives with the index

        return index_path(store_path or self.store_path)

    @field_validator("iri_base")
    @classmethod
    def _ends_with_slash(cls, value: str) -> str:
        return value if value.endswith(("/", "#")) else value + "/"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("KG_CONFIG", "kg.toml"))
        sources: list[Any] = [init_settings, env_settings]
        if toml_path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)


def get_settings(**overrides: Any) -> Settings:
    """Settings from the environment and config file, with explicit overrides on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
