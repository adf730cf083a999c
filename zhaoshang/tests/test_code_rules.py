"""Guards on the shape of the code: rules a reviewer would otherwise have to remember.

- Permission names are written once, as constants of ``org/roles.py``; everything else
  (views, services, the API, the navigation, home cards) imports them, so a renamed
  permission cannot leave a check behind that silently never passes.
- No app imports another app's views: what views share lives in ``common/views.py``.
"""

import ast
from pathlib import Path

from django.apps import apps

from zhaoshang.org import roles

ROOT = Path(__file__).resolve().parent.parent  # the zhaoshang package


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _permission_names():
    """Every permission our models declare, as "app_label.codename"."""
    names = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("zhaoshang."):
            continue
        for model in config.get_models():
            opts = model._meta
            codes = [code for code, _ in opts.permissions]
            codes += [f"{action}_{opts.model_name}" for action in opts.default_permissions]
            names |= {f"{opts.app_label}.{code}" for code in codes}
    return names


def test_every_permission_the_roles_name_exists():
    declared = _permission_names()
    named = {v for k, v in vars(roles).items() if k.isupper() and isinstance(v, str)}
    assert named <= declared, f"org/roles.py 中的权限不存在：{sorted(named - declared)}"


def test_permission_names_are_written_only_in_org_roles():
    names = _permission_names()
    found = []
    for rel, tree in _sources():
        if rel == Path("org/roles.py"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in names:
                found.append(f"{rel}:{node.lineno} {node.value}")
    assert not found, "权限名应引用 org/roles.py 中的常量：\n" + "\n".join(found)


def test_no_app_imports_another_apps_views():
    found = []
    for rel, tree in _sources():
        app = rel.parts[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:  # relative: inside the app (``..views`` of a sub-package too)
                    base = list(rel.parts[:-1])[: len(rel.parts) - node.level]
                    module = ".".join(["zhaoshang", *base, *(node.module or "").split(".")])
                else:
                    module = node.module or ""
                targets = [module] + [f"{module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                parts = target.split(".")
                if parts[0] != "zhaoshang" or len(parts) < 3:
                    continue
                other = parts[1]
                if other != app and other != "common" and parts[-1] in ("views", "imports_views"):
                    found.append(f"{rel}:{node.lineno} imports {target}")
    assert not found, "应用之间不得引用对方的 views（共用的放 common/views.py）：\n" + "\n".join(
        found
    )
