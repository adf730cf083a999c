"""sqlmap against every form and query parameter of a running instance.

Starts its own instance (a fresh var folder and database, the demo district, gunicorn on a
free loopback port: only loopback traffic), signs in as an office clerk and as a
department clerk, and gathers what a user can send: every page reached from the home
page and from every URL pattern without arguments, every link's query parameters, every
form's fields (GET and POST, the login form as the anonymous visitor), and the query
parameters of the JSON API's GET operations (from its OpenAPI schema). Each distinct
target (method, path shape, parameter names) is handed to Debian's sqlmap with the
session cookie and the CSRF token, bounded: level 1, risk 1, boolean-based, error-based
and UNION techniques, the instance's database named. It prints what it tested and
exits 1 when any parameter is injectable.

The database is SQLite, or, when DATABASE_URL names a PostgreSQL server, a fresh
database created on that server for the scan and dropped after it (production's SQL).

    .venv/bin/python scripts/attack_sqlmap.py
"""

import concurrent.futures
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from instance import ROOT, Gunicorn, Session, environment, prepare, shell

USERS = ("zhaoshangban", "kejiju")  # 区招商办's clerk and 区科技局's clerk
MAX_PAGES = 300  # per user; pages of one shape are visited once
PARALLEL = 3  # sqlmap processes at once, one per gunicorn worker
SKIP_PATHS = ("/logout/", "/static/", "/healthz")
# Answers sqlmap would otherwise ask for; --batch takes the default of the rest.
SQLMAP_ARGS = [
    "--batch",
    "--level=1",
    "--risk=1",
    "--technique=BE",
    "--skip=csrfmiddlewaretoken",
    "--drop-set-cookie",
    "--skip-waf",
    "--timeout=20",
    "--retries=1",
    "--threads=4",
    "--flush-session",
    "--disable-coloring",
    "-v",
    "1",
]


def say(text=""):
    print(text, flush=True)


class Page(html.parser.HTMLParser):
    """The links and forms of one HTML page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").upper(),
                "multipart": "multipart" in (a.get("enctype") or ""),
                "fields": {},
            }
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form["multipart"] = True
            elif kind in ("checkbox", "radio"):
                if kind == "checkbox" or a["name"] not in self._form["fields"]:
                    self._form["fields"].setdefault(a["name"], a.get("value") or "on")
            elif kind not in ("submit", "button", "reset", "image"):
                self._form["fields"][a["name"]] = a.get("value") or ""
        elif self._form is not None and tag == "textarea" and a.get("name"):
            self._form["fields"][a["name"]] = ""
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"][self._select] = ""
        elif self._select and tag == "option":
            value = a.get("value", "")
            fields = self._form["fields"]
            if value and (not fields[self._select] or "selected" in a):
                fields[self._select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def shape(path):
    """/pipeline/projects/12/ and /pipeline/projects/40/ are one page shape."""
    return re.sub(r"/\d+(?=/|$)", "/{n}", path)


def crawl(session, starts):
    """(pages visited, targets) as this session: targets are (method, path, params)."""
    seen, targets, queue, visited = set(), {}, list(starts), 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        parts = urllib.parse.urlsplit(url)
        if parts.netloc or parts.scheme or parts.path.startswith(SKIP_PATHS):
            continue
        params = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        key = (shape(parts.path), tuple(sorted(params)))
        if key in seen:
            continue
        seen.add(key)
        if params:
            add(targets, "GET", parts.path, {k: v[0] for k, v in params.items()})
        try:
            status, body = session.request("GET", url)
        except OSError:
            continue
        visited += 1
        if status != 200 or "<html" not in body[:500].lower():
            continue
        page = Page()
        page.feed(body)
        for href in page.links:
            queue.append(urllib.parse.urljoin(parts.path, href.split("#", 1)[0]))
        for form in page.forms:
            action = urllib.parse.urljoin(parts.path, form["action"]) if form["action"] else url
            action_parts = urllib.parse.urlsplit(action)
            if action_parts.path.startswith(SKIP_PATHS) or form["multipart"]:
                continue
            fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
            if not fields:
                continue
            if form["method"] == "GET":
                add(targets, "GET", action_parts.path, fields)
            else:
                add(targets, "POST", action, fields)
    return visited, targets


def add(targets, method, path, fields):
    # A record's "new" and "edit" forms post the same fields to the same code: one target.
    where = re.sub(r"/(new|\{n\}/edit)/$", "/<form>/", shape(urllib.parse.urlsplit(path).path))
    key = (method, where, tuple(sorted(fields)))
    # An empty value gives sqlmap nothing to compare a payload with.
    targets.setdefault(key, (method, path, {k: (v or "1") for k, v in fields.items()}))


def api_targets(session):
    """The API's GET operations that take query parameters."""
    status, body = session.request("GET", "/api/openapi.json")
    if status != 200:
        sys.exit(f"无法读取 OpenAPI 文档（{status}）")
    out = {}
    for path, operations in json.loads(body)["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        query = {p["name"]: "1" for p in get.get("parameters", []) if p.get("in") == "query"}
        if query:
            concrete = re.sub(r"\{[^}]+\}", "1", path)
            add(out, "GET", concrete, query)
    return out


def sqlmap(port, dbms, method, path, fields, cookie, out_dir):
    base = f"http://127.0.0.1:{port}"
    argv = ["sqlmap", *SQLMAP_ARGS, f"--dbms={dbms}", f"--output-dir={out_dir}"]
    if cookie:
        argv.append(f"--cookie={cookie}")
    if method == "GET":
        argv.append(f"--url={base}{path.split('?', 1)[0]}?{urllib.parse.urlencode(fields)}")
    else:
        token = dict(c.split("=", 1) for c in cookie.split("; ")).get("csrftoken", "")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token})
        argv += [f"--url={base}{path}", f"--data={data}"]
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    log = done.stdout + done.stderr
    tested = sorted(
        set(re.findall(r"(?:GET|POST) parameter '([^']+)'", log)) - {"csrfmiddlewaretoken"}
    )
    if "identified the following injection point" in log or "is vulnerable" in log:
        verdict = "可注入"
    elif "do not appear to be injectable" in log or (tested and "might not be injectable" in log):
        verdict = "未发现注入"
    else:
        verdict = "未能测试"
    return verdict, tested, time.monotonic() - started, log


