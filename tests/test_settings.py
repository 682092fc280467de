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
