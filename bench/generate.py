"""
Bench data generator (not part of the test run).

Fills a freshly migrated database (``manage.py migrate`` + ``load_reference``) with realistic data: organisations
and their users, applications of every kind and status with goods lines, parties, destinations and their event
history, decisions, licences with lines, usage reports, the denial register (own denials and other member
states'), and a sanctions list indexed for screening. Rows go in with PostgreSQL COPY (psycopg2 copy_expert) in
chunks, with foreign-key triggers off for the session, so 1,000,000 applications take minutes on two cores.

    source bench/env.sh && .venv/bin/python bench/generate.py --applications 20000

Besides the bulk it creates what the benchmarks use, and writes their ids to bench/.state/<database>.json:
officer and exporter accounts with API tokens and an officer session; 100 in-review applications with exactly
20 goods lines, 5 parties and a history (detail benchmark), 5 with one goods line (query counts); complete drafts
with 100 goods lines ready to submit; licences of the bench exporter with room for 100,000-line usage uploads.
"""
import argparse
import io
import json
import os
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone as tz
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Tasks the generator's services enqueue (the denial re-screen) go nowhere: the benchmarks start their own runs.
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ["CELERY_RESULT_BACKEND"] = "cache+memory://"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"

from bench.sessions import signed_in_session  # noqa: E402
from bench.screening_bench import COUNTRIES as RISK_COUNTRIES, company, cyrillic, person, typo  # noqa: E402

STATE_DIR = ROOT / "bench" / ".state"
CHUNK = 25_000  # applications per COPY round
UTC = tz.utc
FIRST_DAY = date(2016, 1, 1)
LAST_DAY = date(2025, 12, 31)
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

# (status, share) — most applications are long decided; a few percent are open on a desk.
STATUSES = [
    ("draft", 0.03), ("submitted", 0.004), ("in_review", 0.02), ("referred", 0.008), ("advice_given", 0.004),
    ("issued", 0.70), ("denied", 0.015), ("answered", 0.03), ("ruled", 0.03), ("withdrawn", 0.059), ("superseded", 0.10),
]
OPEN = {"submitted", "in_review", "referred", "advice_given"}
DECIDED = {"issued": "issued", "denied": "denied", "answered": "answered", "ruled": "ruled"}
KIND_FOR_STATUS = {"answered": "sondage", "ruled": "classification"}
# Registrations for a general licence: a share of the applications of these statuses (no goods, parties or
# destinations of their own; the registration's usage reports carry them).
REGISTRATION_STATUSES = {"draft", "submitted", "in_review", "issued", "withdrawn"}
REGISTRATION_SHARE = 0.05
TRANSIT_ORIGINS = ["RU", "CN", "US", "IL", "KR"]
MILITARY = [f"ML{i}" for i in range(1, 23)] + ["ML4.b", "ML10.a", "ML5.c"]
DUAL_USE = ["3A001", "5A002", "6A003", "1C350", "9A012", "2B001", "4A003", "5A002.a", "3A002", "6A008"]
ANTI_TORTURE = ["ANNEX_II", "ANNEX_III"]
EXTRA_EU = ["US", "CA", "NO", "CH", "GB", "AU", "JP", "KR", "SG", "IN", "BR", "SA", "AE", "QA", "EG", "TR", "IL", "ID", "MY", "TH", "ZA", "MX", "CL", "NZ", "PH", "VN", "KZ", "UA"]
EU = ["BE", "DE", "FR", "IT", "ES", "PL", "SE", "DK", "AT", "FI", "PT", "CZ", "RO", "GR", "IE"]
ROLES = ["consignee", "end_user", "ultimate_end_user", "intermediate_consignee", "broker", "agent"]
UNITS = ["pieces", "sets", "kg", "pieces", "pieces"]


