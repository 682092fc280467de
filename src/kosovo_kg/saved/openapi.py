"""The OpenAPI 3.1 document of the saved queries, generated from their headers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kosovo_kg import __version__
from kosovo_kg.saved.header import Param, SavedQuery
from kosovo_kg.saved.params import MAX_STRING

SELECT_MEDIA = {
    "application/sparql-results+json": {"$ref": "#/components/schemas/SparqlResultsJson"},
    "application/sparql-results+xml": {"type": "string"},
    "text/csv": {"type": "string"},
    "text/tab-separated-values": {"type": "string"},
    "text/html": {"type": "string"},
}
GRAPH_MEDIA = {
    "text/turtle": {"type": "string"},
    "application/n-triples": {"type": "string"},
    "application/n-quads": {"type": "string"},
    "application/trig": {"type": "string"},
    "application/rdf+xml": {"type": "string"},
    "application/ld+json": {"type": "object"},
    "text/html": {"type": "string"},
}
TEXT = {"text/plain": {"schema": {"type": "string"}}}
CACHE_HEADERS = {
    "ETag": {
        "description": "Validator of this answer: data version, query, parameters, format.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"schema": {"type": "string"}},
}

PATTERNS = {
    "iri": r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`\x7f]*$",
    "state": r"^([A-Za-z]{3}|[Qq][1-9][0-9]{0,11})$",
    "qid": r"^[Qq][1-9][0-9]{0,11}$",
    "date": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
    "integer": r"^[+-]?[0-9]{1,18}$",
}


def param_schema(param: Param) -> dict[str, Any]:
    kind = param.type.name
    schema: dict[str, Any] = {"type": "string"}
    if kind == "enum":
        schema["enum"] = list(param.type.values)
    elif kind == "string":
        schema["maxLength"] = MAX_STRING
    else:
        schema["pattern"] = PATTERNS[kind]
    if kind == "iri":
        schema["format"] = "iri"
    if param.default is not None:
        schema["default"] = param.default
    return schema


def _parameter(param: Param) -> dict[str, Any]:
    need = (
        "required"
        if param.required
        else f"default {param.default}"
        if param.default
        else "optional"
    )
    return {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": f"{param.description} Type `{param.type}`: {param.type.help} ({need}).",
        "schema": param_schema(param),
        "example": param.example,
    }


def _errors() -> dict[str, Any]:
    reasons = {
        "400": "A parameter is missing, unknown, repeated or not of its type (the message names"
        " the parameter, its type and an example), or the format is unknown.",
        "404": "No saved query of this name.",
        "406": "No acceptable media type.",
        "413": "Request body too large.",
        "503": "All query workers are busy; retry after the Retry-After delay.",
        "504": "The query ran past the deadline.",
    }
    return {code: {"description": text, "content": TEXT} for code, text in reasons.items()}


def _operation(query: SavedQuery, form: str, formats: Sequence[str], post: bool) -> dict[str, Any]:
    media = GRAPH_MEDIA if form in ("CONSTRUCT", "DESCRIBE") else SELECT_MEDIA
    fmt = {
        "name": "format",
        "in": "query",
        "required": False,
        "description": "Result format (overrides the Accept header).",
        "schema": {"type": "string", "enum": list(formats)},
    }
    operation: dict[str, Any] = {
        "operationId": ("post_" if post else "get_") + query.name.replace("-", "_"),
        "summary": query.title,
        "description": query.description,
        "tags": list(query.tags) or ["queries"],
        "responses": {
            "200": {
                "description": "The query's results.",
                "headers": CACHE_HEADERS,
                "content": {m: {"schema": s} for m, s in media.items()},
            },
            "304": {
                "description": "Not modified (If-None-Match matched the ETag).",
                "headers": CACHE_HEADERS,
            },
            **_errors(),
        },
    }
    if post:
        properties = {p.name: param_schema(p) for p in query.params}
        properties["format"] = fmt["schema"]
        operation["parameters"] = [fmt]
        operation["requestBody"] = {
            "required": False,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": properties,
                        "required": [p.name for p in query.params if p.required],
                        "additionalProperties": False,
                    }
                }
            },
        }
    else:
        operation["parameters"] = [_parameter(p) for p in query.params] + [fmt]
    return operation


def openapi_document(
    library: Mapping[str, SavedQuery], forms: Mapping[str, str], formats: Sequence[str]
) -> dict[str, Any]:
    """The OpenAPI 3.1 document. `forms`: query name -> SELECT/ASK/CONSTRUCT/DESCRIBE."""
    paths: dict[str, Any] = {
        "/queries": {
            "get": {
                "operationId": "list_queries",
                "summary": "The saved queries (JSON or HTML)",
                "parameters": [
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["json", "html"]},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The library.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/QueryList"}
                            },
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    "400": {"description": "Unknown format.", "content": TEXT},
                    "406": {"description": "No acceptable media type.", "content": TEXT},
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }
    for name, query in library.items():
        form = forms.get(name, "SELECT")
        paths[f"/queries/{name}"] = {
            "get": _operation(query, form, formats, post=False),
            "post": _operation(query, form, formats, post=True),
        }
        paths[f"/queries/{name}.rq"] = {
            "get": {
                "operationId": "text_" + name.replace("-", "_"),
                "summary": f"SPARQL text of {name}",
                "responses": {
                    "200": {
                        "description": "The query file, header included.",
                        "content": {"application/sparql-query": {"schema": {"type": "string"}}},
                    }
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kosovo-kg saved queries",
            "version": __version__,
            "description": "Saved SPARQL queries over the kosovo-kg graph of the international"
            " recognition of Kosovo. Parameters are typed and bound as RDF terms (never pasted"
            " into the query text). Answers carry an ETag keyed by the data version, the query,"
            " the parameters and the format; a conditional request gets 304.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {
                "SparqlResultsJson": {
                    "type": "object",
                    "required": ["head"],
                    "properties": {
                        "head": {
                            "type": "object",
                            "properties": {"vars": {"type": "array", "items": {"type": "string"}}},
                        },
                        "results": {
                            "type": "object",
                            "properties": {
                                "bindings": {"type": "array", "items": {"type": "object"}}
                            },
                        },
                        "boolean": {"type": "boolean"},
                        "truncated": {"type": "boolean"},
                    },
                },
                "QueryList": {
                    "type": "object",
                    "required": ["queries"],
                    "properties": {
                        "queries": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "title", "description", "params", "url"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "title": {"type": "string"},
                                    "description": {"type": "string"},
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                    "url": {"type": "string"},
                                    "text_url": {"type": "string"},
                                    "example_url": {"type": "string"},
                                    "params": {"type": "array", "items": {"type": "object"}},
                                },
                            },
                        }
                    },
                },
            }
        },
    }
