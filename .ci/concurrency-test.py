#!/usr/bin/env python3
"""Concurrency: two `opcc` CLI clients and `opcc serve` (over the JSON API) write one database at once.

Each client, in a loop until the time is up, raises a decision and submits it, sets its own strand's budget, moves
£1 into a shared strand (a virement), allocates £1 from that shared strand and releases a £1 instalment of a shared
agreement. Every act is meant to succeed; each client counts what it was told succeeded. Half-way through, a backup is
taken while the writers run. Afterwards the database must hold exactly what the clients were told (no lost update,
nothing extra), `opcc audit verify` and `opcc finance check` must pass on it and on the backup, the backup must restore
into a new path, and no "database is locked" (SQLITE_BUSY) may reach any output or the server's log.

Usage: .ci/concurrency-test.py SECONDS OPCC_BINARY WORK_FOLDER   (started by .ci/concurrency-test)
"""
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

seconds = float(sys.argv[1])
opcc = sys.argv[2]
work = sys.argv[3]
db = os.path.join(work, "concurrency.sqlite")
OFFICE = ["--office", "cumbria"]
YEAR = "2016/17"
SHARED = "SHARED"
CLIENTS = ["cli1", "cli2", "api"]
INSTALMENTS = 400  # per client: more than any client can pay in the time
BUSY = re.compile(r"database is locked|SQLITE_BUSY|database table is locked", re.IGNORECASE)

outputs = []  # every text any client saw: checked for SQLITE_BUSY at the end
outputs_lock = threading.Lock()


def seen(text):
    with outputs_lock:
        outputs.append(text)


def cli(*args, who):
    """Runs one opcc command as `who` on the test's database; returns (ok, stdout, stderr)."""
    scope = [] if args[0] == "demo" else [*OFFICE, "--as", who]
    run = subprocess.run([opcc, *args, "--db", db, *scope], capture_output=True, text=True, timeout=300)
    seen(run.stdout + run.stderr)
    return run.returncode == 0, run.stdout, run.stderr


def must(*args, who):
    ok, out, err = cli(*args, who=who)
    if not ok:
        sys.exit(f"set-up step failed: opcc {' '.join(args)}\n{out}{err}")
    return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- Set-up: the demo, a source strand, a shared strand, an approved fund, and an agreement of many £1 instalments.
started = time.time()
must("demo", who="cumbria.officer")
must("finance", "budget", "--year", YEAR, "--strand", "SRC", "--name", "Source", "--amount", "£1,000,000",
     who="cumbria.finance")
must("finance", "budget", "--year", YEAR, "--strand", SHARED, "--name", "Shared", "--amount",
     f"£{len(CLIENTS) * INSTALMENTS}", who="cumbria.finance")
fund_file = os.path.join(work, "fund.json")
with open(fund_file, "w") as f:
    json.dump({"title": "Concurrency test fund", "executiveSummary": "Money for the concurrency test.",
               "recommendation": "Approve.", "amount": "£1,000,000",
               "fundingSource": {"strand": SHARED, "year": YEAR}}, f)
fund = re.search(r"cumbria-DR-\d+", must("decision", "raise", "--file", fund_file, who="cumbria.officer")).group(0)
must("decision", "submit", fund, who="cumbria.officer")
must("decision", "sign", fund, "--position", "originating-officer", "--name", "Vivian Stafford",
     who="cumbria.officer")
must("decision", "sign", fund, "--position", "chief-executive", "--name", "Stuart Edwards",
     who="cumbria.chief-executive")
must("decision", "refer", fund, who="cumbria.chief-executive")
must("decision", "decide", fund, "--approve", "--interests", "none", who="cumbria.pcc")
pool = re.search(r"cumbria-AL-\d+", must(
    "finance", "allocate", "--year", YEAR, "--strand", SHARED, "--decision", fund, "--recipient", "GB-CONC-PAY",
    "--recipient-name", "Payment pool", "--purpose", "Instalments paid during the concurrency test",
    "--amount", f"£{len(CLIENTS) * INSTALMENTS}", who="cumbria.finance")).group(0)
terms = os.path.join(work, "agreement.json")
with open(terms, "w") as f:
    json.dump({"allocations": [pool], "purpose": "Instalments paid during the concurrency test",
               "crimeAndDisorderStatement": "None: a test.", "start": "2016-04-01", "end": "2017-03-31",
               "payments": [{"id": f"{c}-{i}", "amount": "£1.00",
                             "condition": {"kind": "on-date", "day": "2016-04-02"}}
                            for c in CLIENTS for i in range(INSTALMENTS)]}, f)
