"""Modules that used to import each other now import one way only.

- ``org``: ``scoping`` (the scope constants and the one scoping function) ← ``models`` ←
  ``policy`` (reads the SecurityPolicy row; the password's maximum age lives here);
- ``notifications``: ``sending`` (e-mail and robots) ← ``tasks`` (the worker) ←
  ``services`` (``notify`` queues the tasks); ``common.queue`` knows no app;
- ``pipeline`` ↔ ``reports``: the funds sums are kept by the one hook reports registers
  (``pipeline/projects/funds.py``); pipeline never imports reports.

Every import counts, the ones inside functions too: a lazy import hides a circle from
the interpreter, not from the reader."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    ["zhaoshang.org.scoping", "zhaoshang.org.models", "zhaoshang.org.policy"],
    [
        "zhaoshang.notifications.sending",
        "zhaoshang.notifications.tasks",
        "zhaoshang.notifications.services",
    ],
]


def _module_name(path):
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(module):
    """Every zhaoshang module ``module`` imports, anywhere in its body."""
    path = ROOT.parent / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT.parent / module.replace(".", "/") / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m.startswith("zhaoshang.")}


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: layer[0].split(".")[1])
def test_each_module_imports_only_the_ones_below_it(layer):
    for i, module in enumerate(layer):
        above = set(layer[i + 1 :])
        assert not _imports(module) & above, f"{module} 引用了上层模块 {_imports(module) & above}"


def test_pipeline_does_not_import_reports_nor_common_queue_an_app():
    for path in (ROOT / "pipeline").rglob("*.py"):
        if "tests" in path.parts:
            continue
        bad = {m for m in _imports(_module_name(path)) if m.startswith("zhaoshang.reports")}
        assert not bad, f"{path.relative_to(ROOT)} 引用了 {bad}"
    queue = _imports("zhaoshang.common.queue")
    assert not {m for m in queue if not m.startswith("zhaoshang.common")}


ORDERS = [
    ["zhaoshang.org.policy", "zhaoshang.org.models", "zhaoshang.org.scoping"],
    ["zhaoshang.org.scoping", "zhaoshang.org.policy"],
    ["zhaoshang.notifications.tasks", "zhaoshang.notifications.services"],
    ["zhaoshang.notifications.services", "zhaoshang.notifications.sending"],
    ["zhaoshang.notifications.sending", "zhaoshang.notifications.tasks"],
    ["zhaoshang.pipeline.projects.funds", "zhaoshang.reports.services"],
]


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: "→".join(m.split(".")[-1] for m in o))
def test_modules_import_in_any_order_in_a_fresh_interpreter(order):
    # A fresh interpreter: nothing imported but what setting up Django imports.
    code = "import django; django.setup(set_prefix=False)\n" + "".join(
        f"import importlib; importlib.import_module({m!r})\n" for m in order
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "zhaoshang.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
