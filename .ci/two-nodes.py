#!/usr/bin/env python3
"""Two web nodes on one PostgreSQL database behind nginx: stateless nodes, one deadline sweep, a node killed mid-burst.

On the server of OPCC_TEST_POSTGRES_URL a fresh database is made and the demo loaded into it without its returns
(`opcc demo --without-returns`: the 2016/17 returns are scheduled, never written, so years overdue and the deadline
sweep has work); node A (`opcc serve --demo --without-returns`, which sets the demo passwords) and node B
(`opcc serve`) are started on it together, each with `--trusted-proxy 127.0.0.1`, and nginx balances them round robin
from a temporary folder (its own configuration, logs, temp paths and pid file). Then:

a. health: GET /healthz answers 200 on A, on B and through nginx.
b. sessions are in the database: a person signs in through A's form and, with the same cookie, reads a staff page and
   raises a decision through B's form; a sign-in form fetched from B is accepted by A; through nginx several requests
   in a row reach both nodes, all signed in.
c. the deadline sweep ran once across the nodes: both swept at their start; today's sweeps recorded something; no
   (record, deadline event) pair is in the audit log twice, and the events of today's sweeps are as many as the
   nodes said they recorded.
d. a burst of writes through nginx (client threads raising decisions over the API with tokens) during which node B is
   killed with SIGKILL: every raise a client was told succeeded (2xx with its id) is in the database, none it was
   told was refused (503 database-busy, or a 4xx refusal) is, at most one raise per thread fails (the one in flight
   on B), nginx sends the later ones to A, and `opcc audit verify` and `opcc finance check` pass.
e. mail: both nodes run the delivery worker (`--smtp-url`, each with a sender address of its own) to one SMTP server
   on loopback (.ci/smtp-sink, aiosmtpd); node B is started again, and 100 decisions raised and submitted through
   the API, on A and B in turn, write 200 sign-off requests; each of the 200 is received exactly once (by its
   Message-ID), both nodes sent some, and every one is marked sent.
f. documents: with the CLI on the shared database (as node A's office would; there is no upload API yet), a Part 1
   business case and a Part 2 annex carrying a tripwire are attached to the decision raised in b, which is then taken
   to published (submit, two sign-offs, refer, decide, publish); node B serves the Part 1 file to the public byte for
   byte, as a download (`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`), the Part 2 file is
   404 to the public on both nodes and the public notice on B lists the first and not the second, and the office's
   auditor (a Part 2 reader) signed in on B downloads the Part 2 file, the read recorded once in the audit log.

Any miss fails the run with a message saying what was expected and what was seen. A short summary with figures ends
the output.

Usage: .ci/two-nodes.py SECONDS OPCC_BINARY WORK_FOLDER   (started by .ci/two-nodes; SECONDS is the burst's length)
"""
import datetime
import email.parser
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

seconds = float(sys.argv[1])
opcc = sys.argv[2]
work = sys.argv[3]
PASSWORD = "demo-password"  # Passwords.demoPassword, set by `opcc serve --demo`
THREADS = 6
begun = time.time()
processes = []  # (name, Popen): stopped at the end, whatever happens
failures = []


def stop(message):
    """Fails the run now: the message, then the nodes' and nginx's logs' last lines."""
    print(f"FAIL: {message}", flush=True)
    for name in ["node-a.log", "node-b.log", "nginx/error.log"]:
        path = os.path.join(work, name)
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                tail = f.read().splitlines()[-15:]
            print(f"--- last lines of {name}:\n" + "\n".join(tail), flush=True)
    sys.exit(1)


def check(condition, message):
    """Records a miss and goes on (the checks after the burst report every miss at once)."""
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}", flush=True)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- The database: a fresh one on the test cluster's server, dropped at the end.
base_url = os.environ.get("OPCC_TEST_POSTGRES_URL", "")
if not base_url.startswith(("postgres://", "postgresql://")):
    sys.exit("two-nodes: OPCC_TEST_POSTGRES_URL is not set to a postgres:// URL (start a cluster with "
             ".ci/pg-cluster start DIR and export the URL it prints)")
