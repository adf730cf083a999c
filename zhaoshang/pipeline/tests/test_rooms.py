"""The pipeline's three parts keep their shape: projects stand alone, the others plug in."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PIPELINE = Path(__file__).resolve().parent.parent


def _imported_modules(path):
    """Every module a file imports, relative imports resolved to absolute names."""
    package = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            yield module
            # ``from .. import leads`` names the part in the imported names.
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_projects_import_neither_leads_nor_approvals():
    # Projects are what the later modules (agreements, aftercare …) build on; leads and
    # approvals add to them through register_section / register_check, never the reverse.
    forbidden = ("zhaoshang.pipeline.leads", "zhaoshang.pipeline.approvals")
    found = [
        f"{path.relative_to(PIPELINE)}: {module}"
        for path in sorted((PIPELINE / "projects").rglob("*.py"))
        for module in _imported_modules(path)
        if any(module == part or module.startswith(part + ".") for part in forbidden)
    ]
    assert not found, "projects imports another part:\n" + "\n".join(found)


REGISTRARS = {"register_section", "register_timeline", "register_check", "section", "timeline"}


def _registers_at_import(path):
    """Module-level registrations: a decorator or a top-level call of a registrar."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def registrar(node):
        target = node.func if isinstance(node, ast.Call) else node
        return (
            isinstance(target, ast.Attribute | ast.Name)
            and (getattr(target, "attr", None) or getattr(target, "id", None)) in REGISTRARS
        )

    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            for decorator in node.decorator_list:
                if registrar(decorator):
                    yield f"{path.name}:{node.lineno} @{ast.unparse(decorator)}"
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and registrar(node.value)
        ):
            yield f"{path.name}:{node.lineno} {ast.unparse(node.value)}"


def test_leads_and_approvals_plug_into_projects_only_in_ready():
    # Importing a module must not change what the project page shows or which signings
    # are refused: every hook is wired in PipelineConfig.ready, in one place.
    found = [
        hit
        for part in ("leads", "approvals")
        for path in sorted((PIPELINE / part).rglob("*.py"))
        for hit in _registers_at_import(path)
    ]
    assert not found, "registered as a side effect of import:\n" + "\n".join(found)

    # A fresh process that imports no view (a worker, a management command) has every
    # section and signing guard, each once, in order.
    from zhaoshang.events import sections as event_sections
    from zhaoshang.pipeline.approvals import sections as approval_sections
    from zhaoshang.pipeline.approvals import services as approval_services
    from zhaoshang.pipeline.leads import sections as lead_sections

    code = (
        "import django, json; django.setup();"
        "from zhaoshang.pipeline.projects import sections, workflow;"
        "name = lambda f: f'{f.__module__}.{f.__name__}';"
        "print(json.dumps({"
        "'sections': [name(f) for _, f in sections.SECTIONS],"
        "'timelines': [name(f) for f in sections.TIMELINES],"
        "'signed': [name(f) for f in workflow.CHECKS.get('signed', [])],"
        "}))"
    )
    fresh = json.loads(_run(code))

    def name(fn):
        return f"{fn.__module__}.{fn.__name__}"

    assert fresh == {
        "sections": [
            name(lead_sections.lead_section),
            # The events app adds its own from its AppConfig.ready, between them (order 25).
            name(event_sections.event_section),
            name(approval_sections.evaluation_section),
            name(approval_sections.terms_section),
        ],
        "timelines": [name(approval_sections.evaluation_timeline)],
        "signed": [
            name(approval_services.evaluation_missing),
            name(approval_services.terms_unapproved),
        ],
    }


def _run(code):
    """Run ``code`` in a new interpreter with the project's settings; its last line."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhaoshang.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.strip().splitlines()[-1]


def test_the_worker_knows_every_scheduled_pipeline_job():
    # The worker registers what Celery's discovery imports; a job beat sends by a name
    # nobody registered is dropped.
    code = (
        "import json; from zhaoshang.celery import app; import django; django.setup();"
        "app.loader.import_default_modules(); print(json.dumps(sorted(app.tasks)))"
    )
    registered = set(json.loads(_run(code)))
    missing = [
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] not in registered
    ]
    assert not missing


def test_the_pipeline_does_not_reach_into_reports():
    # The monthly funds sums follow every funds write through the one hook reports
    # registers (projects.funds.register_watcher in ReportsConfig.ready), so no pipeline
    # write has to remember to wrap itself in reports' recount.
    found = [
        f"{path.relative_to(PIPELINE)}: {module}"
        for path in sorted(PIPELINE.rglob("*.py"))
        if "tests" not in path.relative_to(PIPELINE).parts
        for module in _imported_modules(path)
        if module == "zhaoshang.reports" or module.startswith("zhaoshang.reports.")
    ]
    assert not found, "the pipeline imports reports:\n" + "\n".join(found)
