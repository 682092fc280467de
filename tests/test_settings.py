import pytest

from kosovo_kg.settings import SETTINGS, load_settings, settings_environ


def test_env_overrides_default_and_flag_overrides_env():
    env = {"KOSOVO_KG_BASE_IRI": "http://example.org/kg/"}
    assert load_settings(environ=env).base_iri == "http://example.org/kg/"
    assert load_settings({"base_iri": "http://x.test/"}, environ=env).base_iri == "http://x.test/"
    assert load_settings(environ={}).base_iri == SETTINGS[0].default


def test_bad_base_iri_is_refused():
    with pytest.raises(ValueError, match="base_iri"):
        load_settings({"base_iri": "http://example.org/no-slash"}, environ={})


def test_settings_survive_the_trip_through_the_environment(tmp_path):
    """`kosovo-kg serve` hands its resolved settings to granian's worker process as
    environment variables: every value must come back unchanged."""
    overrides = {
        "port": 8123,
        "query_timeout": 2.5,
        "service_allowlist": ("https://query.wikidata.org/sparql", "https://example.org/g"),
        "sparql_backend_union_default": True,
        "data_dir": tmp_path / "data",
        "http_server": "gunicorn",
    }
    settings = load_settings(overrides, environ={})
    back = load_settings(environ=settings_environ(settings))
    assert back.values == settings.values
    assert set(settings_environ(settings)) == {s.env for s in SETTINGS}


def test_unknown_http_server_is_refused():
    with pytest.raises(ValueError, match="http_server"):
        load_settings({"http_server": "apache"}, environ={})


def test_cpu_affinity_lists_cpu_numbers():
    assert load_settings(environ={"KOSOVO_KG_CPU_AFFINITY": "0, 1"}).cpu_affinity == ("0", "1")
    assert load_settings(environ={}).cpu_affinity == ()
    with pytest.raises(ValueError, match="cpu_affinity"):
        load_settings({"cpu_affinity": ("zero",)}, environ={})