parts = urllib.parse.urlsplit(base_url)
database = f"opcc_two_nodes_{os.getpid()}_{int(time.time())}"
server_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
url = urllib.parse.urlunsplit(parts._replace(path="/" + database))
psql_bin = os.path.join(os.environ.get("OPCC_PG_BIN", "/usr/lib/postgresql/15/bin"), "psql")
if not os.path.exists(psql_bin):
    psql_bin = shutil.which("psql") or psql_bin


def psql(sql, on=None):
    """Runs SQL on the test's database (or `on`), returning the rows as lists of fields."""
    run = subprocess.run([psql_bin, "-X", "-q", "-t", "-A", "-F", "\t", "-v", "ON_ERROR_STOP=1", on or url, "-c", sql],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        stop(f"psql failed on `{sql[:120]}`: {run.stderr.strip()}")
    return [line.split("\t") for line in run.stdout.splitlines() if line]


def cli(*args, who=None):
    scope = ["--as", who] if who else []
    run = subprocess.run([opcc, *args, "--db", url, *scope], capture_output=True, text=True, timeout=300)
    return run.returncode == 0, (run.stdout + run.stderr).strip()


psql(f'CREATE DATABASE "{database}"', on=server_url)
print(f"database: {database} on {parts.hostname}:{parts.port}", flush=True)


def cleanup():
    for name, process in processes:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if os.environ.get("KEEP"):
        print(f"kept the database {database}", flush=True)
    else:
        subprocess.run([psql_bin, "-X", "-q", server_url, "-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'],
                       capture_output=True, timeout=120)


# ---- HTTP: one request per connection, no redirect followed, every header kept.
def request(port, method, path, body=None, headers=None, timeout=60):
    """Returns (status, headers as a list of pairs, text); status 0 when the connection failed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read().decode(errors="replace")
    except (OSError, http.client.HTTPException) as error:
        return 0, [], f"{type(error).__name__}: {error}"
    finally:
        connection.close()


def header(headers, name):
    return next((v for k, v in headers if k.lower() == name.lower()), None)


def cookie(headers, name):
    """The value a Set-Cookie header gives `name`, or None."""
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith(name + "="):
            return v.split(";", 1)[0].split("=", 1)[1]
    return None


def csrf_field(text):
    found = re.search(r'name="csrf" value="([^"]*)"', text)
    return found.group(1) if found else None


def wait_healthy(port, process, name, limit=300):
    deadline = time.time() + limit
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            stop(f"{name} stopped before answering /healthz (exit status {process.returncode})")
        status, _, _ = request(port, "GET", "/healthz", timeout=5)
        if status == 200:
            return
        time.sleep(0.2)
    stop(f"{name} did not answer GET /healthz with 200 within {limit} s")


# ---- The nodes: started together on a database holding the demo without its returns (`opcc demo
# --without-returns`), so that each finds deadlines to sweep at its start: the 2016/17 returns, never written, are
# years overdue.
port_a, port_b, port_lb = free_port(), free_port(), free_port()
nodes = {"A": port_a, "B": port_b}
upstream_name = {f"127.0.0.1:{port_a}": "A", f"127.0.0.1:{port_b}": "B"}


# ---- Mail: one SMTP server on loopback for both nodes' delivery workers (step e). `opcc serve` without --smtp-url
# (before the worker was built) skips the step, except in CI.
serve_help = subprocess.run([opcc, "serve", "--help"], capture_output=True, text=True).stdout
mail = "--smtp-url" in serve_help
if not mail and os.environ.get("CI") == "true":
    sys.exit("two-nodes: this opcc serve has no --smtp-url (the delivery worker), needed for step e")
sink_out = os.path.join(work, "received")
sink_port = None


def start_sink():
    port_file = os.path.join(work, "sink-port")
    log = open(os.path.join(work, "sink.log"), "w")
    process = subprocess.Popen([sys.executable, ".ci/smtp-sink", "serve", "--out", sink_out, "--port", "0",
                                "--port-file", port_file], stdout=log, stderr=subprocess.STDOUT)
    processes.append(("smtp sink", process))
    for _ in range(100):
        if os.path.exists(port_file):
            return int(open(port_file).read())
        if process.poll() is not None:
            break
        time.sleep(0.1)
    stop("the SMTP sink (.ci/smtp-sink, aiosmtpd) did not start")


def start_node(name, port, demo):
    log = open(os.path.join(work, f"node-{name.lower()}.log"), "w")
    args = [opcc, "serve", *(["--demo", "--without-returns"] if demo else []), "--db", url, "--port", str(port), "--trusted-proxy",
            "127.0.0.1"]
    if mail:
        # Each node signs its mail with a sender of its own, so the server's envelope says which node sent each.
        args += ["--smtp-url", f"smtp://127.0.0.1:{sink_port}", "--smtp-from", f"opcc-{name[0].lower()}@opcc.example.org",
                 "--public-url", f"http://127.0.0.1:{port_lb}", "--delivery-interval", "1"]
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    processes.append((f"node {name}", process))
    return process


def documents_step(record, sign_in):
    """Step f: a Part 1 and a Part 2 document attached to `record` with the CLI, the record published, the files
    served by node B to the public (Part 1 only) and to a Part 2 reader signed in on B (Part 2)."""
    global node_b
    if node_b.poll() is not None:  # killed in d and not started again by e (no mail worker)
        node_b = start_node("B3", port_b, demo=False)
        wait_healthy(port_b, node_b, "node B (started again for the documents)")
    part1 = b"%PDF-1.4\n% two-nodes business case " + str(os.getpid()).encode() + b"\n%%EOF\n"
    part2 = b"Confidential annex OPCC-TRIPWIRE-TWO-NODES " + str(os.getpid()).encode() + b"\n"
    files = {}
    for name, data in [("Business case two nodes.pdf", part1), ("Confidential annex.txt", part2)]:
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(data)
        files[name] = path
    attached = {}
    for name, kind, part in [("Business case two nodes.pdf", "business-case", "1"),
                             ("Confidential annex.txt", "background-paper", "2")]:
        ok, out = cli("decision", "attach", record, files[name], "--kind", kind, "--part", part, "--office", "cumbria",
                      who="cumbria.officer")
        found = re.match(r"attached (\S+):", out)
        if not ok or not found:
            stop(f"opcc decision attach {name} --part {part} failed: {out[-400:]}")
        attached[part] = found.group(1)
    for args, who in [(["submit"], "cumbria.officer"),
                      (["sign", "--position", "originating-officer", "--name", "A Officer"], "cumbria.officer"),
                      (["sign", "--position", "chief-executive", "--name", "B Chief"], "cumbria.chief-executive"),
                      (["refer"], "cumbria.chief-executive"),
                      (["decide", "--approve", "--interests", "none"], "cumbria.pcc"),
                      (["publish"], "cumbria.officer")]:
        ok, out = cli("decision", args[0], record, *args[1:], "--office", "cumbria", who=who)
        if not ok:
            stop(f"opcc decision {args[0]} {record} failed: {out[-400:]}")
    number = out.split(":")[0]
    status, headers, body = request_bytes(port_b, "GET", f"/documents/{attached['1']}")
    disposition = header(headers, "Content-Disposition") or ""
    check(status == 200 and body == part1,
          f"node B served the Part 1 document {attached['1']} to the public as {status}, {len(body)} bytes, not the "
          f"{len(part1)} attached")
    check(disposition.startswith("attachment"), f"the Part 1 download's Content-Disposition is {disposition!r}")
    check(header(headers, "X-Content-Type-Options") == "nosniff", "the Part 1 download has no nosniff")
    for name, port in [("A", port_a), ("B", port_b)]:
        status, _, body = request_bytes(port, "GET", f"/documents/{attached['2']}")
        check(status == 404 and b"TRIPWIRE" not in body,
              f"the Part 2 document {attached['2']} answered the public {status} on node {name}, not 404")
    status, _, text = request(port_b, "GET", f"/register/{record}")
    check(status == 200 and attached["1"] in text and attached["2"] not in text and "TRIPWIRE" not in text,
          f"node B's public notice of {number} ({status}) does not list only the Part 1 document")
    reader = {"Cookie": f"opcc_session={sign_in(port_b, port_b, 'cumbria.auditor')}"}
    status, headers, body = request_bytes(port_b, "GET", f"/documents/{attached['2']}", headers=reader)
    check(status == 200 and body == part2,
          f"cumbria.auditor signed in on B read the Part 2 document as {status}, {len(body)} bytes")
    reads = psql(f"SELECT count(*) FROM audit_event WHERE event = 'document-read' AND actor = 'cumbria.auditor' "
                 f"AND payload::text LIKE '%{attached['2']}%'")[0][0]
    check(reads == "1", f"the Part 2 read is in the audit log {reads} times, not once")
    print(f"f. documents: {attached['1']} (Part 1, {len(part1)} bytes) and {attached['2']} (Part 2) attached to "
          f"{number} with the CLI and published; node B served the Part 1 file to the public byte for byte "
          f"({disposition.split(';')[0]}, nosniff); the Part 2 file is 404 to the public on A and B and read by "
          f"cumbria.auditor signed in on B ({reads} document-read event)", flush=True)
    return f"documents: Part 1 served by B to the public, Part 2 to a reader only"


def request_bytes(port, method, path, headers=None, timeout=60):
    """As `request`, with the body as bytes (a document is compared byte for byte)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read()
    except (OSError, http.client.HTTPException) as error:
        return 0, [], f"{type(error).__name__}: {error}".encode()
    finally:
        connection.close()


def mail_burst(token, decisions=100, threads=4):
    """Step e: node B started again; `decisions` raised and submitted through the API by cumbria.officer, on A and B
    in turn (nginx keeps B out for 30 s after its kill), each submission asking Cumbria's two signatories for their
    sign-off; then every one of those notifications must be received once, and both nodes must have sent some."""
    global node_b
    node_b = start_node("B2", port_b, demo=False)
    wait_healthy(port_b, node_b, "node B (started again)")
    submitted = []
    lock = threading.Lock()
    refused = []

    def act(port, method, path, body=None):
        return request(port, method, path, json.dumps(body) if body is not None else None, {
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    started = [0]

    def raiser(n):
        i = 0
        while True:
            with lock:
                if started[0] >= decisions:
                    return
                started[0] += 1
            status = 409
            while status == 409:  # two raises at once took the same next id (see d): raise again
                port = port_a if (n + i) % 2 == 0 else port_b
                i += 1
                status, _, text = act(port, "POST", "/api/v1/decisions", {
                    "title": f"two-nodes mail {n}-{i}", "executiveSummary": "A raise in the two-node mail burst.",
                    "recommendation": "Note.", "amount": "£1,000"})
            if not 200 <= status < 300:
                refused.append((status, text[:200]))
                return
            ident = json.loads(text)["id"]
            status, _, text = act(port_b if port == port_a else port_a, "POST", f"/api/v1/decisions/{ident}/submit")
            if not 200 <= status < 300:
                refused.append((status, text[:200]))
                return
            with lock:
                submitted.append(ident)

    began = time.time()
    workers = [threading.Thread(target=raiser, args=(n,)) for n in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    acted = time.time() - began
    if refused:
        stop(f"the mail burst's acts were refused: {refused[:3]}")
    ids = ",".join("'" + i + "'" for i in submitted)
    rows = []
    deadline = time.time() + 120
    while time.time() < deadline:
        rows = psql(f"SELECT message_id, state FROM notification WHERE subject_id IN ({ids})")
        if len(rows) >= 2 * decisions and all(state == "sent" for _, state in rows):
            break
        time.sleep(0.5)
    delivered = time.time() - began
    time.sleep(1)  # the server has written every message it acknowledged; nothing more should come
    received = {}
    senders = {}
    parser = email.parser.BytesHeaderParser()
    for name in sorted(os.listdir(sink_out)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(sink_out, name), "rb") as f:
            ident = parser.parse(f)["Message-ID"] or ""
        with open(os.path.join(sink_out, name[:-4] + ".json")) as f:
            sender = json.load(f)["mail_from"]
        received[ident] = received.get(ident, 0) + 1
        senders.setdefault(ident, []).append(sender)
    unsent = [r for r in rows if r[1] != "sent"]
    counts = {}
    by_node = {}
    for message_id, _ in rows:
        found = [k for k in received if k.startswith(f"<{message_id}@")]
        counts[message_id] = sum(received[k] for k in found)
        for k in found:
            for sender in senders[k]:
                by_node[sender] = by_node.get(sender, 0) + 1
    lost = [m for m, n in counts.items() if n == 0]
    twice = [m for m, n in counts.items() if n > 1]
    print(f"e. mail: node B started again; {len(submitted)} decisions raised and submitted through A and B in "
          f"{acted:.1f} s wrote {len(rows)} sign-off requests; all marked sent {delivered:.1f} s after the first act; "
          f"received {sum(counts.values())}, {len(lost)} lost, {len(twice)} twice; sent by "
          + ", ".join(f"{k} {v}" for k, v in sorted(by_node.items())), flush=True)
    check(len(submitted) == decisions, f"{len(submitted)} decisions submitted, not {decisions}")
    check(len(rows) == 2 * decisions, f"{decisions} submissions in Cumbria should ask 2 × {decisions} sign-offs; the "
          f"outbox holds {len(rows)}")
    check(not unsent, f"{len(unsent)} of the burst's notifications not sent within 120 s: {unsent[:3]}")
    check(not lost, f"{len(lost)} of the burst's notifications never received: {lost[:3]}")
    check(not twice, f"{len(twice)} of the burst's notifications received more than once: {twice[:3]}")
    check(len(by_node) == 2, f"the burst's mail was sent by {sorted(by_node)}, not by both nodes")
    return f"{len(rows)} notifications delivered once each by {len(by_node)} nodes"


try:
    loaded = time.time()
    ok, out = cli("demo", "--without-returns")
    if not ok:
        stop(f"opcc demo --without-returns --db URL failed: {out[-500:]}")
    print(f"demo loaded by the CLI (without the returns) in {time.time() - loaded:.1f} s", flush=True)
    if mail:
        sink_port = start_sink()
    nodes_started = time.time()
    node_a = start_node("A", port_a, demo=True)
    node_b = start_node("B", port_b, demo=False)

    # nginx: round robin over A and B; a node that refuses connections or times out is skipped (proxy_next_upstream),
    # which for a POST happens only when nothing was sent to it yet. The answering node's address goes back in a
    # header so the test can see which node served each request.
    lb = os.path.join(work, "nginx")
    os.makedirs(lb)
    with open(os.path.join(lb, "nginx.conf"), "w") as f:
        f.write(("user root;\n" if os.getuid() == 0 else "") + f"""
worker_processes 1;
daemon off;
pid {lb}/nginx.pid;
error_log {lb}/error.log notice;
events {{ worker_connections 1024; }}
http {{
    log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr $upstream_status';
    access_log {lb}/access.log upstream;
    client_body_temp_path {lb}/body;
    proxy_temp_path {lb}/proxy;
    fastcgi_temp_path {lb}/fastcgi;
    uwsgi_temp_path {lb}/uwsgi;
    scgi_temp_path {lb}/scgi;
    upstream opcc {{
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=30s;
    }}
    server {{
        listen 127.0.0.1:{port_lb};
        location / {{
            proxy_pass http://opcc;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
""")
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    nginx_log = open(os.path.join(lb, "stderr.log"), "w")
    nginx = subprocess.Popen([nginx_bin, "-p", lb, "-c", os.path.join(lb, "nginx.conf"), "-e",
                              os.path.join(lb, "error.log")], stdout=nginx_log, stderr=subprocess.STDOUT)
    processes.append(("nginx", nginx))

    wait_healthy(port_b, node_b, "node B")
    wait_healthy(port_a, node_a, "node A")
    started_in = time.time() - nodes_started
    print(f"nodes: A on {port_a} (--demo), B on {port_b}, nginx on {port_lb}; both healthy {started_in:.1f} s after "
          "they were started",
          flush=True)

    # ---- a. Health.
    health = {}
    for name, port in [("A", port_a), ("B", port_b), ("nginx", port_lb)]:
        status, _, text = request(port, "GET", "/healthz")
        health[name] = status
        if status != 200:
            stop(f"GET /healthz on {name} answered {status}, not 200: {text[:300]}")
    print("a. health: GET /healthz is 200 on A, B and through nginx", flush=True)

    # ---- b. Sign in through A, act through B; a sign-in form from B accepted by A; nginx spreading signed-in reads.
    def sign_in(form_port, post_port, who):
        status, headers, text = request(form_port, "GET", "/sign-in")
        nonce, token = cookie(headers, "opcc_sign_in"), csrf_field(text)
        if status != 200 or not nonce or not token:
            stop(f"GET /sign-in on port {form_port} gave no form ({status}, nonce {bool(nonce)}, csrf {bool(token)})")
        body = urllib.parse.urlencode({"csrf": token, "username": who, "password": PASSWORD})
        status, headers, text = request(post_port, "POST", "/sign-in", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"opcc_sign_in={nonce}"})
        session = cookie(headers, "opcc_session")
        if status not in (302, 303) or not session:
            stop(f"signing in {who} (form from port {form_port}, posted to {post_port}) answered {status} without a "
                 f"session cookie: {text[:300]}")
        return session

    session = sign_in(port_a, port_a, "cumbria.officer")
    signed = {"Cookie": f"opcc_session={session}"}
    status, _, text = request(port_b, "GET", "/home", headers=signed)
    if status != 200 or "What needs you today" not in text:
        stop(f"node B did not know the session made on A: GET /home answered {status}")
    status, _, text = request(port_b, "GET", "/decisions/new", headers=signed)
    token = csrf_field(text)
    if status != 200 or not token:
        stop(f"node B's new-decision form for the session made on A: {status}, csrf {bool(token)}")
    title = f"Two nodes: raised through B with the session made on A {os.getpid()}"
    status, headers, text = request(port_b, "POST", "/decisions", urllib.parse.urlencode({
        "csrf": token, "title": title, "executiveSummary": "Signed in through node A, raised through node B.",
        "recommendation": "Note."}), {**signed, "Content-Type": "application/x-www-form-urlencoded"})
    location = header(headers, "Location") or ""
    if status not in (302, 303) or not re.fullmatch(r"/decisions/[^/]+", location):
        stop(f"raising a decision through B's form answered {status} (Location {location!r}): {text[:300]}")
    status, _, text = request(port_a, "GET", location, headers=signed)
    if status != 200 or title not in text:
        stop(f"the decision raised through B ({location}) is not on A's page: {status}")
    print(f"b. sessions: cumbria.officer signed in through A, read /home and raised {location.split('/')[-1]} "
          f"through B's form; A shows it", flush=True)
    crossed = sign_in(port_b, port_a, "cumbria.finance")
    status, _, text = request(port_b, "GET", "/home", headers={"Cookie": f"opcc_session={crossed}"})
    if status != 200 or "What needs you today" not in text:
        stop(f"cumbria.finance, signed in with B's form through A, was not signed in on B: {status}")
    print("   a sign-in form fetched from B was accepted by A (one signing secret), and the session works on B",
          flush=True)
    served = []
    for _ in range(8):
        status, headers, text = request(port_lb, "GET", "/home", headers=signed)
        served.append(upstream_name.get(header(headers, "X-Upstream") or "", "?"))
        if status != 200 or "What needs you today" not in text:
            stop(f"GET /home through nginx (served by {served[-1]}) was not signed in: {status}")
    if set(served) != {"A", "B"}:
        stop(f"8 requests through nginx did not reach both nodes: served by {served}")
    print(f"   8 GET /home through nginx, all signed in, served by {' '.join(served)}", flush=True)

    # ---- c. The deadline sweep ran once across the nodes.
    logs = {}
    for name in ["A", "B"]:
        with open(os.path.join(work, f"node-{name.lower()}.log")) as f:
            logs[name] = f.read()
    swept = {}
    for name, text in logs.items():
        found = re.search(r"deadline sweep: (\d+) reminder", text)
        if not found:
            stop(f"node {name} did not report its start-up deadline sweep")
        swept[name] = int(found.group(1))
    doubled = psql("SELECT instance_id, event, count(*) FROM audit_event WHERE event LIKE 'deadline-%' "
                   "GROUP BY instance_id, event HAVING count(*) > 1")
    since = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    today_events = int(psql(f"SELECT count(*) FROM audit_event WHERE event LIKE 'deadline-%' "
                            f"AND actor = 'deadline-sweep' AND effective_day >= '{since}'")[0][0])
    all_events = int(psql("SELECT count(*) FROM audit_event WHERE event LIKE 'deadline-%'")[0][0])
    check(today_events > 0, "the start-up sweeps recorded no deadline event: the test has nothing to count")
    check(not doubled, f"deadline events recorded twice for one record: {doubled[:5]}")
    check(today_events == swept["A"] + swept["B"],
          f"the nodes said they recorded {swept['A']} + {swept['B']} deadline events at start, the log holds "
          f"{today_events} of today's")
    print(f"c. deadline sweep: A recorded {swept['A']}, B {swept['B']} at start; {today_events} of today's deadline "
          f"events, {all_events} in all, none twice for one record", flush=True)
    if failures:
        stop("the checks before the burst failed")

    # ---- d. A burst of raises through nginx; node B killed with SIGKILL half-way.
    # One officer per office (each office's audit chain is appended in order; offices append in parallel).
    officers = psql("SELECT p.office_id, min(p.name) FROM person p JOIN role_grant g ON g.person_id = p.id "
                    "WHERE g.role = 'officer' AND g.scope = '' GROUP BY p.office_id ORDER BY p.office_id")
    tokens = {}
    for office, who in officers:
        ok, out = cli("token", "create", "--label", "two-nodes", who=who)
        if not ok:
            stop(f"opcc token create --as {who} failed: {out[-300:]}")
        tokens[office] = out.splitlines()[0].split()[-1]
    if len(tokens) < 2:
        stop(f"the demo should have officers in several offices; found {officers}")
    results = []  # (thread, i, status, id or None, node, sent at, text, refused as busy)
    results_lock = threading.Lock()
    burst_began = time.time()
    deadline = burst_began + seconds
    killed_at = [None]

    def raiser(n):
        office = list(tokens)[n % len(tokens)]
        i = 0
        while time.time() < deadline:
            at = time.time() - burst_began
            body = json.dumps({"title": f"two-nodes {n}-{i}", "executiveSummary": "A raise in the two-node burst.",
                               "recommendation": "Note."})
            status, headers, text = request(port_lb, "POST", "/api/v1/decisions", body, {
                "Authorization": f"Bearer {tokens[office]}", "Content-Type": "application/json"})
            ident = None
            if 200 <= status < 300:
                try:
                    ident = json.loads(text)["id"]
                except (ValueError, KeyError):
                    ident = None
            node = upstream_name.get((header(headers, "X-Upstream") or "").split(",")[-1].strip(), "?")
            with results_lock:
                results.append((n, i, status, ident, node, at, " ".join(re.sub(r"<[^>]*>", " ", text).split())[:160],
                                status == 503 and "database-busy" in text))
            i += 1

    def killer():
        time.sleep(seconds / 2)
        killed_at[0] = time.time() - burst_began
        node_b.send_signal(signal.SIGKILL)

    threads = [threading.Thread(target=raiser, args=(n,)) for n in range(THREADS)] + [threading.Thread(target=killer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    burst = time.time() - burst_began
    node_b.wait(timeout=30)

    # Three outcomes: acknowledged (2xx with the new id); busy (503 `database-busy`: the node says the database
    # stayed busy with other writers through every retry and nothing was changed); failed (no answer from the node,
    # nginx's 502, or anything else: the outcome is not known, as for a raise in flight on B when it was killed).
    acknowledged = [r for r in results if r[3]]
    busy = [r for r in results if not r[3] and r[7]]
    # A refusal (4xx with a rule) also says nothing was changed. None is expected of a raise; the one seen is 409
    # `unique-record` ("instance 'cumbria-DR-0543' already exists"): two raises in one office at once on PostgreSQL
    # both counted the office's decisions and took the same next id (reported with the test; not this test's miss).
    refusals = [r for r in results if not r[3] and not r[7] and 400 <= r[2] < 500]
    failed = [r for r in results if not r[3] and r not in busy and r not in refusals]
    after = [r for r in results if r[5] > killed_at[0] + 1]
    by_node = {name: sum(1 for r in acknowledged if r[4] == name) for name in ["A", "B", "?"]}
    print(f"d. burst: {len(results)} raises in {burst:.1f} s by {THREADS} threads over {len(tokens)} offices; "
          f"node B killed (SIGKILL) at {killed_at[0]:.1f} s; {len(acknowledged)} acknowledged (A {by_node['A']}, "
          f"B {by_node['B']}), {len(busy)} refused as busy (503 database-busy), {len(refusals)} refused otherwise, "
          f"{len(failed)} failed", flush=True)
    for r in (failed + refusals + busy)[:8]:
        print(f"   not acknowledged: thread {r[0]} raise {r[1]} sent at {r[5]:.1f} s: {r[2]} {r[6][:100]}", flush=True)
    check(by_node["B"] > 0, "no raise was acknowledged by node B before it was killed")
    check(by_node["?"] == 0, f"{by_node['?']} acknowledged raises named no node in X-Upstream")
    check(len(failed) <= THREADS, f"{len(failed)} raises failed: more than the {THREADS} that could have been in "
          "flight on B when it was killed")
    late = [r for r in after if r in failed]
    check(after and not late, f"of {len(after)} raises sent more than 1 s after the kill, {len(late)} failed: "
          f"{[(r[2], r[6]) for r in late[:3]]}")
    check(all(r[4] == "A" for r in after if r[3]), "a raise sent more than 1 s after the kill was answered by B")

    ids = [r[3] for r in acknowledged]
    stored = {}
    for start in range(0, len(ids), 500):
        chunk = ",".join("'" + i.replace("'", "''") + "'" for i in ids[start:start + 500])
        for ident, stored_title in psql(f"SELECT id, title FROM decision_record WHERE id IN ({chunk})"):
            stored[ident] = stored_title
    missing = [r for r in acknowledged if stored.get(r[3]) != f"two-nodes {r[0]}-{r[1]}"]
    check(not missing, f"{len(missing)} acknowledged raises are not in the database as acknowledged: "
          f"{[(r[3], r[0], r[1]) for r in missing[:5]]}")
    titles = {row[0] for row in psql("SELECT title FROM decision_record WHERE title LIKE 'two-nodes %'")}
    busy_stored = [r for r in busy if f"two-nodes {r[0]}-{r[1]}" in titles]
    check(not busy_stored, f"{len(busy_stored)} raises answered 503 database-busy (nothing changed) are in the "
          f"database: {[(r[0], r[1]) for r in busy_stored[:5]]}")
    refused_stored = [r for r in refusals if f"two-nodes {r[0]}-{r[1]}" in titles]
    check(not refused_stored, f"{len(refused_stored)} refused raises (nothing changed) are in the database: "
          f"{[(r[0], r[1], r[2]) for r in refused_stored[:5]]}")
    if refusals:
        print(f"   NOTE: {len(refusals)} raises were refused ({sorted({r[2] for r in refusals})}), none stored: "
              f"{refusals[0][6][:120]}", flush=True)
    unknown_stored = sum(1 for r in failed if f"two-nodes {r[0]}-{r[1]}" in titles)
    print(f"   every acknowledged raise checked by id: {len(acknowledged) - len(missing)} of {len(acknowledged)} in "
          f"the database; of the {len(busy) + len(refusals)} refused none is there; of the {len(failed)} failed, "
          f"{unknown_stored} committed before B died ({len(titles)} burst raises in the database)", flush=True)
    for name, args in [("audit verify", ["audit", "verify"]), ("finance check", ["finance", "check"])]:
        ok, out = cli(*args)
        check(ok, f"opcc {name} --db URL failed: {out[-500:]}")
        print(f"   opcc {name}: {out.splitlines()[-1] if out else ''}", flush=True)
    status, _, _ = request(port_lb, "GET", "/healthz")
    check(status == 200, f"GET /healthz through nginx after the kill answered {status}")
    check(node_a.poll() is None, "node A stopped during the burst")

    # ---- e. Mail: 200 notifications delivered by both nodes' workers to one SMTP server, each once.
    mail_summary = "mail step skipped (no --smtp-url)"
    if mail:
        mail_summary = mail_burst(tokens["cumbria"])

    # ---- f. Documents: attached with the CLI, published, served by node B to the public and to a Part 2 reader.
    documents_summary = documents_step(location.split("/")[-1], sign_in)

    total = time.time() - begun
    print(f"two-node test: {'FAILED' if failures else 'passed'} in {total:.1f} s (nodes healthy after "
          f"{started_in:.1f} s, burst {burst:.1f} s); {len(acknowledged)} raises acknowledged, {len(busy)} refused as "
          f"busy, {len(refusals)} refused otherwise, {len(failed)} failed, "
          f"all {len(acknowledged) - len(missing)} acknowledged in the database; {mail_summary}; "
          f"{documents_summary}; "
          f"{len(failures)} failures",
          flush=True)
    if failures:
        stop(f"{len(failures)} checks failed")
finally:
    cleanup()