def esc(value) -> str:
    """A value in COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class Table:
    """Rows for one table, written with COPY when flushed."""

    def __init__(self, name: str, columns: str):
        self.name, self.columns, self.buf, self.rows = name, columns, io.StringIO(), 0
        self.total = 0

    def add(self, *values):
        self.buf.write("\t".join(map(esc, values)))
        self.buf.write("\n")
        self.rows += 1

    def flush(self, cursor):
        if self.rows:
            if self.total == 0:
                _model_defaults(cursor, self.name, {c.strip() for c in self.columns.split(",")})
            self.buf.seek(0)
            cursor.copy_expert(f"COPY {self.name} ({self.columns}) FROM STDIN", self.buf)
            self.total += self.rows
        self.buf, self.rows = io.StringIO(), 0


def _model_defaults(cursor, table: str, named: set[str]) -> None:
    """Columns the generator does not write (added to the models since) get the model field's default in the
    database, so COPY fills them as Django would: the generator keeps working when a NOT NULL column appears."""
    from django.apps import apps

    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL",
        [table],
    )
    missing = [name for (name,) in cursor.fetchall() if name not in named]
    model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
    for column in missing:
        field = next((f for f in model._meta.concrete_fields if f.column == column), None) if model else None
        if field is None or not field.has_default() and not field.blank:
            continue  # nothing to give: COPY reports the column
        value = field.get_default() if field.has_default() else ""
        cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT %s', [field.get_db_prep_save(value, cursor.db)])


def ts(d: datetime) -> str:
    return d.isoformat()


def day_time(rng, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=rng.randint(8 * 3600, 18 * 3600))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--sanctions", type=int, default=100_000, help="sanctions-list entries")
    parser.add_argument("--denials", type=int, default=20_000, help="denial register entries in total (own + member states')")
    parser.add_argument("--submit-drafts", type=int, default=60, help="complete drafts with 100 goods lines for the submit benchmark")
    parser.add_argument("--seed", type=int, default=20260610)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM applications_application")
        if c.fetchone()[0]:
            sys.exit("The database already holds applications: generate into a freshly migrated database (bench/run.sh does).")
    timings = {}
    rng = random.Random(args.seed)
    t = time.perf_counter()
    state = accounts(rng, args)
    timings["accounts"] = time.perf_counter() - t
    t = time.perf_counter()
    counts = applications(rng, args, state)
    timings["applications"] = time.perf_counter() - t
    t = time.perf_counter()
    counts.update(sanctions(rng, args))
    timings["sanctions"] = time.perf_counter() - t
    t = time.perf_counter()
    from licensing.screening.lists import denials_refresh

    denials_refresh(force=True)
    timings["denials_index"] = time.perf_counter() - t
    t = time.perf_counter()
    finish(connection)
    timings["analyze"] = time.perf_counter() - t
    state["counts"] = counts
    state["generated_seconds"] = {k: round(v, 1) for k, v in timings.items()} | {"total": round(time.perf_counter() - started, 1)}
    state["applications"] = args.applications
    STATE_DIR.mkdir(exist_ok=True)
    (STATE_DIR / f"{connection.settings_dict['NAME']}.json").write_text(json.dumps(state, indent=1))
    print(json.dumps({"counts": counts, "seconds": state["generated_seconds"]}, indent=1))


# --- accounts ------------------------------------------------------------------------------------------
def accounts(rng, args) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    User = get_user_model()
    orgs = max(50, args.applications // 200)
    password = make_password("bench-password-2026")
    now = ts(NOW)
    organisation = Table("accounts_organisation", "id, name, kvk_number, eori_number, address, created_at, country_id")
    users = Table("accounts_user", "id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, role, organisation_id")
    for i in range(1, orgs + 1):
        organisation.add(i, f"{company(rng)} {i}", f"{10000000 + i}", f"NL{100000000 + i}", f"Industrieweg {i}, Delft", now, "NL")
        users.add(i, password, False, f"exporter{i}", "Bench", f"Exporter {i}", f"exporter{i}@bench.invalid", False, True, now, "exporter", i)
    officers = list(range(orgs + 1, orgs + 11))
    advisors = list(range(orgs + 11, orgs + 15))
    for n, uid in enumerate(officers):
        users.add(uid, password, False, f"bench_officer{n}", "Bench", f"Officer {n}", "", False, True, now, "officer", None)
    for n, uid in enumerate(advisors):
        users.add(uid, password, False, f"bench_advisor{n}", "Bench", f"Advisor {n}", "", False, True, now, "advisor", None)
    with connection.cursor() as c:
        organisation.flush(c)
        users.flush(c)
        c.execute("SELECT setval('accounts_organisation_id_seq', %s)", [orgs])
        c.execute("SELECT setval('accounts_user_id_seq', %s)", [orgs + 14])
    officer = User.objects.get(pk=officers[0])
    exporter = User.objects.get(pk=1)
    return {
        "organisations": orgs, "officers": officers, "advisors": advisors,
        "officer_id": officer.pk, "exporter_id": exporter.pk,
        "officer_token": Token.objects.create(user=officer).key,
        "exporter_token": Token.objects.create(user=exporter).key,
        "officer_session": signed_in_session(officer),
    }


# --- applications and what follows them -----------------------------------------------------------------
def pick_status(rng) -> str:
    r, acc = rng.random(), 0.0
    for status, share in STATUSES:
        acc += share
        if r < acc:
            return status
    return "issued"


def applications(rng, args, state) -> dict:
    from django.db import connection

    N = args.applications
    orgs, officers = state["organisations"], state["officers"]
    T = {
        "app": Table("applications_application", "id, reference, version, kind, movement, status, title, end_use, end_use_description, purpose, temporary, conditions_confirmed, created_at, updated_at, determination, handler, submitted_at, decided_at, created_by_id, organisation_id, claimed_at, claimed_by_id, clock_stopped_at, deadline_at, origin_country_id, brokering_value_eur, general_licence_id"),
        "dest": Table("applications_application_destinations", "application_id, country_id"),
        "goods": Table("applications_goodsline", "id, position, goods_kind, description, control_entry, quantity, unit, value_eur, complete_system, manufacturer, part_number, serial_numbers, lot_numbers, hs_code, is_aluminium, application_id"),
        "party": Table("applications_party", "id, position, role, name, address, party_type, website, certificate_number, application_id, country_id"),
        "doc": Table("applications_document", "id, doc_type, file, original_name, content_type, size, sha256, uploaded_at, application_id, uploaded_by_id"),
        "event": Table("audit_event", "id, at, verb, target_type, target_id, from_state, to_state, reason, payload, actor_id, hash, prev_hash"),
        "decision": Table("licences_decision", "id, reference, source, outcome, decided_on, goods_kind, licence_kind, movement, catch_all, reasons, criteria, indicative_answer, ruling_entry, ruling_not_listed, created_at, application_id, decided_by_id, value_eur, end_use"),
        "registration": Table("licences_registration", "id, number, status, registered_on, revoked_on, revoked_reason, decision_id, general_licence_id, organisation_id"),
        "licence": Table("licences_licence", "id, number, holder_name, kind, goods_kind, movement, status, consignee, end_user, valid_from, valid_to, conditions, value_eur, complete_system, temporary, return_after_repair, created_at, decision_id, holder_id, status_reason, origin_country_id, brokering_value_eur"),
        "ldest": Table("licences_licence_destinations", "licence_id, country_id"),
        "line": Table("licences_licenceline", "id, position, description, control_entry, ml_category, quantity, unit, value_eur, complete_system, used_quantity, used_value_eur, licence_id"),
        "usage": Table("licences_usagereport", "id, exported_on, control_entry, ml_category, quantity, value_eur, recipient, serial_numbers, lot_numbers, created_at, destination_id, licence_id, organisation_id, reported_by_id, registration_id, movement, origin_id"),
        "denial": Table("assessment_denialregisterentry", "id, reference, own, notified_on, goods_description, quantity, control_entry, consignee, end_user, criteria, imported_from, created_at, decision_id, destination_id, notifying_state_id"),
        # The office search's documents, made by the code submission uses (the tsvector after each round, in SQL).
        "search": Table("applications_searchdocument", "application_id, words"),
    }
    from licensing.accounts.models import Organisation
    from licensing.applications.search import GOODS_WORD_FIELDS, document_words

    organisation_names = dict(Organisation.objects.values_list("id", "name"))
    ids = dict.fromkeys(["goods", "party", "doc", "event", "decision", "licence", "line", "usage", "denial", "registration"], 0)
    general_licences = general_licence_terms()
    registered: set[tuple[int, str]] = set()  # (organisation, general licence) with an active registration

    def nid(kind):
        ids[kind] += 1
        return ids[kind]

    span = (LAST_DAY - FIRST_DAY).days
    det_cache = {}
    per_year = {}
    bench = {"detail20": [], "detail1": [], "drafts": [], "usage_licences": []}
    special_detail = set(range(N + 1, N + 101))
    special_detail1 = set(range(N + 101, N + 106))
    special_drafts = set(range(N + 106, N + 106 + args.submit_drafts))
    special_usage = set(range(N + 106 + args.submit_drafts, N + 106 + args.submit_drafts + 5))
    last = N + 106 + args.submit_drafts + 5 - 1

    def determination(goods_kind, handler, general):
        key = (goods_kind, handler, general)
        if key not in det_cache:
            det_cache[key] = json.dumps({
                "licence_required": True, "prohibited": False, "handler": handler,
                "general_licences": ["NL008"] if general else [], "fast_track_parliament": goods_kind == "military" and handler == "ministry" and rng.random() < 0.2,
                "rules": [{"id": "military.licence_required" if goods_kind == "military" else "dual_use.licence_required", "text": "A licence is required."}],
            }, ensure_ascii=False)
        return det_cache[key]

    def event(at, verb, app_id, frm, to, actor, reason="", payload="{}"):
        T["event"].add(nid("event"), ts(at), verb, "applications.application", str(app_id), frm, to, reason, payload, actor, "", "")

    with connection.cursor() as c:
        c.execute("SET session_replication_role = replica")  # no FK triggers during the bulk load
        c.execute("SET synchronous_commit = off")
        for app_id in range(1, last + 1):
            special = app_id > N
            org = rng.randint(1, orgs)
            status = pick_status(rng)
            n_goods, n_parties = rng.choice((1, 1, 2, 2, 3, 4, 6)), rng.choice((2, 2, 3, 3, 4))
            if app_id in special_detail:
                org, status, n_goods, n_parties = 1, "in_review", 20, 5
            elif app_id in special_detail1:
                org, status, n_goods, n_parties = 1, "in_review", 1, 2
            elif app_id in special_drafts:
                org, status, n_goods, n_parties = 1, "draft", 100, 2
            elif app_id in special_usage:
                org, status, n_goods, n_parties = 1, "issued", 5, 2
            kind = KIND_FOR_STATUS.get(status) or ("global" if rng.random() < 0.12 else "individual")
            general = None
            if not special and status in REGISTRATION_STATUSES and rng.random() < REGISTRATION_SHARE:
                kind, general = "general_registration", rng.choice(general_licences)
                n_goods = n_parties = 0
            if special:
                kind = "individual"
            goods_kind = rng.choices(["military", "dual_use", "anti_torture", "unlisted"], [0.35, 0.55, 0.03, 0.07])[0]
            if special:
                goods_kind = "military"
            movement = rng.choices(["export", "transfer", "transit", "brokering"], [0.75, 0.17, 0.05, 0.03])[0]
            if special:
                movement = "export"
            if general:
                goods_kind, movement = general.goods_kind, rng.choice(general.movements)
            if kind in ("classification", "general_registration"):
                destinations = []
            elif movement == "transfer":
                destinations = rng.sample(EU, 1 if kind != "global" else rng.randint(2, 4))
            else:
                destinations = rng.sample(EXTRA_EU, 1 if kind != "global" else rng.randint(2, 4))
            if special:
                destinations = ["US"]
            if status in OPEN or status == "draft" or special:
                created_day = LAST_DAY - timedelta(days=rng.randint(0, 60))
            else:
                created_day = FIRST_DAY + timedelta(days=rng.randint(0, span - 70))
            created = day_time(rng, created_day)
            submitted = created + timedelta(hours=rng.randint(1, 72)) if status != "draft" else None
            decided = submitted + timedelta(days=rng.randint(7, 70)) if status in DECIDED else None
            handler = "" if status in ("draft", "submitted") else ("ministry" if status in ("referred", "advice_given") or rng.random() < 0.25 else "licensing_office")
            if general and handler:
                handler = "licensing_office"  # routing: a registration is always the licensing office's
            det = determination(goods_kind, handler, movement == "transfer") if handler else None
            deadline = submitted + timedelta(days=56) if submitted and status in OPEN else None
            claimed = rng.choice(officers) if status in ("in_review", "advice_given", "referred") and rng.random() < 0.6 else None
            clock = submitted + timedelta(days=5) if status == "in_review" and rng.random() < 0.1 else None
            if app_id in special_detail or app_id in special_detail1:
                claimed, clock = officers[0], None
            updated = decided or submitted or created
            ref = f"NL-{created.year}-{app_id:07d}"
            end_use = "military" if goods_kind == "military" else "civil"
            T["app"].add(
                app_id, ref, 1, kind, movement, status, f"Bench {goods_kind} {app_id}", end_use, "",
                "sale", False, bool(general), ts(created), ts(updated), det, handler, ts(submitted) if submitted else None, ts(decided) if decided else None,
                org, org, ts(submitted + timedelta(days=2)) if claimed else None, claimed, ts(clock) if clock else None,
                ts(deadline) if deadline else None, ("RU" if rng.random() < 0.2 else "CN") if movement == "transit" and not general else None,
                f"{rng.randint(1, 500) * 1000}.00" if movement == "brokering" and not general else None, general.code if general else None,
            )
            for country in destinations:
                T["dest"].add(app_id, country)
            lines, goods_words = [], []
            for pos in range(n_goods):
                entry = ""
                if goods_kind == "military":
                    entry = rng.choice(MILITARY)
                elif goods_kind == "dual_use":
                    entry = rng.choice(DUAL_USE)
                elif goods_kind == "anti_torture":
                    entry = rng.choice(ANTI_TORTURE)
                qty = rng.randint(1, 500)
                value = rng.randint(1, 2000) * 500
                if app_id in special_usage:
                    entry, qty, value = f"ML{pos + 1}", 10_000_000, 10_000_000_000
                serials = "\n".join(f"SN-{app_id}-{pos}-{k}" for k in range(3)) if rng.random() < 0.3 else ""
                gid = nid("goods")
                T["goods"].add(
                    gid, pos, goods_kind, f"{goods_kind.replace('_', ' ')} item {pos + 1} of application {app_id}", entry, f"{qty}.000", rng.choice(UNITS),
                    f"{value}.00" if kind != "classification" else None, rng.random() < 0.1, "Bench Manufacturing", (part_number := f"PN-{rng.randint(1000, 99999)}"), serials, "",
                    f"8526{rng.randint(10, 99)}" if rng.random() < 0.3 else "", False, app_id,
                )
                lines.append((entry, qty, value))
                goods_words.append(dict(zip(GOODS_WORD_FIELDS, (f"{goods_kind.replace('_', ' ')} item {pos + 1} of application {app_id}", entry, part_number, "Bench Manufacturing", serials, ""))))
            parties = []
            for pos in range(n_parties):
                role = "consignee" if pos == 0 else "end_user" if pos == 1 else rng.choice(ROLES[2:])
                country = destinations[0] if destinations and pos < 2 else rng.choice(EXTRA_EU + RISK_COUNTRIES)
                if rng.random() < 0.01:
                    name = typo(rng, company(rng))  # unlisted look-alikes; some will hit
                else:
                    name = person(rng) if rng.random() < 0.1 else company(rng)
                T["party"].add(nid("party"), pos, role, name, f"{rng.randint(1, 400)} Harbour Road, City", "company", "", "", app_id, country)
                parties.append(name)
            if status != "draft":
                T["search"].add(app_id, document_words(reference=ref, organisation=organisation_names[org], parties=parties, goods=goods_words))
            if app_id in special_drafts:
                T["doc"].add(nid("doc"), "end_user_certificate", f"applications/{app_id}/bench", "euc.pdf", "application/pdf", 1000, "0" * 64, ts(created), app_id, org)
            # History: created, submitted, routed, and what happened next.
            event(created, "application.created", app_id, "", "draft", org)
            if submitted:
                event(submitted, "application.submit", app_id, "draft", "submitted", org)
                if status != "submitted":
                    event(submitted + timedelta(minutes=1), "application.route", app_id, "submitted", "in_review", None, payload=json.dumps({"handler": handler}))
                if status in ("referred", "advice_given") or (decided and handler == "ministry"):
                    event(submitted + timedelta(days=3), "application.refer", app_id, "in_review", "referred", rng.choice(officers), reason="Ministry decides.")
                if app_id in special_detail:
                    for k in range(5):
                        event(submitted + timedelta(days=4 + k), "application.claim", app_id, "in_review", "in_review", officers[0])
            if decided:
                outcome = DECIDED[status]
                did = nid("decision")
                decided_on = decided.date()
                per_year[decided_on.year] = per_year.get(decided_on.year, 0) + 1
                verb = {"issued": "issue", "denied": "deny", "answered": "answer_sondage", "ruled": "rule"}[outcome]
                event(decided, f"application.{verb}", app_id, "in_review", status, rng.choice(officers))
                licence_kind = "general" if general else "global" if kind == "global" else "individual"
                applied = f"{sum(v for _, _, v in lines)}.00" if lines and kind in ("individual", "global") else None
                T["decision"].add(
                    did, ref, "system", outcome, decided_on.isoformat(), goods_kind, licence_kind, movement,
                    goods_kind == "unlisted", "Bench reasons." if outcome == "denied" else "", "[1, 7]" if outcome == "denied" else "[]",
                    "Positive." if outcome == "answered" else "", (lines[0][0] if outcome == "ruled" and lines else ""), False, ts(decided), app_id, rng.choice(officers),
                    applied, end_use,
                )
                if general:
                    registration(T, nid, rng, registered, general, org, ref, did, decided)
                elif outcome == "issued":
                    lid = nid("licence")
                    valid_to = decided_on + timedelta(days=365 * (3 if kind == "global" else 2))
                    if app_id in special_usage:
                        decided_on, valid_to = date(2024, 1, 1), date(2030, 12, 31)
                    total = sum(v for _, _, v in lines)
                    origin = ("RU" if rng.random() < 0.2 else "CN") if movement == "transit" else None
                    T["licence"].add(
                        lid, f"NL{'G' if kind == 'global' else 'I'}-{app_id:07d}", f"Organisation {org}", "global" if kind == "global" else "individual",
                        goods_kind, movement, "active" if valid_to >= NOW.date() else "expired", parties[0] if parties else "", parties[1] if len(parties) > 1 else "",
                        decided_on.isoformat(), valid_to.isoformat(), "", f"{total}.00", False, rng.random() < 0.03, rng.random() < 0.01, ts(decided), did, org, "",
                        origin, f"{rng.randint(1, 500) * 1000}.00" if movement == "brokering" else None,
                    )
                    for country in destinations:
                        T["ldest"].add(lid, country)
                    if app_id in special_usage:
                        bench["usage_licences"].append(f"NLI-{app_id:07d}")
                    for pos, (entry, qty, value) in enumerate(lines):
                        used = rng.random() < 0.3 and app_id not in special_usage
                        ml = entry.split(".")[0] if entry.startswith("ML") else ""
                        T["line"].add(nid("line"), pos, f"Line {pos + 1}", entry or "EAR99", ml, f"{qty}.000", "pieces", f"{value}.00", False,
                                      f"{max(1, qty // 2)}.000" if used else "0", f"{value // 2}.00" if used else "0", lid)
                        if used and destinations:
                            exported = min(decided_on + timedelta(days=rng.randint(10, 300)), LAST_DAY)
                            T["usage"].add(nid("usage"), exported.isoformat(), entry or "EAR99", ml, f"{max(1, qty // 2)}.000", f"{value // 2}.00", parties[0] if parties else "Recipient", "", "",
                                           ts(decided), destinations[0], lid, org, org, None, movement, origin if movement == "transit" else None)
                elif outcome == "denied" and destinations:
                    T["denial"].add(nid("denial"), ref, True, decided_on.isoformat(), f"{goods_kind} goods", "", lines[0][0] if lines else "", parties[0] if parties else "",
                                    parties[1] if len(parties) > 1 else "", "[1, 7]", "", ts(decided), did, destinations[0], "NL")
            if app_id in special_detail:
                bench["detail20"].append(app_id)
            elif app_id in special_detail1:
                bench["detail1"].append(app_id)
            elif app_id in special_drafts:
                bench["drafts"].append(app_id)
            if app_id % CHUNK == 0 or app_id == last:
                for table in T.values():
                    table.flush(c)
                c.execute("UPDATE applications_searchdocument SET vector = to_tsvector('simple', words) WHERE vector IS NULL AND application_id > %s", [app_id - CHUNK])
                print(f"  {app_id:>9} applications", file=sys.stderr, flush=True)
        # Denials notified by other member states, up to the requested total.
        states = ["DE", "FR", "BE", "IT", "ES", "SE", "PL", "AT", "DK", "FI", "CZ"]
        for n in range(max(0, args.denials - ids["denial"])):
            day = FIRST_DAY + timedelta(days=rng.randint(0, span))
            T["denial"].add(nid("denial"), f"MS-{n:06d}", False, day.isoformat(), "Bench goods", "", rng.choice(MILITARY + DUAL_USE), company(rng), company(rng),
                            "[7]", "bench", ts(day_time(rng, day)), None, rng.choice(RISK_COUNTRIES), rng.choice(states))
        T["denial"].flush(c)
        c.execute("SET session_replication_role = DEFAULT")
        for table, seq in [("applications_application", last), ("applications_goodsline", ids["goods"]), ("applications_party", ids["party"]), ("applications_document", ids["doc"]),
                           ("audit_event", ids["event"]), ("licences_decision", ids["decision"]), ("licences_licence", ids["licence"]), ("licences_licenceline", ids["line"]),
                           ("licences_usagereport", ids["usage"]), ("assessment_denialregisterentry", ids["denial"]), ("licences_registration", ids["registration"])]:
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [max(seq, 1)])
        year = NOW.year
        c.execute("INSERT INTO applications_referencesequence (year, last) VALUES (%s, %s) ON CONFLICT (year) DO UPDATE SET last = EXCLUDED.last", [year, last + 1000])
    state["bench"] = bench
    state["decisions_per_year"] = dict(sorted(per_year.items()))
    return {name: table.total for name, table in T.items()}


class GeneralLicenceTerms(NamedTuple):
    code: str
    goods_kind: str
    movements: tuple[str, ...]


def general_licence_terms() -> list[GeneralLicenceTerms]:
    """The general licences of the reference data (load_reference), with the goods kind and movements they cover."""
    from licensing.reference.models import GeneralLicence

    return [
        GeneralLicenceTerms(code, "military" if kind == "military" else "dual_use", tuple(m.strip() for m in movements.split(",") if m.strip()))
        for code, kind, movements in GeneralLicence.objects.order_by("code").values_list("code", "kind", "movements")
    ]


def registration(T, nid, rng, registered, general: GeneralLicenceTerms, org: int, ref: str, decision_id: int, decided: datetime) -> None:
    """The registration a decided general-licence application gives, and the usage reported under it: transit with
    its country of origin where the licence covers transit. A second registration of an organisation for the same
    licence is written as revoked (one active registration per organisation and licence)."""
    registered_on = decided.date()
    active = (org, general.code) not in registered
    registered.add((org, general.code))
    rid = nid("registration")
    T["registration"].add(
        rid, f"{general.code}-{ref}", "active" if active else "revoked", registered_on.isoformat(),
        None if active else (registered_on + timedelta(days=1)).isoformat(), "" if active else "Bench: registered again.", decision_id, general.code, org,
    )
    if not active or rng.random() >= 0.4:
        return
    entries = MILITARY if general.goods_kind == "military" else DUAL_USE
    for _ in range(rng.randint(1, 5)):
        movement = rng.choice(general.movements)
        exported = min(registered_on + timedelta(days=rng.randint(5, 400)), LAST_DAY)
        entry = rng.choice(entries)
        ml = entry.split(".")[0] if entry.startswith("ML") else ""
        destination = rng.choice(EU if movement == "transfer" else EU + EXTRA_EU)
        T["usage"].add(
            nid("usage"), exported.isoformat(), entry, ml, f"{rng.randint(1, 200)}.000", f"{rng.randint(1, 400) * 250}.00", company(rng), "", "",
            ts(decided), destination, None, org, org, rid, movement, rng.choice(TRANSIT_ORIGINS) if movement == "transit" else None,
        )


# --- the sanctions list --------------------------------------------------------------------------------
def sanctions(rng, args) -> dict:
    """A sanctions list of `--sanctions` entries (35% persons; a third with a Cyrillic alias), indexed as
    list_replace indexes it (matching.name_key per name), written with COPY."""
    from django.db import connection
    from django.utils import timezone

    from licensing.screening.importers import ParsedEntry
    from licensing.screening.matching import name_key
    from licensing.screening.models import ScreeningList

    ScreeningList.objects.update_or_create(source="opensanctions", defaults={"kind": "sanctions", "entry_count": 0})
    entry_t = Table("screening_listentry", "id, reference, name, entity_kind, countries, programme, details, content_hash, updated_at, source_id")
    name_t = Table("screening_entryname", "id, name, normalised, skeleton, abjad, weak, entry_id")
    now = ts(timezone.now())
    seen, eid, nid = set(), 0, 0
    with connection.cursor() as c:
        for n in range(args.sanctions):
            is_person = rng.random() < 0.35
            name = person(rng) if is_person else company(rng)
            if name in seen:
                continue
            seen.add(name)
            aliases = [cyrillic(name)] if rng.random() < 0.3 else []
            if not is_person and rng.random() < 0.3:
                aliases.append(" ".join(name.split()[:-1]))
            parsed = ParsedEntry(reference=f"B{n:07d}", name=name, aliases=tuple(aliases), entity_kind="person" if is_person else "organisation",
                                 countries=(rng.choice(RISK_COUNTRIES),), programme="BENCH")
            eid += 1
            entry_t.add(eid, parsed.reference, name, parsed.entity_kind, json.dumps(list(parsed.countries)), "BENCH", "{}", parsed.content_hash, now, "opensanctions")
            keys = set()
            for alias in parsed.all_names:
                key = name_key(alias)
                if key and (key.key, key.abjad) not in keys:
                    keys.add((key.key, key.abjad))
                    nid += 1
                    name_t.add(nid, alias[:500], key.key[:500], key.skeleton[:500], key.abjad, False, eid)
            if eid % 20000 == 0:
                entry_t.flush(c)
                name_t.flush(c)
        entry_t.flush(c)
        name_t.flush(c)
        c.execute("SELECT setval(pg_get_serial_sequence('screening_listentry', 'id'), %s)", [max(eid, 1)])
        c.execute("SELECT setval(pg_get_serial_sequence('screening_entryname', 'id'), %s)", [max(nid, 1)])
    ScreeningList.objects.filter(pk="opensanctions").update(entry_count=eid, fingerprint="bench", updated_at=timezone.now())
    return {"sanctions_entries": eid, "sanctions_names": nid}


def finish(connection):
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE") if connection.get_autocommit() else c.execute("ANALYZE")


if __name__ == "__main__":
    main()
