import Foundation
import OPCCCore
import OPCCMail
import OPCCServices
import OPCCStore

#if canImport(Glibc)
    import Glibc
#endif

/// Notifications (issue 24), in one run on one SQLite file holding the demo:
/// 1. the outbox's cost per act: the acts of a decision's journey (submit, two sign-offs, refer, approve: five
///    transitions writing five outbox rows) through the services, by an application with the shipped rules and by one
///    over the same database with the rules emptied, in turn, `rounds` times; transitions/s of each and their ratio;
/// 2. delivery: `Commissioning.deliverNotifications` (claim, compose, send, record) to `.ci/smtp-sink` on loopback,
///    1,000 a round over one connection, against the SMTP client alone sending the same number in the same run.
func notificationBenchmark(_ options: Options, home: ProductHome) async throws -> (section: String, summary: [String]) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bench-notify-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("bench.sqlite").path
    let told = try Commissioning.open(home: home, databasePath: path)
    _ = try await told.loadDemo(from: home, returns: false)
    let silent = try Commissioning(
        store: told.store, catalog: WorkflowCatalog(definitions: told.catalog.all, sources: told.catalog.sources),
        calendar: try WorkingDayCalendar.load(from: home), clock: told.clock)
    let n = options.notify
    print("opcc-bench: notifications: \(n) decision journeys (\(5 * n) transitions) × \(options.rounds) rounds × 2")
    try await timedJourneys(silent, 20)  // warm up, untimed
    try await timedJourneys(told, 20)
    var withRules: [Double] = []
    var withoutRules: [Double] = []
    let before = try await everyNotification(told).count
    for round in 0..<options.rounds {
        // In turn, the first of each pair alternating, so that drift on a shared machine hits both.
        if round % 2 == 0 {
            withRules.append(try await timedJourneys(told, n))
            withoutRules.append(try await timedJourneys(silent, n))
        } else {
            withoutRules.append(try await timedJourneys(silent, n))
            withRules.append(try await timedJourneys(told, n))
        }
    }
    let written = try await everyNotification(told).count - before
    let delivery = try await deliveryFigures(told, home: home, rounds: options.rounds, dir: dir)
    return notificationReport(
        journeys: n, rounds: options.rounds, withRules: withRules, withoutRules: withoutRules, written: written,
        delivery: delivery)
}

