"""Locust users for bench/bench_load.py (run by it, in .venv-bench; not by hand).

Each simulated user signs in through the login form as a demo account (the office's
clerk, or a department's, street's or zone's staff) and then walks, without pause, the
pages those users live on: the kanban, the project list filtered, an enterprise search,
a project page of its own data scope, and its dashboard. ``Raw…`` users walk the same
requests on the raw-SQL floor (/bench/raw/…, bench/load_views.py).

The figures are this file's own, not Locust's table: every request after the last user
has signed in and before the measured window closes, with exact percentiles. Sign-ins
(Argon2 on purpose: it is the production hasher) are not in them. Any answer but 200 is
an error, redirects included (a lost session would otherwise pass as a login page).
The plan (accounts, ids, filters) comes from ZS_LOAD_PLAN; the result goes to
ZS_LOAD_OUT as JSON."""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import FastHttpUser, events, task

PLAN = json.loads(Path(os.environ["ZS_LOAD_PLAN"]).read_text(encoding="utf-8"))
DURATION = float(os.environ.get("ZS_LOAD_SECONDS", "60"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

state = {
    "ready": 0,
    "start": None,
    "end": None,
    "samples": [],
    "by_page": {},  # page name → its response times, to tell which page costs what
    "errors": [],
    "login_errors": 0,
}
_accounts = {
    "office": itertools.cycle(PLAN["office_users"]),
    "department": itertools.cycle(PLAN["department_users"]),
}


def _window_open():
    return state["start"] is not None and state["end"] is None


@events.request.add_listener
def _record(request_type, name, response_time, exception, response, **kwargs):
    if name == "登录" or not _window_open():
        return
    # Only requests sent inside the window: one sent while others were still signing in
    # (Argon2 takes the cores) would count that wait.
    if time.monotonic() - response_time / 1000 < state["start"]:
        return
    state["samples"].append(response_time)
    state["by_page"].setdefault(name, []).append(response_time)
    if exception is not None:
        state["errors"].append(f"{name}: {exception}"[:200])


@events.test_stop.add_listener
def _write(environment, **kwargs):
    if state["end"] is None:
        state["end"] = time.monotonic()
    samples = sorted(state["samples"])

    def pct(p, samples=samples):
        if not samples:
            return None
        return samples[min(len(samples) - 1, int(round(p / 100 * len(samples) + 0.5)) - 1)]

    window = (state["end"] - state["start"]) if state["start"] else 0
    result = {
        "users": environment.runner.target_user_count if environment.runner else None,
        "seconds": round(window, 1),
        "requests": len(samples),
        "rps": len(samples) / window if window else 0,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "errors": len(state["errors"]),
        "first_errors": state["errors"][:5],
        "login_errors": state["login_errors"],
        "signed_in": state["ready"],
        "pages": {
            name: {
                "requests": len(times),
                "p50": pct(50, sorted(times)),
                "p95": pct(95, sorted(times)),
                "mean": sum(times) / len(times),
            }
            for name, times in state["by_page"].items()
        },
    }
    with open(os.environ["ZS_LOAD_OUT"], "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)


def _stop(environment):
    state["end"] = time.monotonic()
    environment.runner.quit()


class _Walker(FastHttpUser):
    abstract = True
    kind = "department"
    prefix = ""  # "/bench/raw" for the floor

    def on_start(self):
        self.account = next(_accounts[self.kind])
        self.rng = random.Random()
        page = self.client.get("/login/", name="登录")
        token = CSRF.search(page.text or "")
        with self.client.post(
            "/login/",
            data={
                "username": self.account["username"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + "/login/"},
            allow_redirects=False,
            name="登录",
            catch_response=True,
        ) as r:
            if r.status_code != 302 or "/login/" in r.headers.get("Location", ""):
                state["login_errors"] += 1
                r.failure(f"登录失败：{self.account['username']} {r.status_code}")
        state["ready"] += 1
        runner = self.environment.runner
        if state["start"] is None and state["ready"] >= runner.target_user_count:
            state["start"] = time.monotonic()
            gevent.spawn_later(DURATION, _stop, self.environment)

    def _get(self, path, name, **params):
        with self.client.get(
            self.prefix + path,
            params=params or None,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    @task(3)
    def kanban(self):
        self._get("/pipeline/" if not self.prefix else "/kanban/", "看板")

    @task(3)
    def project_list(self):
        params = {"stage": self.rng.choice(PLAN["stages"])}
        if self.kind == "office":
            params["department"] = self.rng.choice(PLAN["units"])
        self._get("/pipeline/projects/" if not self.prefix else "/projects/", "项目清单", **params)

    @task(2)
    def search(self):
        q = self.rng.choice(PLAN["searches"])
        self._get("/enterprises/" if not self.prefix else "/enterprises/", "企业检索", q=q)

    @task(3)
    def project(self):
        pk = self.rng.choice(self.account["projects"])
        self._get(f"/pipeline/projects/{pk}/" if not self.prefix else f"/projects/{pk}/", "项目页")

    @task(1)
    def dashboard(self):
        if self.prefix:
            self._get("/dashboard/", "驾驶舱")
        elif self.kind == "office":
            self._get("/reports/dashboard/office/", "驾驶舱")
        else:
            self._get("/reports/dashboard/unit/", "驾驶舱")


class OfficeUser(_Walker):
    weight = 1
    kind = "office"


class DepartmentUser(_Walker):
    weight = 3
    kind = "department"


class RawOfficeUser(OfficeUser):
    prefix = "/bench/raw"


class RawDepartmentUser(DepartmentUser):
    prefix = "/bench/raw"
