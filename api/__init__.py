"""FastAPI service over the kg library: SPARQL 1.1 endpoint and REST API."""