agreement = re.search(r"cumbria-GA-\d+", must("finance", "agreement", "draft", "--file", terms,
                                              who="cumbria.finance")).group(0)
must("finance", "agreement", "assess", agreement, "--equality", "--reference", "EIA-CONC", who="cumbria.finance")
must("finance", "agreement", "assess", agreement, "--risk", "--reference", "RISK-CONC", who="cumbria.finance")
must("finance", "agreement", "confirm", agreement, who="cumbria.finance")
must("finance", "agreement", "signature", agreement, "--party", "opcc", "--name", "OPCC", who="cumbria.finance")
must("finance", "agreement", "signature", agreement, "--party", "recipient", "--name", "Pool",
     who="cumbria.finance")
must("finance", "agreement", "sign", agreement, who="cumbria.finance")
must("finance", "agreement", "activate", agreement, who="cumbria.finance")
tokens = {}
for who in ["cumbria.officer", "cumbria.finance"]:
    tokens[who] = must("token", "create", "--label", "concurrency", who=who).splitlines()[0].split()[-1]
print(f"set-up: demo, fund {fund}, agreement {agreement} with {len(CLIENTS) * INSTALMENTS} instalments "
      f"({time.time() - started:.1f} s)", flush=True)

# ---- The server.
port = free_port()
server_log = open(os.path.join(work, "serve.log"), "w")
server = subprocess.Popen([opcc, "serve", "--db", db, "--port", str(port)], stdout=server_log,
                          stderr=subprocess.STDOUT)
base = f"http://127.0.0.1:{port}"
for _ in range(600):
    try:
        urllib.request.urlopen(base + "/openapi.yaml", timeout=2).read()
        break
    except Exception:
        time.sleep(0.1)
else:
    server.kill()
    sys.exit("the server did not start")


