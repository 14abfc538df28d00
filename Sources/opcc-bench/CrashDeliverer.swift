import Foundation
import OPCCCore
import OPCCMail
import OPCCServices
import OPCCStore

/// What the crash deliverer is asked to do (`--crash-deliverer DB --smtp-port PORT [--notifications N]
/// [--deliver-batch N]`).
struct CrashDelivery {
    var database: String
    var port: Int
    /// Notifications written to the outbox on first use.
    var count = 1_000
    /// Notifications per round (claim, send over one connection, record): at most this many are in flight when the
    /// process is killed, so at most this many duplicates per kill.
    var batch = 1
    /// The lease of a claim: after a kill, the next process takes the dead one's rows over once it has run out.
    var leaseSeconds = 2
}

/// Delivers the outbox of the database at `job.database` (a file or a PostgreSQL URL) to the SMTP server on loopback at
/// `job.port`, `job.batch` notifications per round, printing `SENT N` after each round is recorded and `DONE` once no
/// notification is pending or claimed; meant to be killed with SIGKILL at random and started again until it says
/// DONE (`.ci/crash-test-mail`). On first use it loads the demo (without its returns) and writes `job.count`
/// notifications to the outbox in one transaction. It prints READY before the first round. At DONE it writes every
/// row's Message-ID and state to `DB.ids` (or `--ids FILE`) for the script to compare with what the server received.
func crashDeliverer(_ job: CrashDelivery, ids idsPath: String, home: ProductHome) async throws -> Never {
    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    let app = try Commissioning.open(home: home, databasePath: job.database)
    if try await app.person(named: "cumbria.officer") == nil {
        _ = try await app.loadDemo(from: home, returns: false)
        let people = try await app.people(office: "cumbria").filter { $0.email != nil }.map(\.name)
        let drafts = (0..<job.count).map { n in
            NotificationDraft(
                office: "cumbria", recipient: people[n % people.count], kind: "part1-due",
                subjectID: "crash-\(n)", occasion: "crash-test", statutory: true,
                subject: "Crash test notification \(n)", body: "Notification \(n) of the crash test.",
                path: "/decisions/crash-\(n)")
        }
        let written = try await app.store.write { tx in try tx.enqueueNotifications(drafts, at: Date()) }
        say("PREPARED \(written)")
    }
    let relay = try SMTPRelay(url: "smtp://127.0.0.1:\(job.port)", sender: "opcc@opcc.example.org", environment: [:])
    let client = try SMTPClient(relay: relay, replyTimeout: .seconds(10), connectTimeout: .seconds(5))
    let settings = Commissioning.DeliverySettings(
        publicURL: "https://opcc.example.org", maximumAttempts: 1_000, leaseSeconds: job.leaseSeconds,
        retryDelaysSeconds: [1])
    let node = "crash-deliverer-\(ProcessInfo.processInfo.processIdentifier)"
    say("READY")
    while true {
        let report = try await app.deliverNotifications(
            transport: client, node: node, settings: settings, now: Date(), limit: job.batch)
        if report.claimed > 0 {
            say("SENT \(report.sent)")
            continue
        }
        let rows = try await everyNotification(app)
        if rows.allSatisfy({ $0.state == .sent || $0.state == .failed }) {
            let lines = rows.map { "<\($0.messageID)@opcc.example.org> \($0.state.rawValue)" }
            try (lines.joined(separator: "\n") + "\n").write(toFile: idsPath, atomically: true, encoding: .utf8)
            say("DONE \(rows.count)")
            exit(0)
        }
        // Rows a killed process still holds: wait for its lease to run out.
        try await Task.sleep(for: .milliseconds(200))
    }
}

/// Every outbox row of the demo's offices.
func everyNotification(_ app: Commissioning) async throws -> [StoredNotification] {
    try await app.store.read { tx in
        try ["cumbria", "lincolnshire", "west-midlands", "leicestershire"].flatMap { office in
            try NotificationState.allCases.flatMap { try tx.notifications(office: office, state: $0) }
        }
    }
}
