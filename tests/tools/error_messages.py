"""Every error message the code can answer with, read from the source (an AST scan).

A `detail` is a catalog template written as a string literal where the error is
raised (core/errors.py), so the scan finds: the texts raised with the error
classes, every `Message("…")`, the nouns passed to `NotFound`, and the field
codes of `RuleError`/`Field`. An f-string or `str(exc)` in their place could
not be translated, so the scan reports it as a problem.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = ("accounts", "app", "core", "events", "exports", "interceptions")

# Errors whose first argument (RuleError: second) is a `detail` template.
DETAIL_ERRORS = {
    "Unprocessable",
    "Conflict",
    "Forbidden",
    "Missing",
    "ClientException",
    "NotAuthorizedException",
    "PermissionDeniedException",
    "NotFoundException",
    "TooManyRequestsException",
    "TooManyRequests",
    "HTTPException",
    "DomainError",
    "RecurrenceError",
    "TooManyOccurrencesError",
    "AmountError",
    "DistanceError",
    "_UnreadableError",
    "RuleError",
    "Message",
}


@dataclass
class Found:
    templates: set[str] = field(default_factory=set)
    nouns: set[str] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _constants(tree: ast.Module) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            found[node.target.id] = node.value
    return found


def _text(node: ast.expr, names: dict[str, ast.expr]) -> str | None:
    """The string a literal, a module constant or a sum of them spells; None if not one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id in names:
        return _text(names[node.id], names)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left, names), _text(node.right, names)
        return None if left is None or right is None else left + right
    return None


def _untranslatable(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call) and _name(node) in {"str", "format", "repr"}:
        return True
    if isinstance(node, ast.BinOp):
        return _untranslatable(node.left) or _untranslatable(node.right)
    return False


def collect() -> Found:
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for folder in SOURCE_FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "piccolo_migrations" not in path.parts
    }
    names: dict[str, ast.expr] = {}
    for tree in trees.values():
        names.update(_constants(tree))
    found = Found()
    for path, tree in trees.items():
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = _name(node)
            if called == "NotFound" and node.args:
                noun = _text(node.args[0], names)
                if noun is None:
                    found.problems.append(f"{where}:{node.lineno}: NotFound needs a literal noun")
                else:
                    found.nouns.add(noun)
                continue
            if called in {"Noun", "Field"} and node.args:
                word = _text(node.args[0], names)
                if word is not None:
                    (found.nouns if called == "Noun" else found.fields).add(word)
                continue
            if called not in DETAIL_ERRORS:
                continue
            args = list(node.args)
            if called == "RuleError":
                if args and (code := _text(args[0], names)) is not None:
                    found.fields.add(code)
                args = args[1:]
            detail = (
                args[0]
                if args
                else next((k.value for k in node.keywords if k.arg == "detail"), None)
            )
            if detail is None:
                continue
            choices = [detail.body, detail.orelse] if isinstance(detail, ast.IfExp) else [detail]
            for choice in choices:
                _take(found, choice, names, f"{where}:{node.lineno}: {called}")
    return found


def _take(found: Found, detail: ast.expr, names: dict[str, ast.expr], where: str) -> None:
    if _untranslatable(detail):
        found.problems.append(
            f"{where}({ast.unparse(detail)[:60]}…) is not a template with named placeholders"
        )
        return
    text = _text(detail, names)
    if text is not None:
        found.templates.add(text)
