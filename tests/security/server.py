"""A production-shaped server for the attacker's tests: gunicorn with the production settings (DEBUG off) in front
of the test database, and a browser-like HTTP client that logs in through the pages and keeps its cookies.

The tests that use it commit their data (`reference_db`), so that gunicorn's processes see it.
"""
import http.client
import json
import re
from types import SimpleNamespace

LOOPBACK = "127.0.0.1"


class Browser:
    """An HTTP client on loopback that keeps cookies as a browser does and sends the CSRF token back."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=60)
        sent = {"Host": LOOPBACK, "Accept-Language": "en"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if method not in ("GET", "HEAD") and "csrftoken" in self.cookies:
            sent["X-CSRFToken"] = self.cookies["csrftoken"]
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            payload = response.read()
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, payload

    def login(self, username: str, password: str) -> None:
        """The login page with the password alone, as a person in a browser does it."""
        status, _, page = self.request("GET", "/login/")
        assert status == 200, status
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = f"csrfmiddlewaretoken={token}&username={username}&password={password}".encode()
        status, headers, _ = self.request("POST", "/login/", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, status


def start_server(database_url: str):
    """gunicorn (production settings, DEBUG off, two workers) on the given database; a context manager."""
    from tests.reliability.harness import Gunicorn

    return Gunicorn(SimpleNamespace(url=database_url), workers=2, pages=True)
