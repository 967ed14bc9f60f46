"""Finding plugins and collecting what they register.

Plugins come from the ``policytag`` entry-point group, the bundled ones included.
A plugin that fails to import, misspells a hook or raises while registering is
recorded in ``load_errors`` and left out; it never stops the others. "Raises" includes
``SystemExit``: a plugin's ``sys.exit()`` must not end its host. Only
``KeyboardInterrupt`` goes through.

``POLICYTAG_LOAD_PLUGINS=a,b`` loads only those entry points (empty: none) and
``POLICYTAG_DISABLE_PLUGINS=a,b`` blocks some; a name in either that no plugin has is
a load error too, since a misspelt switch would otherwise pass silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from . import hookspecs
from .classifier import Classifier, Featurizer
from .errors import one_line
from .schema import ErrorReport

ENTRY_POINT_GROUP = "policytag"


def _names_from_env(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


class PluginManager(pluggy.PluginManager):
    """pluggy's manager plus the load errors a user should see in ``policytag plugins``."""

    def __init__(self) -> None:
        super().__init__(ENTRY_POINT_GROUP)
        self.add_hookspecs(hookspecs)
        self.load_errors: list[ErrorReport] = []
        self.distributions: dict[str, str] = {}

    def register_checked(self, plugin: Any, name: str) -> bool:
        """Register ``plugin``; on a bad hook, unregister it and record why."""
        try:
            self.register(plugin, name=name)
            self.check_pending()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # pluggy raises PluginValidationError; a plugin's attributes anything
            if self.get_plugin(name) is not None:
                self.unregister(name=name)
            self.load_errors.append(ErrorReport(plugin=name, message=one_line(exc)))
            return False
        return True


def get_plugin_manager(*, entry_points: bool = True, extra: tuple = ()) -> PluginManager:
    """A fresh manager with the default, entry-point and ``extra`` plugins registered.

    ``extra`` holds ``(name, plugin)`` pairs: handy for tests and notebooks.
    """
    pm = PluginManager()
    load_only = _names_from_env("POLICYTAG_LOAD_PLUGINS")
    disabled = _names_from_env("POLICYTAG_DISABLE_PLUGINS") or set()
    for name in disabled:
        pm.set_blocked(name)
    installed = list(metadata.entry_points(group=ENTRY_POINT_GROUP)) if entry_points else []
    for ep in installed:
        if ep.name in disabled or (load_only is not None and ep.name not in load_only):
            continue
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        try:
            plugin = ep.load()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # sys.exit() at import included
            pm.load_errors.append(ErrorReport(plugin=ep.name, message=f"failed to import: {one_line(exc)}"))
            continue
        if pm.register_checked(plugin, ep.name) and ep.dist is not None:
            pm.distributions[ep.name] = f"{ep.dist.name} {ep.dist.version}"
    for name, plugin in extra:
        if name not in disabled:
            pm.register_checked(plugin, name)
    if entry_points:
        _unknown_names(pm, installed, extra, load_only, disabled)
    return pm


def _unknown_names(pm: PluginManager, installed: list, extra: tuple, load_only: set[str] | None, disabled: set[str]) -> None:
    """Record a load error for each name in the plugin switches that no plugin has."""
    known = sorted({ep.name for ep in installed})
    listing = f"installed: {', '.join(known)}" if known else "no plugins are installed"
    blockable = {name for name, _ in extra}  # the disable list also covers these
    for variable, names, also in (("POLICYTAG_LOAD_PLUGINS", load_only or set(), set()),
                                  ("POLICYTAG_DISABLE_PLUGINS", disabled, blockable)):
        for name in sorted(names - set(known) - also):
            message = f"{variable} names {name!r}, but no plugin has that name ({listing})"
            pm.load_errors.append(ErrorReport(plugin=name, message=message))


@dataclass
class Registry:
    """What the loaded plugins registered, with the plugin that registered each object."""

    classifiers: dict[str, Classifier] = field(default_factory=dict)
    featurizers: dict[str, Featurizer] = field(default_factory=dict)
    owners: dict[int, str] = field(default_factory=dict)
    errors: list[ErrorReport] = field(default_factory=list)

    def owner(self, obj: object) -> str:
        return self.owners.get(id(obj), "unknown")


def _collect(pm: PluginManager, hook_name: str, kind: type, registry: Registry, into: dict) -> None:
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        plugin_name = impl.plugin_name

        def register(obj, _plugin=plugin_name):
            if not isinstance(obj, kind):
                raise TypeError(f"{obj!r} is not a policytag.{kind.__name__}")
            if obj.name in into:
                raise ValueError(
                    f"{kind.__name__.lower()} {obj.name!r} is already registered by {registry.owner(into[obj.name])}"
                )
            into[obj.name] = obj
            registry.owners[id(obj)] = _plugin

        try:
            impl.function(**{arg: register for arg in impl.argnames})
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # sys.exit() while registering included
            registry.errors.append(ErrorReport(plugin=plugin_name, message=one_line(exc)))


def collect(pm: PluginManager) -> Registry:
    """Ask every plugin for its featurizers and classifiers, one plugin at a time for blame."""
    registry = Registry(errors=list(pm.load_errors))
    _collect(pm, "register_featurizers", Featurizer, registry, registry.featurizers)
    _collect(pm, "register_classifiers", Classifier, registry, registry.classifiers)
    return registry