def api(method, path, body, who):
    """One API call as `who`; returns (ok, status, text)."""
    request = urllib.request.Request(
        base + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {tokens[who]}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:
            text = answer.read().decode()
            status = answer.status
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        status = error.code
    seen(text)
    return 200 <= status < 300, status, text


# ---- The clients: each act through the CLI or the API, the same acts either way.
def act_cli(client, op, i, state):
    if op == "raise":
        draft = os.path.join(work, f"{client}-draft.json")
        with open(draft, "w") as f:
            json.dump({"title": f"conc {client} {i}", "executiveSummary": "Concurrency.",
                       "recommendation": "Note."}, f)
        ok, out, err = cli("decision", "raise", "--file", draft, who="cumbria.officer")
        if ok:
            state["raised"] = re.search(r"cumbria-DR-\d+", out).group(0)
        return ok, out + err
    if op == "submit":
        ok, out, err = cli("decision", "submit", state["raised"], who="cumbria.officer")
        return ok, out + err
    if op == "budget":
        ok, out, err = cli("finance", "budget", "--year", YEAR, "--strand", f"B-{client}", "--name", client,
                           "--amount", f"£{i + 1}", who="cumbria.finance")
        return ok, out + err
    if op == "vire":
        ok, out, err = cli("finance", "vire", "--year", YEAR, "--from", "SRC", "--to", SHARED, "--amount", "£1",
                           "--reason", f"conc {client} {i}", who="cumbria.finance")
        return ok, out + err
    if op == "allocate":
        ok, out, err = cli("finance", "allocate", "--year", YEAR, "--strand", SHARED, "--decision", fund,
                           "--recipient", f"GB-CONC-{client.upper()}", "--recipient-name", client,
                           "--purpose", f"conc {client} {i}", "--amount", "£1", who="cumbria.finance")
        return ok, out + err
    if op == "pay":
        ok, out, err = cli("finance", "agreement", "pay", agreement, "--instalment", f"{client}-{i}",
                           who="cumbria.finance")
        return ok, out + err
    raise ValueError(op)


def act_api(client, op, i, state):
    if op == "raise":
        ok, status, text = api("POST", "/api/v1/decisions", {
            "title": f"conc {client} {i}", "executiveSummary": "Concurrency.", "recommendation": "Note."},
            "cumbria.officer")
        if ok:
            state["raised"] = json.loads(text)["id"]
        return ok, f"{status} {text}"
    if op == "submit":
        ok, status, text = api("POST", f"/api/v1/decisions/{state['raised']}/submit", None, "cumbria.officer")
        return ok, f"{status} {text}"
    if op == "budget":
        ok, status, text = api("PUT", "/api/v1/budgets", {
            "year": YEAR, "strand": f"B-{client}", "name": client, "amount": f"£{i + 1}"}, "cumbria.finance")
        return ok, f"{status} {text}"
    if op == "vire":
        ok, status, text = api("POST", "/api/v1/virements", {
            "year": YEAR, "from": "SRC", "to": SHARED, "amount": "£1", "reason": f"conc {client} {i}"},
            "cumbria.finance")
        return ok, f"{status} {text}"
    if op == "allocate":
        ok, status, text = api("POST", "/api/v1/allocations", {
            "year": YEAR, "strand": SHARED, "decision": fund, "recipientOrgId": f"GB-CONC-{client.upper()}",
            "recipientName": client, "purpose": f"conc {client} {i}", "amount": "£1"}, "cumbria.finance")
        return ok, f"{status} {text}"
    if op == "pay":
        ok, status, text = api("POST", f"/api/v1/agreements/{agreement}/payments", {"instalment": f"{client}-{i}"},
                               "cumbria.finance")
        return ok, f"{status} {text}"
    raise ValueError(op)


OPS = ["raise", "submit", "budget", "vire", "allocate", "pay"]
results = {c: [] for c in CLIENTS}  # (op, i, ok, text, state snapshot)
deadline = None


def client_loop(client):
    act = act_api if client == "api" else act_cli
    i = 0
    while time.time() < deadline and i < INSTALMENTS:
        state = {}
        for op in OPS:
            if op == "submit" and "raised" not in state:
                continue
            ok, text = act(client, op, i, state)
            results[client].append((op, i, ok, text, dict(state)))
        i += 1


backup_report = {}


def take_backup():
    time.sleep(seconds / 2)
    path = os.path.join(work, "backup.sqlite")
    run = subprocess.run([opcc, "backup", path, "--db", db], capture_output=True, text=True, timeout=300)
    seen(run.stdout + run.stderr)
    backup_report.update(path=path, ok=run.returncode == 0, text=(run.stdout + run.stderr).strip(),
                         at=time.time() - deadline + seconds)


deadline = time.time() + seconds
threads = [threading.Thread(target=client_loop, args=(c,)) for c in CLIENTS]
threads.append(threading.Thread(target=take_backup))
began = time.time()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.time() - began
server.terminate()
server.wait(timeout=60)
server_log.close()

# ---- What the clients were told, against what the database holds.
failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, flush=True)


for client in CLIENTS:
    done = {op: sum(1 for r in results[client] if r[0] == op and r[2]) for op in OPS}
    refused = [r for r in results[client] if not r[2]]
    print(f"{client}: {len(results[client])} writes, " + ", ".join(f"{op} {n}" for op, n in done.items())
          + f"; {len(refused)} refused", flush=True)
    for op, i, _, text, _ in refused[:5]:
        fail(f"{client} {op} {i} was refused: {text.strip()[:300]}")

decisions = json.loads(must("decision", "list", "--json", who="cumbria.officer"))
by_title = {d["title"]: d for d in decisions if d["title"].startswith("conc ")}
reconciliation = json.loads(must("finance", "reconciliation", "--year", YEAR, "--json", who="cumbria.finance"))
strand_rows = {r["strand"]: r for r in reconciliation if "recipient" not in r}
recipient_rows = {(r["strand"], r["recipient"]): r for r in reconciliation if "recipient" in r}
agreements = json.loads(must("finance", "agreements", "--json", who="cumbria.finance"))
instalments = next(a for a in agreements if a["id"] == agreement)["instalments"]
paid = {line.split()[0] for line in instalments if ", paid " in line}

