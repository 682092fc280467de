import pytest

from kosovo_kg.settings import SETTINGS, load_settings


def test_env_overrides_default_and_flag_overrides_env():
    env = {"KOSOVO_KG_BASE_IRI": "http://example.org/kg/"}
    assert load_settings(environ=env).base_iri == "http://example.org/kg/"
    assert load_settings({"base_iri": "http://x.test/"}, environ=env).base_iri == "http://x.test/"
    assert load_settings(environ={}).base_iri == SETTINGS[0].default


def test_bad_base_iri_is_refused():
    with pytest.raises(ValueError, match="base_iri"):
        load_settings({"base_iri": "http://example.org/no-slash"}, environ={})


def test_trusted_proxies_is_a_list_of_addresses():
    env = {"KOSOVO_KG_TRUSTED_PROXIES": "10.0.0.1, ::1"}
    assert load_settings(environ=env).trusted_proxies == ("10.0.0.1", "::1")
    assert load_settings(environ={}).trusted_proxies == ()


def test_removed_server_settings_are_unknown():
    for name in ("http_server", "inline_ms", "cpu_affinity"):
        with pytest.raises(KeyError, match=name):
            load_settings({name: "x"}, environ={})