def create_database(url):
    """A fresh database beside the one DATABASE_URL names; returns its URL and a drop."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"zs_attack_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parts._replace(path=f"/{name}").geturl(), drop


def main():
    if subprocess.run(["bash", str(ROOT / "scripts" / "ensure_sqlmap.sh")]).returncode:
        sys.exit("未找到 sqlmap，且无法安装（Debian：apt-get install sqlmap）")
    folder = Path(tempfile.mkdtemp(prefix="zs-sqlmap-"))
    drop = None
    server_url = os.environ.get("DATABASE_URL", "")
    extra = {"ZS_LOCKOUT_FAILURES": "1000000"}  # so the login form is tested, not locked
    if server_url.startswith(("postgres://", "postgresql://")):
        database, drop = create_database(server_url)
        extra["DATABASE_URL"], dbms = database, "PostgreSQL"
    else:
        extra["DATABASE_URL"], dbms = f"sqlite:///{folder / 'attack.sqlite3'}", "SQLite"
    env = environment(folder, **extra)
    gunicorn = None
    try:
        say(f"== 准备实例（{dbms}，演示数据）")
        password = prepare(env)
        starts = json.loads(
            shell(
                env,
                "import json\n"
                "from django.urls import URLResolver, get_resolver, reverse\n"
                "def walk(r, ns=''):\n"
                "    for e in r.url_patterns:\n"
                "        if isinstance(e, URLResolver):\n"
                "            yield from walk(e, f'{ns}{e.namespace}:' if e.namespace else ns)\n"
                "        elif e.name:\n"
                "            yield ns + e.name\n"
                "out = []\n"
                "for n in walk(get_resolver()):\n"
                "    try: out.append(reverse(n))\n"
                "    except Exception: pass\n"
                "print(json.dumps(out))",
            ).splitlines()[-1]
        )
        gunicorn = Gunicorn(env, folder, workers=3).start()
        port = gunicorn.port
        say(
            f"== gunicorn 在 127.0.0.1:{port}；从首页和 {len(starts)} 个无参数地址出发收集表单与参数"
        )
        targets = {}
        anonymous = Session(port)
        anonymous.request("GET", "/login/")
        for key, target in crawl(anonymous, ["/login/"])[1].items():
            targets.setdefault(key, (*target, anonymous.cookie_header()))
        sessions = {}
        for username in USERS:
            s = Session(port).login(username, password)
            sessions[username] = s
            visited, found = crawl(s, ["/", *starts])
            api = api_targets(s)
            say(
                f"   {username}：访问 {visited} 个页面，{len(found)} 个表单与参数组，接口 {len(api)} 组"
            )
            for key, target in {**found, **api}.items():
                targets.setdefault(key, (*target, s.cookie_header()))
        params = sum(len(t[2]) for t in targets.values())
        say(
            f"== sqlmap：{len(targets)} 个目标，{params} 个参数（level 1，risk 1，技术 BE，{dbms}）"
        )
        outcomes = []
        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            futures = {
                pool.submit(sqlmap, port, dbms, m, p, f, c, folder / "sqlmap"): (m, p, f)
                for m, p, f, c in targets.values()
            }
            for future in concurrent.futures.as_completed(futures):
                method, path, fields = futures[future]
                verdict, tested, seconds, log = future.result()
                outcomes.append((method, path, fields, verdict, tested, log))
                say(
                    f"   {verdict:<5} {method:4} {path.split('?', 1)[0]}  "
                    f"参数：{', '.join(tested) or '、'.join(fields)}（{seconds:.0f} 秒）"
                )
        if not gunicorn.alive():
            say("✗ 扫描期间 gunicorn 退出")
            return 1
        bad = [o for o in outcomes if o[3] == "可注入"]
        untested = [o for o in outcomes if o[3] == "未能测试"]
        for method, path, _, _, _, log in bad + untested:
            say(f"--- {method} {path}\n{log[-1500:]}")
        tested_params = sum(len(o[4]) for o in outcomes)
        say(
            f"结论：{len(outcomes)} 个目标、{tested_params} 个参数经 sqlmap 测试，"
            f"可注入 {len(bad)} 个，未能测试 {len(untested)} 个"
        )
        return 1 if bad or untested else 0
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        if drop is not None:
            drop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