total_told = 0
for client in CLIENTS:
    rs = results[client]
    told = {op: [r for r in rs if r[0] == op and r[2]] for op in OPS}
    total_told += sum(len(v) for v in told.values())
    titles = {f"conc {client} {r[1]}" for r in told["raise"]}
    stored = {t for t in by_title if t.startswith(f"conc {client} ")}
    if titles != stored:
        fail(f"{client}: raised {len(titles)} decisions, the register holds {len(stored)}: "
             f"missing {sorted(titles - stored)[:5]}, unexpected {sorted(stored - titles)[:5]}")
    for r in told["submit"]:
        status = by_title.get(f"conc {client} {r[1]}", {}).get("status")
        if status != "awaiting-sign-offs":
            fail(f"{client}: decision {r[4].get('raised')} was submitted but is {status}")
    if told["budget"]:
        last = max(r[1] for r in told["budget"]) + 1
        held = strand_rows.get(f"B-{client}", {}).get("budgetPence")
        if held != last * 100:
            fail(f"{client}: last budget set was £{last}, the ledger holds {held} pence")
    allocated = recipient_rows.get((SHARED, f"GB-CONC-{client.upper()}"), {}).get("allocatedPence", 0)
    if allocated != 100 * len(told["allocate"]):
        fail(f"{client}: {len(told['allocate'])} allocations of £1 succeeded, {allocated} pence allocated")
    want_paid = {f"{client}-{r[1]}" for r in told["pay"]}
    have_paid = {p for p in paid if p.startswith(f"{client}-")}
    if want_paid != have_paid:
        fail(f"{client}: paid {len(want_paid)} instalments, the agreement shows {len(have_paid)} paid")

vired = sum(1 for c in CLIENTS for r in results[c] if r[0] == "vire" and r[2])
shared_budget = strand_rows[SHARED]["budgetPence"]
if shared_budget != 100 * (len(CLIENTS) * INSTALMENTS + vired):
    fail(f"{vired} virements of £1 into {SHARED} succeeded; its budget is {shared_budget} pence")
if strand_rows["SRC"]["budgetPence"] != 100_000_000 - 100 * vired:
    fail(f"{vired} virements of £1 out of SRC succeeded; its budget is {strand_rows['SRC']['budgetPence']} pence")
paid_pence = recipient_rows.get((SHARED, "GB-CONC-PAY"), {}).get("paidPence", 0)
if paid_pence != 100 * len(paid):
    fail(f"{len(paid)} instalments paid, the ledger shows {paid_pence} pence paid")

for name, args in [("audit verify", ["audit", "verify"]), ("finance check", ["finance", "check"])]:
    ok, out, err = cli(*args, who="cumbria.auditor")
    print(f"{name}: {(out + err).strip().splitlines()[0] if (out + err).strip() else ''}", flush=True)
    if not ok:
        fail(f"{name} failed: {out}{err}")

# ---- The backup taken while the writers ran: verified, and restored into a new path.
if not backup_report.get("ok"):
    fail(f"the backup taken while writing failed: {backup_report.get('text')}")
else:
    print(f"backup at {backup_report['at']:.1f} s, while writing: {backup_report['text']}", flush=True)
    restored = os.path.join(work, "restored.sqlite")
    for args in [["audit", "verify", "--db", backup_report["path"]],
                 ["restore", backup_report["path"], "--db", restored],
                 ["audit", "verify", "--db", restored], ["finance", "check", "--db", restored]]:
        run = subprocess.run([opcc, *args], capture_output=True, text=True, timeout=300)
        seen(run.stdout + run.stderr)
        print(f"opcc {' '.join(a if a.startswith('-') or not a.startswith('/') else os.path.basename(a) for a in args)}: "
              f"{(run.stdout + run.stderr).strip().splitlines()[-1] if (run.stdout + run.stderr).strip() else ''}",
              flush=True)
        if run.returncode != 0:
            fail(f"opcc {' '.join(args)} failed: {run.stdout}{run.stderr}")

with open(os.path.join(work, "serve.log")) as f:
    log = f.read()
seen(log)
busy = sum(len(BUSY.findall(text)) for text in outputs)
server_errors = len(re.findall(r"request failed|\b5\d\d\b.*error", log))
if busy:
    fail(f"{busy} outputs said the database was locked")
if server_errors:
    fail(f"the server logged {server_errors} failed requests")
print(f"concurrency test: {seconds:.0f} s of writing ({elapsed:.1f} s with the last acts), {len(CLIENTS)} clients "
      f"(2 CLI processes and the server's API), {total_told} writes told succeeded, "
      f"{sum(1 for c in CLIENTS for r in results[c] if not r[2])} refused, {busy} 'database is locked' seen, "
      f"{len(failures)} failures", flush=True)
sys.exit(1 if failures else 0)
