"""Screenshot of the workbench for the README: log in, pop a caller's number, save a PNG.

    .venv/bin/python scripts/screenshot_workbench.py http://127.0.0.1:8000 agent 'its-password'
    .venv/bin/python scripts/screenshot_workbench.py URL USER PASSWORD --phone 13800000080 --out docs/img/x.png

Drives Debian's chromium (headless) through Playwright, like the browser tests; run it against a server
with the demo data loaded (`anxin demo`). The password may come from ANXIN_SCREENSHOT_PASSWORD instead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

# The demo's elderly resident who lives alone (anxin.demo.numbers.SHOWCASE_PHONES["elderly_alone"]).
DEMO_PHONE = "13800000080"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "img" / "workbench.png"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("username")
    parser.add_argument("password", nargs="?", default=os.environ.get("ANXIN_SCREENSHOT_PASSWORD"))
    parser.add_argument(
        "--phone", default=DEMO_PHONE, help=f"number typed into the screen pop ({DEMO_PHONE})"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="PNG to write (docs/img/workbench.png)")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--language", default="zh-CN", help="browser locale (zh-CN or en)")
    args = parser.parse_args(argv)
    if not args.password:
        parser.error("password missing: pass it or set ANXIN_SCREENSHOT_PASSWORD")
    return args


def take(args: argparse.Namespace) -> Path:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium not found: install the Debian package (scripts/setup does)")
    base = args.base_url.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": args.width, "height": args.height}, locale=args.language
            )
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.locator("input[name=username]").fill(args.username)
            page.locator("input[name=password]").fill(args.password)
            page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
            page.wait_for_load_state("networkidle")
            if page.locator("input[name=password]").count():
                raise SystemExit(f"login failed for {args.username!r} at {base}")
            pop_input = page.locator("#pop-phone")
            if not pop_input.count():
                raise SystemExit("no screen pop on this user's start page: use an agent's login")
            with page.expect_response(lambda r: "/desk/pop/" in r.url and args.phone in r.url):
                pop_input.press_sequentially(args.phone, delay=30)
            # The lists load after the page; wait until none still says it is loading.
            expect(page.locator("[id^=list-] .hint")).to_have_count(0, timeout=15_000)
            entry = page.locator("#pop article").first
            if entry.count():
                entry.locator("[data-fill=caller]").first.click()
                entry.locator("[data-fill=subject]").first.click()
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
        finally:
            browser.close()
    return args.out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        out = take(args)
    except PlaywrightError as exc:
        print(f"screenshot failed: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
