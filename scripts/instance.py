"""A running instance for the drills and the attack scan: a fresh var folder, the demo
district, gunicorn as `make run` serves it, on a free loopback port, and a signed-in
client that keeps cookies and the CSRF token as a browser does."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args):
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {args[0]} 失败：{done.stderr[-3000:]}")
    return done.stdout


def shell(env, code):
    """What ``code`` prints, run by `manage.py shell` against the instance's database."""
    return manage(env, "shell", "-v", "0", "-c", code).strip()


def prepare(env):
    """Migrate and load the demo district; returns the demo password."""
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    return shell(env, "from zhaoshang.org.demo import DEMO_PASSWORD; print(DEMO_PASSWORD)")


class Gunicorn:
    """gunicorn with zhaoshang/gunicorn_conf.py on a free loopback port."""

    def __init__(self, env, folder, workers=2):
        self.port = free_port()
        self.env = {**env, "ZS_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers)}
        self.log = Path(folder) / "gunicorn.log"
        self.process = None

    def start(self):
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [PY, "-m", "gunicorn", "-c", "zhaoshang/gunicorn_conf.py"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if Session(self.port).request("GET", "/healthz")[0] in (200, 503):
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                sys.exit("gunicorn 未能启动：" + self.log.read_text()[-2000:])
            time.sleep(0.2)  # waiting for the server to listen, bounded by the deadline

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Session:
    """A browser as far as a script needs one: cookies, and the CSRF token on forms."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            conn.close()

    def login(self, username, password):
        self.request("GET", "/login/")
        status, _ = self.request("POST", "/login/", {"username": username, "password": password})
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"无法以 {username} 登录（{status}）")
        return self

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def environment(folder, **extra):
    """The instance's environment: its own var folder, the pages users get (no debug)."""
    env = {**os.environ, "ZS_VAR_DIR": str(Path(folder) / "var"), "DJANGO_DEBUG": "0", **extra}
    for name in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    return env
