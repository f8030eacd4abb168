"""
Browser journeys: Playwright (sync API) driving Debian's Chromium against pytest-django's live server, with
the live Celery worker doing the background work, as in production.

Fixtures: `browser` (one Chromium per session), `new_page(user=None, language="nl")` (a fresh browser
context per user, so two people can work side by side), `journey` (screenshots and the axe-core check for
every page a journey shows). Chromium or Playwright missing: the tests skip on a developer's machine and fail
in CI (CI_REQUIRE_INTEGRATION), like `live_worker`.
"""
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import skip_unless
from tests.factories import PASSWORD

VENDOR = Path(__file__).parent / "vendor"
AXE = VENDOR / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = ("serious", "critical")
ACCEPT_LANGUAGE = {"nl": "nl-NL", "en": "en-GB"}
TIMEOUT_MS = 15_000


def _missing(reason: str):
    skip_unless(False, f"browser test: {reason}")


def chromium_path() -> str | None:
    """Debian's chromium (apt-get install chromium), or the browser named by $CHROMIUM."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return candidate if candidate and os.access(candidate, os.X_OK) else None


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package playwright is not installed (pip install -r requirements-dev.txt)")
    executable = chromium_path()
    if not executable:
        _missing("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in this thread; Django's ORM then refuses to run here unless
    # told that it is safe, which it is: the test thread only reads and waits.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def e2e_media(settings, tmp_path_factory):
    """Uploaded documents go where the live worker (settings_test) also looks: MEDIA_ROOT as configured."""
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    return settings.MEDIA_ROOT


@pytest.fixture
def new_page(browser, live_server, e2e_media, settings):
    """new_page(user=None, language="nl") -> a page in its own context, logged in when a user is given.

    Officials need two-factor authentication in the journeys, as in production (settings_test turns it off for
    the rest of the suite): `login` goes through the code step.

    The context's Accept-Language is that of a Dutch or an English-speaking person; the site's own default
    (no header, no cookie) is Dutch, which tests/web/test_i18n.py checks.
    """
    settings.OTP_REQUIRED_FOR_OFFICIALS = True
    contexts = []

    def make(user=None, language="nl"):
        context = browser.new_context(
            base_url=live_server.url,
            locale=ACCEPT_LANGUAGE[language],
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
            bypass_csp=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            login(page, user)
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, user, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would; an official then gives the code from their app
    (set up on the first login, through an administrator's link, from the key the page shows)."""
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.locator("main form button").click()
    page.wait_for_load_state()
    if "/login/otp/" in page.url:
        enrol_if_new(page, user)
        page.fill("#id_code", two_factor_code(page, user))
        page.locator("main form button").click()
        page.wait_for_load_state()
    assert "/login/" not in page.url, f"login failed for {user.username}: {page.locator('main').inner_text()[:300]}"


def enrol_if_new(page, user) -> None:
    """An official without an app follows the one-time set-up link an administrator issued, as they would."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from licensing.accounts.services import enrolment_link_issue

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        page.goto(f"/login/otp/?enrol={enrolment_link_issue(user=user, issued_by=None)}")
        page.wait_for_load_state()


def two_factor_code(page, user) -> str:
    """What the official's authenticator app shows: computed from the device's key, which on the first login
    must be the key the set-up page shows."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from licensing.accounts.otp import code_next, secret_base32

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    shown = page.locator("[data-otp-secret]")
    if shown.count():
        assert shown.inner_text().strip() == secret_base32(device)
    return code_next(device)


def switch_language(page, language: str) -> None:
    """Use the language form in the page header."""
    page.select_option("#language", language)
    page.locator("form.lang button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def open_action(page, key: str) -> None:
    """Open one action's small form on the case page (a <details id="action-<key>"> under "What you can do now")."""
    details = page.locator(f"details#action-{key}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def screenshot_dir(journey: str) -> Path:
    path = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / journey
    path.mkdir(parents=True, exist_ok=True)
    return path


def screenshot(page, journey: str, step: str) -> Path:
    """A full-page PNG at artifacts/screenshots/<journey>/<step>.png."""
    path = screenshot_dir(journey) / f"{step}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """Run axe-core (vendored, no network) on the page; every violation, with its impact."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary}))}));
        }"""
    )
    return result


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}  {node['html']}")
            if node.get("summary"):
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


class Journey:
    """One person's (or several people's) way through the site: a screenshot and an axe check per step.

    Every violation found is written to artifacts/axe/<journey>.json; the test fails on any of impact
    "serious" or "critical".
    """

    def __init__(self, name: str):
        self.name = name
        self.steps = 0
        self.report: list[dict] = []

    def step(self, page, name: str, *, axe: bool = True) -> None:
        self.steps += 1
        slug = f"{self.steps:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"
        page.wait_for_load_state()
        screenshot(page, self.name, slug)
        if not axe:
            return
        violations = axe_violations(page)
        self.report.append({"step": slug, "url": page.url, "lang": page.locator("html").get_attribute("lang"), "violations": violations})
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe-core: serious or critical violations on {page.url} ({slug}):\n{_describe(blocking)}"
        # axe 4.7+ no longer reports duplicate ids that no ARIA attribute points at; labels still need unique ones.
        duplicates = page.evaluate(
            "() => { const seen = {}; document.querySelectorAll('[id]').forEach(e => seen[e.id] = (seen[e.id] || 0) + 1);"
            " return Object.keys(seen).filter(id => seen[id] > 1); }"
        )
        assert not duplicates, f"duplicate ids on {page.url} ({slug}): {duplicates}"

    def save(self) -> None:
        path = Path(settings.BASE_DIR) / "artifacts" / "axe"
        path.mkdir(parents=True, exist_ok=True)
        (path / f"{self.name}.json").write_text(json.dumps(self.report, indent=2))


@pytest.fixture
def journey(request):
    """journey(name) -> a Journey whose axe report is saved whether the test passes or fails."""
    made = []

    def make(name: str) -> Journey:
        j = Journey(name)
        made.append(j)
        return j

    yield make
    for j in made:
        j.save()
