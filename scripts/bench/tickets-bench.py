#!/usr/bin/env python3
"""Ticket-list benchmark (issue 4): 'my open tickets' and filtered lists over 200,000 tickets on SQLite and
1,000,000 on PostgreSQL, through the API and the /tickets page of a running `parc serve`.

Three steps, run by scripts/bench-tickets:
  setup    through the API (as the super-admin): customers and their sites, 50 technicians each holding a
           technician profile on one or two customers (recursive), two support groups per customer, SLA policies
           and a category tree; writes the ids to a JSON file.
  seed     straight into the database (the server's migrations made the schema): requester accounts and their
           profiles, then N tickets with the rows TicketService writes for each one (ticket_actors for requesters,
           observers, technicians and groups; ticket_status_changes for every status it went through), in a
           realistic mix (about 15 % open, priorities from the urgency × impact matrix, SLA deadlines and breach
           flags, tags, French and English text); then ANALYZE. SQLite through Python's sqlite3 (executemany),
           PostgreSQL through COPY (psql).
  measure  as technicians (not super-admins: the entity scope is in every query), after a warm-up, p50/p95 of
           each list, cycling through several technicians and filter values; prints Markdown rows.

usage: tickets-bench.py setup --url URL --token TOKEN --out FILE
       tickets-bench.py seed --setup FILE (--sqlite PATH | --postgres URL) [--tickets N]
       tickets-bench.py measure --url URL --setup FILE --tokens FILE [--requests 200] [--label L]
"""
import argparse
import csv
import datetime
import http.client
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

CUSTOMERS = 20
SITES_PER_CUSTOMER = 3
TECHNICIANS = 50
REQUESTERS_PER_SITE = 25
PASSWORD = "bench password long enough"

WORDS_FR = ("imprimante bourrage toner réseau wifi câble routeur commutateur serveur sauvegarde messagerie courriel "
            "boîte mot passe compte verrouillé session poste écran clavier souris pilote mise jour redémarrer "
            "partage dossier droits accès vpn certificat navigateur téléphone licence logiciel installation disque "
            "plein lenteur démarrage batterie projecteur salle réunion caméra micro casque badge photocopieur").split()
WORDS_EN = ("printer jam toner network wifi cable router switch server backup mail mailbox password account locked "
            "session workstation screen keyboard mouse driver update restart share folder rights access vpn "
            "certificate browser phone licence software install disk full slow boot battery projector meeting room "
            "camera microphone headset badge copier").split()
FILLER = "le la les de du un une et pour avec dans sur the a an and for with in on to of since after".split()
HOST_EVERY = 7


def host_name(number):
    return f"PC-{number:07d}"

# GLPI's default matrix: rows urgency 1→5, columns impact 1→5.
MATRIX = [[1, 1, 2, 2, 2], [1, 2, 2, 3, 3], [2, 2, 3, 4, 4], [2, 3, 4, 4, 5], [2, 3, 4, 5, 5]]
# SLA targets by priority (the policy created by setup), and the same as calendar seconds, roughly: business hours
# are 8 a day, 5 days a week, so a business day is about a calendar day and a half.
TARGETS = {6: ("30m", "4h"), 5: ("30m", "4h"), 4: ("1h", "8h"), 3: ("4h", "3d"), 2: ("4h", "3d"), 1: ("4h", "3d")}
TARGET_SECONDS = {"30m": 1800, "1h": 3600, "4h": 14400, "8h": 86400, "3d": 4.5 * 86400}
HOUR = 3600
DAY = 86400


# ---------------------------------------------------------------------------------------------------------------
# HTTP