/// Raises `count` decisions (untimed), then takes each through submit, both sign-offs, refer and approve; the
/// seconds the five transitions of every journey took.
@discardableResult
func timedJourneys(_ app: Commissioning, _ count: Int) async throws -> Double {
    var draft = DecisionDraft()
    draft.title = "Benchmark decision"
    draft.executiveSummary = "A decision of the notification benchmark."
    draft.recommendation = "Approve."
    draft.amount = "£1,000"
    var ids: [String] = []
    for _ in 0..<count {
        ids.append(try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer").id)
    }
    return try await seconds {
        for id in ids {
            _ = try await app.submitDecision(id, by: "cumbria.officer")
            _ = try await app.signDecision(
                id, position: "originating-officer", name: "Vivian Stafford", by: "cumbria.officer")
            _ = try await app.signDecision(
                id, position: "chief-executive", name: "Stuart Edwards", by: "cumbria.chief-executive")
            _ = try await app.referDecision(id, by: "cumbria.chief-executive")
            _ = try await app.decide(id, approve: true, interests: "None.", by: "cumbria.pcc")
        }
    }
}

/// Seconds per round of 1,000 delivered through the outbox, and of 1,000 sent by the SMTP client alone.
struct DeliveryFigures {
    var outbox: [Double] = []
    var clientAlone: [Double] = []
    var failures = 0
}

/// The delivery rounds; nil when the sink did not start.
func deliveryFigures(_ app: Commissioning, home: ProductHome, rounds: Int, dir: URL) async throws -> DeliveryFigures? {
    guard let sink = try await LoopbackSink.start(home: home, dir: dir) else { return nil }
    defer { sink.stop() }
    // Enough pending rows for every round: the journeys' own, topped up with notices of the same size.
    let pending = try await everyNotification(app).filter { $0.state == .pending }.count
    let needed = max(0, 1_000 * (rounds + 1) - pending)
    let people = try await app.people(office: "cumbria").filter { $0.email != nil }.map(\.name)
    let drafts = (0..<needed).map { i in
        NotificationDraft(
            office: "cumbria", recipient: people[i % people.count], kind: "decision-approved",
            subjectID: "bench-\(i)", occasion: "bench", statutory: false,
            subject: "Decision bench-\(i) approved", body: "Decision bench-\(i), \"Benchmark decision\", was approved.",
            path: "/decisions/bench-\(i)")
    }
    _ = try await app.store.write { tx in try tx.enqueueNotifications(drafts, at: Date()) }
    let relay = try SMTPRelay(url: "smtp://127.0.0.1:\(sink.port)", sender: "opcc@opcc.example.org", environment: [:])
    let client = try SMTPClient(relay: relay)
    let settings = Commissioning.DeliverySettings(publicURL: "https://opcc.example.org")
    var figures = DeliveryFigures()
    // Warm up: one round, untimed.
    try await app.deliverNotifications(transport: client, node: "bench", settings: settings, now: Date(), limit: 1_000)
    for round in 0..<rounds {
        var reports: [Commissioning.DeliveryReport] = []
        figures.outbox.append(
            try await seconds {
                reports.append(
                    try await app.deliverNotifications(
                        transport: client, node: "bench", settings: settings, now: Date(), limit: 1_000))
            })
        figures.failures += reports.map { $0.claimed - $0.sent }.reduce(0, +)
        let mails = (0..<1_000).map { i in
            OutgoingMail(
                messageID: "<bench-alone-\(round)-\(i)@opcc.example.org>", to: ["officer@cumbria.example.org"],
                subject: "Decision bench-\(i) approved",
                text:
                    "Decision bench-\(i), \"Benchmark decision\", was approved.\n\nhttps://opcc.example.org/decisions/x",
                html: "<p>Decision bench-\(i), &quot;Benchmark decision&quot;, was approved.</p>")
        }
        var outcomes: [MailOutcome] = []
        figures.clientAlone.append(await seconds { outcomes = await client.deliver(mails) })
        figures.failures += outcomes.filter { $0 != .accepted }.count
    }
    return figures
}

/// `.ci/smtp-sink` on a free loopback port, writing what it receives under `dir`.
struct LoopbackSink {
    let port: Int
    let pid: pid_t

    static func start(home: ProductHome, dir: URL) async throws -> LoopbackSink? {
        let portFile = dir.appendingPathComponent("port").path
        let pid = try spawn(
            "/usr/bin/env",
            [
                "python3", home.root.appendingPathComponent(".ci/smtp-sink").path, "serve", "--out",
                dir.appendingPathComponent("received").path, "--port-file", portFile,
            ],
            output: dir.appendingPathComponent("sink.log").path)
        for _ in 0..<200 {
            if let port = Int((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "") {
                return LoopbackSink(port: port, pid: pid)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        LoopbackSink(port: 0, pid: pid).stop()
        return nil
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

func notificationReport(
    journeys: Int, rounds: Int, withRules: [Double], withoutRules: [Double], written: Int, delivery: DeliveryFigures?
) -> (section: String, summary: [String]) {
    let transitions = Double(5 * journeys)
    let told = transitions / median(withRules)
    let silent = transitions / median(withoutRules)
    func perRound(_ values: [Double]) -> String { values.map { String(Int(transitions / $0)) }.joined(separator: ", ") }
    var section = """

        ## Notifications: the outbox's cost per act, and delivery to a loopback SMTP server

        The acts of a decision's journey through the services (submit, the two sign-offs, refer, approve: five \
        transitions, one transaction each, writing five outbox rows: two sign-off requests, two referrals, one \
        decision notice), \(journeys) journeys a round, by an application with the shipped rules in \
        `workflows/notifications/` and by one over the same SQLite file with the rules emptied, in turn \
        (\(rounds) rounds; medians). Rows written by the rounds with the rules: \(written).

        | rules | transitions a round | median s | transitions/s | per round | ratio |
        |---|---:|---:|---:|---|---:|
        | emptied (no row written) | \(Int(transitions)) | \(format(median(withoutRules))) | \(Int(silent)) | \(perRound(withoutRules)) | 1.00 |
        | shipped (a row per transition on average) | \(Int(transitions)) | \(format(median(withRules))) | \(Int(told)) | \(perRound(withRules)) | \(format(told / silent, 2)) |

        """
    var summary = [
        "| transitions/s of a decision's journey with notifications written | \(Int(told)) | \(Int(silent)) "
            + "(rules emptied) | \(format(told / silent, 2)) | | |"
    ]
    guard let delivery else {
        section += "\nDelivery not measured: `.ci/smtp-sink` did not start (aiosmtpd?).\n"
        return (section, summary)
    }
    let outbox = 1_000 / median(delivery.outbox)
    let alone = 1_000 / median(delivery.clientAlone)
    section += """

        Delivery: `Commissioning.deliverNotifications` with the SMTP client to `.ci/smtp-sink` (aiosmtpd, writing each \
        message to a file) on 127.0.0.1, plain SMTP: one round claims 1,000 rows in one transaction, composes them \
        (text and HTML, the link from the public URL), sends them over one connection and records the outcomes in a \
        second transaction. Against it, in turn, the SMTP client alone sends 1,000 messages of the same size over one \
        connection. \(rounds) rounds after one untimed; medians. Messages not accepted: \(delivery.failures).

        | how | messages a round | median s | messages/s | per round (s) |
        |---|---:|---:|---:|---|
        | the SMTP client alone, one connection | 1000 | \(format(median(delivery.clientAlone))) | \(Int(alone)) | \(delivery.clientAlone.map { format($0) }.joined(separator: ", ")) |
        | the outbox: claim, compose, send, record | 1000 | \(format(median(delivery.outbox))) | \(Int(outbox)) | \(delivery.outbox.map { format($0) }.joined(separator: ", ")) |

        """
    summary.append(
        "| notifications delivered to the loopback sink, 1,000 a round, messages/s | \(Int(outbox)) | \(Int(alone)) "
            + "(SMTP client alone) | \(format(outbox / alone, 2)) | | |")
    return (section, summary)
}
