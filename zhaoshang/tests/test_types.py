"""Types where the rules live: every public function of each services.py, queries.py and
workflow module is annotated (parameters and return), so mypy (``make lint``,
scripts/test.sh; ``[tool.mypy]`` in pyproject.toml) checks its body and its callers."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("services.py", "queries.py", "workflow.py", "problem_workflow.py")


def modules():
    for name in NAMES:
        for path in ROOT.rglob(name):
            if "tests" not in path.parts and "migrations" not in path.parts:
                yield path


def unannotated(function):
    args = function.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if params and params[0].arg in ("self", "cls"):
        params = params[1:]
    params += [a for a in (args.vararg, args.kwarg) if a is not None]
    missing = [p.arg for p in params if p.annotation is None]
    if function.returns is None:
        missing.append("返回值")
    return missing


def public_functions(tree):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if not node.name.startswith("_"):
                yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                    yield f"{node.name}.{item.name}", item


def test_every_public_function_where_the_rules_live_is_annotated():
    found, missing = 0, []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, function in public_functions(tree):
            found += 1
            if gaps := unannotated(function):
                missing.append(
                    f"{path.relative_to(ROOT)}:{function.lineno} {name}（{'、'.join(gaps)}）"
                )
    assert found > 200
    assert not missing, "以下公开函数缺少类型标注：\n" + "\n".join(missing)