class API:
    def __init__(self, url, token):
        target = urllib.parse.urlparse(url)
        self.connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        self.token = token

    def call(self, method, path, body=None, expect=(200, 201)):
        headers = {"Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status not in expect:
            sys.exit(f"{method} {path}: {response.status} {payload[:300]!r}")
        return json.loads(payload) if payload else None


def setup(args):
    api = API(args.url, args.token)
    root = api.call("GET", "/api/v1/entities")["items"][0]["id"]
    customers = []
    for c in range(CUSTOMERS):
        customer = api.call("POST", "/api/v1/entities", {"name": f"Client {c + 1:02d}", "parent_id": root})["id"]
        sites = [api.call("POST", "/api/v1/entities", {"name": f"Site {c + 1:02d}-{s + 1}", "parent_id": customer})["id"]
                 for s in range(SITES_PER_CUSTOMER)]
        customers.append({"id": customer, "sites": sites})
    technicians = []
    for t in range(TECHNICIANS):
        home = t % CUSTOMERS
        # Half of them also cover a second customer: a realistic scope of one or two customers out of twenty.
        scope = [home] if t % 2 == 0 else [home, (home + 7) % CUSTOMERS]
        user = api.call("POST", "/api/v1/users", {
            "login": f"tech{t + 1:02d}", "display_name": f"Technicien {t + 1:02d}",
            "email": f"tech{t + 1:02d}@example.org", "password": PASSWORD,
            "entity_id": customers[home]["id"], "role": "technician", "recursive": True})
        for extra in scope[1:]:
            api.call("POST", f"/api/v1/users/{user['id']}/profiles",
                     {"entity_id": customers[extra]["id"], "role": "technician", "recursive": True})
        technicians.append({"id": user["id"], "login": f"tech{t + 1:02d}", "customers": scope})
    for c, customer in enumerate(customers):
        members = [t["id"] for t in technicians if c in t["customers"]]
        customer["groups"] = [api.call("POST", "/api/v1/support-groups", {
            "entity_id": customer["id"], "name": f"{level} client {c + 1:02d}", "member_ids": members})["id"]
            for level in ("N1", "N2")]
        customer["technicians"] = [i for i, t in enumerate(technicians) if c in t["customers"]]
    week = {day: ["08:00-12:00", "13:30-17:30"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    rules = [{"priorities": [5, 6], "time_to_own": "30m", "time_to_resolve": "4h"},
             {"priorities": [4], "time_to_own": "1h", "time_to_resolve": "8h"},
             {"time_to_own": "4h", "time_to_resolve": "3d"}]
    policy = api.call("POST", "/api/v1/sla-policies", {
        "entity_id": root, "name": "Standard", "rules": rules,
        "calendar": {"time_zone": "Europe/Paris", "week": week, "holidays": ["01-01", "05-01", "12-25"]}})["id"]
    api.call("PATCH", f"/api/v1/helpdesk-settings/{root}", {"default_sla_policy_id": policy})
    categories = []
    for name, children in [("Matériel", ["Poste", "Imprimante", "Écran", "Téléphone"]),
                           ("Logiciel", ["Bureautique", "Métier", "Navigateur", "Licence"]),
                           ("Réseau", ["Wifi", "VPN", "Câblage", "Internet"]),
                           ("Comptes", ["Mot de passe", "Droits", "Messagerie", "Nouvel arrivant"]),
                           ("Sauvegarde", ["Restauration", "Échec"]),
                           ("Demande", ["Achat", "Prêt", "Déménagement"])]:
        parent = api.call("POST", "/api/v1/ticket-categories", {"entity_id": root, "name": name})["id"]
        categories.append(parent)
        for child in children:
            categories.append(api.call("POST", "/api/v1/ticket-categories",
                                       {"entity_id": root, "name": child, "parent_id": parent})["id"])
    with open(args.out, "w") as file:
        json.dump({"root": root, "customers": customers, "technicians": technicians, "policy": policy,
                   "categories": categories}, file, indent=1)


# ---------------------------------------------------------------------------------------------------------------
# Seeding


class Rows:
    """Rows in database-neutral form: UUIDs as uuid.UUID, dates as epoch seconds, booleans as bool."""

    TICKET_COLUMNS = ["id", "num", "reference", "entity_id", "type", "category_id", "title", "description", "status",
                      "urgency", "impact", "priority", "source", "location", "tags", "pending_reason",
                      "pending_resumes_at", "sla_policy_id", "time_to_own_target", "time_to_resolve_target",
                      "time_to_own_due", "time_to_resolve_due", "time_to_own_breached", "time_to_resolve_breached",
                      "sla_warned", "opened_at", "taken_into_account_at", "solved_at", "closed_at", "solution",
                      "solution_status", "diagnosis", "parts", "created_by", "created_at", "updated_at"]
    ACTOR_COLUMNS = ["id", "ticket_id", "role", "user_id", "group_id", "email"]
    CHANGE_COLUMNS = ["id", "ticket_id", "status", "changed_at", "actor_id"]
    USER_COLUMNS = ["id", "entity_id", "login", "display_name", "email", "password_hash", "is_active", "language",
                    "time_zone", "theme", "totp_enabled", "must_change_password", "password_changed_at",
                    "created_at", "updated_at"]
    PROFILE_COLUMNS = ["id", "user_id", "entity_id", "role", "recursive", "created_at"]


def new_id(rng):
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def sentence(rng, words, count):
    return " ".join(rng.choice(words if rng.random() < 0.7 else FILLER) for _ in range(count)).capitalize() + "."


def requesters(rng, setup, password_hash, now):
    """Accounts of the people who open tickets: REQUESTERS_PER_SITE per site, each a requester of their site."""
    users, profiles, by_site = [], [], {}
    for c, customer in enumerate(setup["customers"]):
        for s, site in enumerate(customer["sites"]):
            ids = []
            for r in range(REQUESTERS_PER_SITE):
                user = new_id(rng)
                login = f"user{c + 1:02d}{s + 1}{r + 1:03d}"
                users.append([user, uuid.UUID(site), login, f"Utilisateur {c + 1:02d}-{s + 1}-{r + 1:03d}",
                              f"{login}@example.org", password_hash, True, None, None, "auto", False, False, now,
                              now, now])
                profiles.append([new_id(rng), user, uuid.UUID(site), "requester", False, now])
                ids.append(user)
            by_site[site] = ids
    return users, profiles, by_site


def tickets(rng, setup, count, by_site, now):
    """Yields (ticket row, actor rows, status change rows), oldest first, numbered from 1."""
    customers = setup["customers"]
    technicians = [uuid.UUID(t["id"]) for t in setup["technicians"]]
    categories = [uuid.UUID(c) for c in setup["categories"]]
    policy = uuid.UUID(setup["policy"])
    # Some customers are much bigger than others.
    weights = [1.0 / (1 + c * 0.25) for c in range(len(customers))]
    # Open tickets are recent; the others spread over three years.
    ages = []
    for _ in range(count):
        if rng.random() < 0.15:
            ages.append((min(rng.expovariate(1 / (6 * DAY)), 120 * DAY), True))
        else:
            ages.append((rng.uniform(0, 3 * 365 * DAY), False))
    ages.sort(key=lambda age: -age[0])
    for index, (age, is_open) in enumerate(ages):
        number = index + 1
        opened = now - age
        c = rng.choices(range(len(customers)), weights)[0]
        customer = customers[c]
        site = rng.choice(customer["sites"]) if rng.random() < 0.9 else None
        entity = uuid.UUID(site or customer["id"])
        people = by_site[site or customer["sites"][0]]
        if is_open:
            status = rng.choices(["new", "assigned", "planned", "pending"], [20, 55, 10, 15])[0]
        else:
            status = "solved" if rng.random() < 0.06 else "closed"
        urgency = rng.choices([1, 2, 3, 4, 5], [5, 20, 45, 22, 8])[0]
        impact = rng.choices([1, 2, 3, 4, 5], [10, 25, 40, 18, 7])[0]
        priority = 6 if rng.random() < 0.005 else MATRIX[urgency - 1][impact - 1]
        own_target, resolve_target = TARGETS[priority]
        own_due = opened + TARGET_SECONDS[own_target]
        resolve_due = opened + TARGET_SECONDS[resolve_target]
        words = WORDS_FR if rng.random() < 0.6 else WORDS_EN
        title = " ".join(rng.choice(words) for _ in range(rng.randint(3, 7))).capitalize()
        description = " ".join(sentence(rng, words, rng.randint(8, 18)) for _ in range(rng.randint(1, 3)))
        if number % HOST_EVERY == 0:
            # A machine named in one ticket out of HOST_EVERY: the rare text a technician searches for.
            description += f" Machine {host_name(number)}."
        ticket_id = new_id(rng)
        requester = None if rng.random() < 0.05 else rng.choice(people)
        actors = [[new_id(rng), ticket_id, "requester", requester, None,
                   None if requester else f"extern{number}@example.com"]]
        if rng.random() < 0.03:
            actors.append([new_id(rng), ticket_id, "observer", rng.choice(people), None, None])
        taken = None
        assigned_at_opening = rng.random() < 0.5
        if status != "new":
            group_only = rng.random() < 0.05
            if not group_only:
                technician = technicians[rng.choice(customer["technicians"])]
                actors.append([new_id(rng), ticket_id, "assignee", technician, None, None])
                taken = opened + (0 if assigned_at_opening else rng.uniform(300, TARGET_SECONDS[own_target] * 1.5))
            if group_only or rng.random() < 0.7:
                actors.append([new_id(rng), ticket_id, "assignee", None,
                               uuid.UUID(rng.choice(customer["groups"])), None])
        else:
            assigned_at_opening = False
        technician_id = next((a[3] for a in actors if a[2] == "assignee" and a[3]), None)
        changes = [[new_id(rng), ticket_id, "assigned" if assigned_at_opening else "new", opened, requester]]
        if status != "new" and not assigned_at_opening:
            changes.append([new_id(rng), ticket_id, "assigned", taken or opened + 600, technician_id])
        last = changes[-1][3]
        solved = closed = None
        pending_reason = resumes = solution = solution_status = None
        if status in ("planned", "pending"):
            at = min(last + rng.uniform(600, DAY), now - 60)
            changes.append([new_id(rng), ticket_id, status, max(at, last), technician_id])
            if status == "pending":
                pending_reason = rng.choice(["Attente de la pièce", "Waiting for the user", "Attente du fournisseur"])
                resumes = now + rng.uniform(HOUR, 5 * DAY) if rng.random() < 0.3 else None
        if status in ("solved", "closed"):
            solved = min(last + rng.uniform(HOUR, 10 * DAY), now - 120)
            solved = max(solved, last)
            changes.append([new_id(rng), ticket_id, "solved", solved, technician_id])
            solution = sentence(rng, words, rng.randint(6, 14))
            solution_status = "waiting"
            if status == "closed":
                closed = max(min(solved + rng.uniform(HOUR, 7 * DAY), now - 60), solved)
                changes.append([new_id(rng), ticket_id, "closed", closed, None])
                solution_status = "approved"
        clock_running = status in ("new", "assigned", "planned")
        own_breached = (taken if taken is not None else (now if status != "closed" and status != "solved" else solved)) > own_due
        resolve_breached = (solved if solved is not None else now) > resolve_due and (clock_running or solved is not None)
        warned = clock_running and now < resolve_due <= now + HOUR
        updated = closed or solved or (changes[-1][3] if len(changes) > 1 else opened)
        tags = rng.choice(['["vip"]', '["réseau"]', '["matériel", "garantie"]']) if rng.random() < 0.1 else "[]"
        year = datetime.datetime.fromtimestamp(opened, datetime.timezone.utc).year
        ticket = [ticket_id, number, f"{year}-{number:05d}", entity,
                  "incident" if rng.random() < 0.7 else "request",
                  rng.choice(categories) if rng.random() < 0.85 else None, title, description, status, urgency,
                  impact, priority, rng.choices(["web", "mail", "phone", "api", "monitoring"], [40, 35, 15, 5, 5])[0],
                  None, tags, pending_reason, resumes, policy, own_target, resolve_target, own_due, resolve_due,
                  own_breached, resolve_breached, warned, opened, taken, solved, closed, solution, solution_status,
                  None, None, requester, opened, updated]
        yield ticket, actors, changes


def sqlite_value(value):
    if isinstance(value, uuid.UUID):
        return str(value).upper()
    if isinstance(value, bool):
        return int(value)
    return value


def pg_value(value, column):
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float) and (column.endswith("_at") or column.endswith("_due")):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc).isoformat()
    return value


def seed(args):
    with open(args.setup) as file:
        setup_data = json.load(file)
    rng = random.Random(20261130)
    now = time.time()
    started = time.monotonic()
    if args.sqlite:
        seed_sqlite(args, rng, setup_data, now)
    else:
        seed_postgres(args, rng, setup_data, now)
    print(f"seeded {args.tickets:,} tickets in {time.monotonic() - started:.0f} s", file=sys.stderr)


def insert_sql(table, columns):
    return (f'INSERT INTO "{table}" (' + ", ".join(f'"{c}"' for c in columns) + ") VALUES ("
            + ", ".join("?" for _ in columns) + ")")


def seed_sqlite(args, rng, setup_data, now):
    db = sqlite3.connect(args.sqlite, timeout=60)
    db.execute("PRAGMA journal_mode=WAL")
    password_hash = db.execute("SELECT password_hash FROM users LIMIT 1").fetchone()[0]
    users, profiles, by_site = requesters(rng, setup_data, password_hash, now)
    with db:
        db.executemany(insert_sql("users", Rows.USER_COLUMNS), [[sqlite_value(v) for v in row] for row in users])
        db.executemany(insert_sql("profiles", Rows.PROFILE_COLUMNS),
                       [[sqlite_value(v) for v in row] for row in profiles])
    batch_tickets, batch_actors, batch_changes = [], [], []

    def flush():
        with db:
            db.executemany(insert_sql("tickets", Rows.TICKET_COLUMNS), batch_tickets)
            db.executemany(insert_sql("ticket_actors", Rows.ACTOR_COLUMNS), batch_actors)
            db.executemany(insert_sql("ticket_status_changes", Rows.CHANGE_COLUMNS), batch_changes)
        batch_tickets.clear()
        batch_actors.clear()
        batch_changes.clear()

    for ticket, actors, changes in tickets(rng, setup_data, args.tickets, by_site, now):
        batch_tickets.append([sqlite_value(v) for v in ticket])
        batch_actors.extend([sqlite_value(v) for v in row] for row in actors)
        batch_changes.extend([sqlite_value(v) for v in row] for row in changes)
        if len(batch_tickets) >= 20000:
            flush()
    flush()
    db.execute("ANALYZE")
    db.commit()
    db.close()


def seed_postgres(args, rng, setup_data, now):
    def psql(sql, stdin=None):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", args.postgres, "-c", sql], check=True,
                       stdin=stdin)

    password_hash = subprocess.run(["psql", "-X", "-A", "-t", args.postgres, "-c",
                                    "SELECT password_hash FROM users LIMIT 1"], check=True, capture_output=True,
                                   text=True).stdout.strip()
    users, profiles, by_site = requesters(rng, setup_data, password_hash, now)
    work = tempfile.mkdtemp(prefix="parc-tickets-seed.")
    files = {}
    writers = {}
    for table in ("users", "profiles", "tickets", "ticket_actors", "ticket_status_changes"):
        files[table] = open(os.path.join(work, table + ".csv"), "w", newline="")
        writers[table] = csv.writer(files[table])
    columns = {"users": Rows.USER_COLUMNS, "profiles": Rows.PROFILE_COLUMNS, "tickets": Rows.TICKET_COLUMNS,
               "ticket_actors": Rows.ACTOR_COLUMNS, "ticket_status_changes": Rows.CHANGE_COLUMNS}

    def write(table, row):
        writers[table].writerow(["\\N" if v is None else v
                                 for v in (pg_value(v, c) for v, c in zip(row, columns[table]))])

    for row in users:
        write("users", row)
    for row in profiles:
        write("profiles", row)
    for ticket, actors, changes in tickets(rng, setup_data, args.tickets, by_site, now):
        write("tickets", ticket)
        for row in actors:
            write("ticket_actors", row)
        for row in changes:
            write("ticket_status_changes", row)
    for file in files.values():
        file.close()
    print(f"generated in {work}", file=sys.stderr)
    for table in ("users", "profiles", "tickets", "ticket_actors", "ticket_status_changes"):
        with open(os.path.join(work, table + ".csv")) as stdin:
            psql(f'COPY "{table}" (' + ", ".join(f'"{c}"' for c in columns[table])
                 + ") FROM STDIN WITH (FORMAT csv, NULL '\\N')", stdin=stdin)
        os.remove(os.path.join(work, table + ".csv"))
    os.rmdir(work)
    psql("SELECT setval(pg_get_serial_sequence('tickets', 'num'), (SELECT MAX(num) FROM tickets))")
    psql("VACUUM ANALYZE")


