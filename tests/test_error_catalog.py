"""No error message exists in one language only: the catalog holds every `detail`."""

import string

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from litestar import Litestar

from app.i18n import LOCALES_DIR
from app.validation_messages import _TEMPLATES, TypeName
from tests.tools.error_messages import collect

# The JSON type names msgspec writes in its validation texts.
TYPE_NAMES = ["str", "int", "float", "bool", "array", "object", "null", "datetime", "date"]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with (LOCALES_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale="zh_CN")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _missing(catalog: Catalog, ids: set[str], context: str | None = None) -> list[str]:
    missing = []
    for msgid in sorted(ids):
        entry = catalog.get(msgid, context=context)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(msgid)
        elif context is None and _placeholders(str(entry.string)) != _placeholders(msgid):
            missing.append(f"{msgid} (the translation's placeholders differ)")
    return missing


def test_every_detail_the_code_raises_is_a_template_the_catalog_translates(catalog):
    found = collect()
    assert found.problems == []
    assert len(found.templates) > 150  # the scan sees the raise sites
    assert _missing(catalog, found.templates | set(_TEMPLATES)) == []
    assert _missing(catalog, found.nouns) == []


def test_every_field_a_message_names_has_a_label(catalog, app: Litestar):
    fields = collect().fields | _request_fields(app)
    assert "title" in fields
    assert "from" in fields
    assert _missing(catalog, fields, context="field") == []
    assert _missing(catalog, set(TYPE_NAMES), context=TypeName.context) == []


def _request_fields(app: Litestar) -> set[str]:
    """Query, path and body field names of every API operation."""
    import msgspec

    names: set[str] = set()

    def struct_fields(kind: object) -> None:
        if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
            for info in msgspec.structs.fields(kind):
                names.add(info.encode_name)
                for inner in _types_in(info.type):
                    struct_fields(inner)

    def parameters(handler: object, signature: object) -> None:
        dependencies = handler.resolve_dependencies()  # type: ignore[attr-defined]
        for name, definition in signature.parameters.items():  # type: ignore[attr-defined]
            if name in {"request", "self", "state", "scope", "socket", "headers", "cookies"}:
                continue
            if name == "data":
                for inner in _types_in(definition.annotation):
                    struct_fields(inner)
                continue
            kwarg = definition.kwarg_definition
            if kwarg is not None and getattr(kwarg, "header", None):
                continue
            if name in dependencies:
                # A filter set shared as a dependency: its own parameters.
                parameters(handler, dependencies[name].parsed_fn_signature)
                continue
            names.add(getattr(kwarg, "name", None) or name)

    for route in app.routes:
        if not route.path.startswith("/api"):
            continue
        for handler in getattr(route, "route_handlers", []):
            parameters(handler, handler.parsed_fn_signature)
    return names


def _types_in(annotation: object) -> list[object]:
    from typing import get_args

    found = [annotation]
    for inner in get_args(annotation):
        found += _types_in(inner)
    return found
