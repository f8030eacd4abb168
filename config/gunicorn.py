"""gunicorn's settings for the production shape: `gunicorn -c config/gunicorn.py config.wsgi` (flags given on the
command line win). What gunicorn reads of a request before Django sees it is bounded here; the body is bounded by
the reverse proxy (README, "Production shape") and by Django before it is read (licensing/core/limits.py)."""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The request line (method, path and query) and the headers: larger ones are refused with 400/431 unread.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# A request that takes longer than this (a slow upload, a stuck query) has its worker restarted.
timeout = 60
graceful_timeout = 30
# Bodies are never read without a Content-Length (licensing/core/limits.py checks it); keep-alive stays short.
keepalive = 5