# ---------------------------------------------------------------------------------------------------------------
# Measuring


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def web_session(connection, login):
    """Signs in through the login form (CSRF token and session cookie) and returns the Cookie header."""
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = "; ".join(value.split(";")[0] for name, value in response.getheaders() if name.lower() == "set-cookie")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf": csrf, "next": "/", "login": login, "password": PASSWORD})
    connection.request("POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    if response.status not in (302, 303):
        sys.exit(f"signing in as {login}: {response.status}")
    return "; ".join(value.split(";")[0] for name, value in response.getheaders()
                     if name.lower() == "set-cookie") or cookie


def measure(args):
    with open(args.setup) as file:
        setup_data = json.load(file)
    with open(args.tokens) as file:
        tokens = json.load(file)  # login -> token
    target = urllib.parse.urlparse(args.url)
    rng = random.Random(7)
    logins = sorted(tokens)
    technicians = {t["login"]: t for t in setup_data["technicians"]}
    customers = setup_data["customers"]
    words = WORDS_FR + WORDS_EN

    def filtered(login):
        technician = technicians[login]
        customer = customers[rng.choice(technician["customers"])]
        return (f"/api/v1/tickets?status=assigned,planned&priority={rng.choice(['3', '4', '3,4', '2,3'])}"
                f"&group_id={rng.choice(customer['groups'])}&entity_id={customer['id']}")

    lists = [
        ("my open tickets", lambda login: "/api/v1/tickets?status=open&assignee_id=me"),
        ("unassigned", lambda login: "/api/v1/tickets?status=open&unassigned=true"),
        ("due within 2 hours", lambda login: "/api/v1/tickets?breaching_within_minutes=120"),
        ("status + priority + group + entity", filtered),
        ("text search (one word, all statuses)", lambda login: f"/api/v1/tickets?q={urllib.parse.quote(rng.choice(words))}"),
        ("text search (a host name, all statuses)",
         lambda login: f"/api/v1/tickets?q={host_name(HOST_EVERY * rng.randint(1, args.tickets // HOST_EVERY))}"),
        ("open, by priority", lambda login: "/api/v1/tickets?status=open&sort=-priority"),
        ("open, by deadline", lambda login: "/api/v1/tickets?status=open&sort=time_to_resolve_due"),
        ("closed, page 20 (rows 951–1,000)", lambda login: "/api/v1/tickets?status=closed&page=20"),
        ("closed, page 200 (rows 9,951–10,000)", lambda login: "/api/v1/tickets?status=closed&page=200"),
        ("/tickets page (open tickets, HTML)", lambda login: "/tickets"),
        ("/tickets?assignee_id=me (HTML)", lambda login: "/tickets?status=open&assignee_id=me"),
    ]
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
    # Pages take the session of a signed-in technician; the API takes their token.
    cookies = {login: web_session(connection, login) for login in logins}

    def get(path, login):
        headers = ({"Authorization": "Bearer " + tokens[login]} if path.startswith("/api/")
                   else {"Cookie": cookies[login]})
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        data = response.read()
        if response.status != 200:
            sys.exit(f"{path} as {login}: {response.status} {data[:300]!r}")
        return data

    print(f"| {args.label} list | p50 | p95 | max | items on page / total (first request) |")
    print("|---|---|---|---|---|")
    for name, make in lists:
        paths = [(login, make(login)) for login in (logins[i % len(logins)] for i in range(args.requests))]
        for login, path in paths[:20]:
            get(path, login)
        timings = []
        first = None
        for login, path in paths:
            started = time.perf_counter()
            data = get(path, login)
            timings.append((time.perf_counter() - started) * 1000)
            if first is None and path.startswith("/api/"):
                body = json.loads(data)
                first = f"{len(body['items'])} / {body['total']:,}" + ("+" if body.get("total_capped") else "")
        timings.sort()
        print(f"| {name} | {percentile(timings, 0.5):.1f} ms | {percentile(timings, 0.95):.1f} ms "
              f"| {timings[-1]:.1f} ms | {first or 'HTML'} |", flush=True)
    connection.close()


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("setup")
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--out", required=True)
    p = commands.add_parser("seed")
    p.add_argument("--setup", required=True)
    p.add_argument("--sqlite")
    p.add_argument("--postgres")
    p.add_argument("--tickets", type=int, default=200000)
    p = commands.add_parser("measure")
    p.add_argument("--url", required=True)
    p.add_argument("--setup", required=True)
    p.add_argument("--tokens", required=True)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--tickets", type=int, default=200000, help="how many tickets were seeded (host names to search)")
    p.add_argument("--label", default="")
    args = parser.parse_args()
    if args.command == "seed" and bool(args.sqlite) == bool(args.postgres):
        parser.error("seed takes one of --sqlite PATH or --postgres URL")
    {"setup": setup, "seed": seed, "measure": measure}[args.command](args)


if __name__ == "__main__":
    main()
