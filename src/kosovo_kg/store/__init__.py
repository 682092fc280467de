"""The Oxigraph store: the only package that imports pyoxigraph.

The package: `disk` (dumps, versions, on-disk stores), `query` (running queries in-process),
`results` (writing answers under the caps). Everything public is re-exported here.
"""

from kosovo_kg.store.disk import (
    DUMP_NAME,
    StoreError,
    build_store,
    bytes_version,
    current_store,
    data_version,
    dump_path,
    memory_store_from_nquads,
    open_for_serving,
    open_read_only,
    pin_serving_data,
    store_version,
    stores_dir,
)
from kosovo_kg.store.query import (
    QueryError,
    check_query,
    count_quads,
    iter_nquads_lines,
    named_graphs,
    query,
    run_cli_query,
    select_rows,
    turtle_to,
)
from kosovo_kg.store.results import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    QueryFailed,
    parse_term,
    reserialize_remote,
    run_serialized,
    sparql_term,
)

__all__ = [
    "DUMP_NAME",
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "QueryError",
    "QueryFailed",
    "StoreError",
    "build_store",
    "bytes_version",
    "check_query",
    "count_quads",
    "current_store",
    "data_version",
    "dump_path",
    "iter_nquads_lines",
    "memory_store_from_nquads",
    "named_graphs",
    "open_for_serving",
    "open_read_only",
    "parse_term",
    "pin_serving_data",
    "query",
    "reserialize_remote",
    "run_cli_query",
    "run_serialized",
    "select_rows",
    "sparql_term",
    "store_version",
    "stores_dir",
    "turtle_to",
]
