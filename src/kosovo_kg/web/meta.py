"""Everything around /sparql: VoID/DCAT, /healthz, the dump download, the stylesheet."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
)

from kosovo_kg.citation import file_date, source_records
from kosovo_kg.store import DUMP_NAME
from kosovo_kg.web import negotiate
from kosovo_kg.web.describe import void_description
from kosovo_kg.web.protocol import ProtocolError
from kosovo_kg.web.sparql import _RDF_MEDIA, engine, error_response

bp = Blueprint("meta", __name__)


@bp.route("/.well-known/void")
def void() -> Response:
    settings = current_app.config["KOSOVO_KG_SETTINGS"]
    try:
        fmt = request.args.get("format")
        key = negotiate.choose_graph_format(
            fmt, request.accept_mimetypes, "Accept" in request.headers
        )
    except ProtocolError as exc:
        return error_response(exc.status, exc.message)
    dump = engine().dump
    size = dump.stat().st_size if dump.exists() else None
    text = void_description(
        request.url_root,
        settings.base_iri,
        engine().graph_sizes,
        engine().data_version,
        size,
        modified=file_date(dump) if dump.exists() else None,
        sources=source_records(settings.data_dir),
    )
    if key == "html":  # a browser: the same description as a page (kosovo_kg.web.pages)
        from kosovo_kg.web.pages import rdfdoc

        subjects = rdfdoc.subjects(text, settings.base_iri)
        page = render_template("void.html", title="Dataset description", subjects=subjects)
        response = Response(page, 200, content_type="text/html; charset=utf-8")
    else:
        body = negotiate.rdf_body(text, key, settings.base_iri)
        response = Response(body, 200, content_type=_RDF_MEDIA[key])
    response.vary.add("Accept")
    return response


@bp.route("/context.jsonld")
def context() -> Response:
    """The JSON-LD @context of the vocabulary, at the stable IRI `<base>context.jsonld`."""
    from kosovo_kg.jsonld_context import context_json

    text = context_json(current_app.config["KOSOVO_KG_SETTINGS"].base_iri)
    return Response(text, 200, content_type="application/ld+json")


@bp.route("/healthz")
def healthz() -> Response:
    health = engine().health()
    response = jsonify(health)
    response.status_code = 200 if health["ok"] else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    if name != DUMP_NAME:
        abort(404)
    path = engine().dump
    if not path.exists():
        abort(404)
    response = send_file(
        path, mimetype="application/n-quads", conditional=True, download_name=DUMP_NAME
    )
    response.headers["X-Kosovo-KG-Data-Version"] = engine().data_version
    return response


@bp.route("/kosovo-kg.css")
def stylesheet() -> Response:
    return current_app.send_static_file("kosovo-kg.css")
