"""Plugin discovery, switching plugins off, and blame for plugins that misbehave."""

from __future__ import annotations

from importlib import metadata
from types import SimpleNamespace

import pytest

from policytag import Classifier, Tag, hookimpl
from policytag.plugin_manager import collect, get_plugin_manager

BUNDLED = {"features", "topic", "stance", "region"}


def entry_point_names(pm):
    return {name for name, plugin in pm.list_name_plugin() if plugin is not None}


def test_bundled_plugins_come_through_entry_points():
    pm = get_plugin_manager()
    assert BUNDLED <= entry_point_names(pm)
    assert pm.distributions["topic"].startswith("policytag ")
    registry = collect(pm)
    assert {"topic", "stance", "region"} <= set(registry.classifiers)
    assert registry.owner(registry.classifiers["region"]) == "region"
    assert {"words", "places"} <= set(registry.featurizers)


def test_disable_and_load_lists(monkeypatch):
    monkeypatch.setenv("POLICYTAG_DISABLE_PLUGINS", "stance")
    assert "stance" not in entry_point_names(get_plugin_manager())
    monkeypatch.delenv("POLICYTAG_DISABLE_PLUGINS")
    monkeypatch.setenv("POLICYTAG_LOAD_PLUGINS", "features,topic")
    assert entry_point_names(get_plugin_manager()) == {"features", "topic"}
    monkeypatch.setenv("POLICYTAG_LOAD_PLUGINS", "")
    assert entry_point_names(get_plugin_manager()) == set()


class Misspelled:
    @hookimpl
    def register_clasifiers(self, register):  # the typo check_pending exists for
        pass


def test_misspelled_hook_is_reported_and_left_out():
    pm = get_plugin_manager(entry_points=False, extra=(("typo", Misspelled()),))
    assert pm.get_plugin("typo") is None
    [error] = pm.load_errors
    assert error.plugin == "typo" and "register_clasifiers" in error.message


def test_plugin_that_fails_to_import_is_reported(monkeypatch):
    real = metadata.entry_points

    def with_broken(group=None, **kw):
        found = list(real(group=group, **kw))
        if group == "policytag":
            found.append(metadata.EntryPoint("broken", "policytag_no_such_module", "policytag"))
        return found

    monkeypatch.setattr(metadata, "entry_points", with_broken)
    pm = get_plugin_manager()
    assert BUNDLED <= entry_point_names(pm)
    [error] = [e for e in pm.load_errors if e.plugin == "broken"]
    assert "failed to import" in error.message and "policytag_no_such_module" in error.message


class Dummy(Classifier):
    name = "topic"
    labels = ("x",)
    multi_label = False
    version = "1"

    def predict_many(self, features, documents):
        return [[Tag(label="x", score=1.0)] for _ in documents]


def test_registration_errors_are_blamed_on_their_plugin():
    clash = SimpleNamespace(register_classifiers=hookimpl(lambda register: register(Dummy())))
    raiser = SimpleNamespace(register_classifiers=hookimpl(lambda register: 1 / 0))
    wrong = SimpleNamespace(register_classifiers=hookimpl(lambda register: register("not a classifier")))
    pm = get_plugin_manager(extra=(("clash", clash), ("raiser", raiser), ("wrong", wrong)))
    registry = collect(pm)
    blamed = {e.plugin: e.message for e in registry.errors}
    assert "already registered by topic" in blamed["clash"]
    assert "ZeroDivisionError" in blamed["raiser"]
    assert "not a policytag.Classifier" in blamed["wrong"]
    assert registry.owner(registry.classifiers["topic"]) == "topic"


@pytest.mark.parametrize("variable", ["POLICYTAG_DISABLE_PLUGINS", "POLICYTAG_LOAD_PLUGINS"])
def test_disable_list_covers_extra_plugins_load_list_only_entry_points(monkeypatch, variable):
    monkeypatch.setenv(variable, "dummy" if variable == "POLICYTAG_DISABLE_PLUGINS" else "features")
    plugin = SimpleNamespace(register_classifiers=hookimpl(lambda register: None))
    pm = get_plugin_manager(extra=(("dummy", plugin),))
    present = pm.get_plugin("dummy") is not None
    assert present is (variable == "POLICYTAG_LOAD_PLUGINS")


def test_a_switch_naming_no_plugin_is_a_load_error(monkeypatch):
    monkeypatch.setenv("POLICYTAG_LOAD_PLUGINS", "features,regoin")
    monkeypatch.setenv("POLICYTAG_DISABLE_PLUGINS", "topik")
    pm = get_plugin_manager()
    assert entry_point_names(pm) == {"features"}
    blamed = {e.plugin: e.message for e in pm.load_errors}
    assert set(blamed) == {"regoin", "topik"}
    assert blamed["regoin"].startswith("POLICYTAG_LOAD_PLUGINS names 'regoin', but no plugin has that name (installed: ")
    assert "region" in blamed["regoin"] and blamed["topik"].startswith("POLICYTAG_DISABLE_PLUGINS names 'topik'")
