"""Liveness and readiness: the store opens and answers."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.problems import problem_responses
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    operation_id="health",
    summary="The service is up and its store answers",
    response_model=Health,
    responses=problem_responses(503),
)
def health(store: StoreDep) -> Health:
    store.query("ASK { ?s ?p ?o }")
    return Health(status="ok", graphs=len(store.named_graphs()))
