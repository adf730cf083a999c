"""Screenshots of pages as a given user sees them, for looking at what we build.

    .venv/bin/python scripts/screenshot.py http://127.0.0.1:8000 kejiju / /org/departments/ ...

Administrators are signed in through their TOTP device (created here on a demo
database if they have none). Files go to screenshots/<user>_<path>.png.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")


def main(base, username, paths):
    import django

    django.setup()
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import sync_playwright

    from zhaoshang.org.demo import DEMO_PASSWORD as password
    from zhaoshang.org.models import User
    from zhaoshang.org.security import holds_admin_role

    user = User.objects.get(username=username)
    device = None
    if holds_admin_role(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "截图"}
        )
    out = Path("screenshots")
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        if device is not None and "/otp/verify/" in page.url:
            page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
            page.click("main button[type=submit]")
        for path in paths:
            page.goto(f"{base}{path}")
            name = out / f"{username}_{path.strip('/').replace('/', '_') or 'home'}.png"
            page.screenshot(path=str(name), full_page=True)
            print(name)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
