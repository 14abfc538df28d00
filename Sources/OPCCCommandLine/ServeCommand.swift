import ArgumentParser
import Dispatch
import Foundation
import Hummingbird
import Logging
import OPCCCore
import OPCCMail
import OPCCServices
import OPCCWeb
import Synchronization

/// `opcc serve`: the web application on the embedded SQLite database (or a read-only copy of it, `--read-only`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the web application (decision screens for staff, published decisions for the public).",
        discussion: """
            With --demo the demo offices, people and cases are loaded first and every demo person gets the demo \
            password '\(Passwords.demoPassword)'. With --smtp-url a delivery worker sends the outbox's notifications \
            every few seconds and soon after an act (each node claims its own with a lease); without it nothing is \
            sent and the mail stays in the outbox (the demo shows it at /demo/outbox). Stops cleanly on SIGTERM or \
            Ctrl-C. On a database with no office (and without --demo), a one-time set-up link is printed: whoever opens it creates the first office and its first administrator (only the link's hash is stored).
            Example: opcc serve --demo --port 8080
            Example: opcc serve --db /srv/opcc/opcc.sqlite --public-url https://opcc.example
            Example: OPCC_SMTP_PASSWORD=… opcc serve --public-url https://opcc.example \
            --smtp-url smtp://opcc@mail.example.org --smtp-from opcc@example.org
            """)

    @Flag(help: "Load the demo first and set the demo people's password.") var demo = false
    @Flag(help: "With --demo, stop before the Cumbria returns are played: their 2016/17 returns are still to write.")
    var withoutReturns = false
    @Flag(help: "With --demo, leave out Cumbria's closed grant round (loaded by default, as by opcc demo).")
    var withoutRound = false
    @Option(help: "Address to listen on.") var hostname = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Flag(help: "Mark the session cookie Secure (set when a TLS proxy is in front).") var secureCookies = false
    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "IP address of a proxy in front whose X-Forwarded-For is believed (repeatable).",
            discussion: "From any other peer the header is ignored and the peer's own address is counted."))
    var trustedProxies: [String] = []
    @Option(
        name: .customLong("public-url"),
        help: ArgumentHelp(
            "The address the public reaches the server at, e.g. https://opcc.example, for absolute URLs.",
            discussion: "Without it: http://HOSTNAME:PORT. Never the request's Host header."))
    var publicURL: String?
    @Flag(
        help: ArgumentHelp(
            "Serve a read-only copy (a standby or a public mirror): public pages and /healthz only.",
            discussion: """
                Opens the database read-only and runs no migration (a database not fully migrated is refused), no \
                deadline sweep and no sign-in; every staff page, sign-in and API call is answered 503.
                """))
    var readOnly = false
    @Option(
        name: .customLong("main-site"),
        help: "With --read-only, the main site's address, e.g. https://opcc.example, where the refusals send people.")
    var mainSite: String?
    @OptionGroup var relay: RelayOptions
    @Option(help: "Seconds between the delivery worker's rounds when no act wakes it (with --smtp-url).")
    var deliveryInterval = 5
    @Option(
        name: .customLong("document-limit-mb"),
        help: "The largest document a person may upload in the browser or the API, in megabytes (1 to 1024).")
    var documentLimitMB = 25
    @Option(
        name: .customLong("public-cache-seconds"),
        help: """
            How long a public page (a notice, the registers) is kept for the public, in seconds (0 to 60; 0 keeps \
            none): a change made through this server shows at once, one made by another process within this time.
            """)
    var publicCacheSeconds: Double = 1
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        do {
            for proxy in trustedProxies { _ = try WebConfiguration.checkedTrustedProxy(proxy) }
            if let publicURL { _ = try WebConfiguration.checkedPublicURL(publicURL) }
            if let mainSite { _ = try WebConfiguration.checkedMainSiteURL(mainSite) }
        } catch let error as WebConfigurationError {
            throw ValidationError(error.message)
        }
        guard !readOnly || !demo else {
            throw ValidationError("--read-only serves a database as it is: it cannot load the demo (--demo)")
        }
        guard readOnly || mainSite == nil else { throw ValidationError("--main-site goes with --read-only") }
        guard !readOnly || relay.smtpURL == nil else {
            throw ValidationError("--read-only sends no mail (it writes nothing): it cannot take --smtp-url")
        }
        guard (1...3600).contains(deliveryInterval) else {
            throw ValidationError("--delivery-interval is a number of seconds from 1 to 3600")
        }
        guard (1...1024).contains(documentLimitMB) else {
            throw ValidationError("--document-limit-mb is a whole number of megabytes from 1 to 1024")
        }
        guard (0...60).contains(publicCacheSeconds) else {
            throw ValidationError("--public-cache-seconds is a number of seconds from 0 to 60, e.g. 1 (0 keeps none)")
        }
        _ = try relay.checkedRelay(publicURL: publicURL)
    }

    func run() async throws {
        try await runReportingRefusals {
            guard demo || !withoutReturns else {
                throw ValidationError("--without-returns goes with --demo")
            }
            guard demo || !withoutRound else { throw ValidationError("--without-round goes with --demo") }
            let home = try global.locateHome()
            let path = global.databasePath
            if readOnly { return try await serve(try await Commissioning.openReadOnly(home: home, databasePath: path)) }
            let app = try Commissioning.open(home: home, databasePath: path)
            if demo {
                printLine("loading the demo from \(home.root.path) into \(databaseDisplayName(path))")
                _ = try await app.loadDemo(from: home, returns: !withoutReturns)
                if !withoutRound { try await app.loadDemoRound(from: home) }
                let hash = Passwords.hash(Passwords.demoPassword, cost: 10)
                let people = try await app.everyone()
                for person in people where try await app.passwordHash(of: person.name) == nil {
                    try await app.setPasswordHash(hash, of: person.name)
                }
                printLine("demo sign-ins (password '\(Passwords.demoPassword)' for each):")
                for person in people.sorted(by: { ($0.office, $0.name) < ($1.office, $1.name) }) {
                    let roles = person.grants.map(\.role.rawValue).joined(separator: ", ")
                    printLine("  \(person.name)  (\(roles))")
                }
                flushStandardOutput()
            }
            let swept = try await app.sweepDeadlines()
            printLine("deadline sweep: \(swept.count) reminder(s), overdue mark(s) or escalation(s) recorded")
            try await serve(app, home: home)
        }
    }

    /// Serves `app` until SIGTERM or Ctrl-C: read-only without `home` (no sweep, no API, so no VLI schemes).
    private func serve(_ app: Commissioning, home: ProductHome? = nil) async throws {
        var logger = Logger(label: "opcc.web")
        logger.logLevel = .info
        var configuration = WebConfiguration(
            commissioning: app, hostname: hostname, port: port, secureCookies: secureCookies, logger: logger,
            trustedProxies: trustedProxies, publicURL: publicURL)
        configuration.dailySweep = !readOnly
        configuration.readOnly = readOnly
        configuration.mainSiteURL = mainSite
        configuration.home = home
        configuration.documentLimitBytes = Int64(documentLimitMB) * 1024 * 1024
        configuration.publicCacheSeconds = publicCacheSeconds
        if let checked = try relay.checkedRelay(publicURL: publicURL) {
            configuration.delivery = MailDelivery(
                transport: try RelayOptions.transport(checked.relay),
                settings: Commissioning.DeliverySettings(publicURL: checked.publicURL),
                interval: .seconds(deliveryInterval))
            printLine("delivering notifications through \(checked.relay)")
        } else if !readOnly {
            printLine(
                "no mail relay (--smtp-url): notifications stay in the outbox"
                    + (demo ? "; the demo shows them at /demo/outbox" : ""))
            configuration.demoOutbox = demo
        }
        let web = try await buildApplication(configuration: configuration)
        if !readOnly, let token = try await app.issueSetUpLinkIfEmpty() {
            // Only its hash is stored: this output is the one place the link is.
            var base = publicURL ?? "http://\(hostname):\(port)"
            while base.hasSuffix("/") { base.removeLast() }
            printLine("this database has no office yet: set one up (this link works once): \(base)/setup/\(token)")
        }
        printLine(
            "serving\(readOnly ? " a read-only copy" : "") on http://\(hostname):\(port)/  "
                + "(published decisions: http://\(hostname):\(port)/register)")
        flushStandardOutput()
        let outcome = ServerOutcome()
        Task {
            do { try await web.runService() } catch { outcome.failure.withLock { $0 = error } }
            outcome.done.signal()
        }
        // The command line runs synchronously: wait here until the server has shut down.
        outcome.done.wait()
        if let error = outcome.failure.withLock({ $0 }) { throw error }
    }
}

/// How the server ended, handed from its task to the waiting command.
final class ServerOutcome: Sendable {
    let failure = Mutex<(any Error)?>(nil)
    let done = DispatchSemaphore(value: 0)
}

/// `opcc user passwd NAME --as PERSON`: sets a person's web sign-in password, read from standard input or a file
/// (never from an argument, where it would be seen in the process list and the shell history). The person may set
/// their own, and the office's chief executive anyone's of the office; it ends the person's sessions and is an audit
/// event.
struct PasswdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd", abstract: "Set a person's web sign-in password (from stdin or --password-file).",
        discussion: """
            Acts --as the person themself or their office's chief executive. Every web session of the person ends; \
            the change is recorded in the audit log (password-changed).
            Example: printf '%s' 'a long passphrase' | opcc user passwd cumbria.officer --as cumbria.officer
            """)

    @Argument(help: "The person's sign-in name.") var name: String
    @Option(help: "Read the password from the first line of this file.") var passwordFile: String?
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReportingRefusals {
            let actor = try global.actorName()
            let text: String
            if let passwordFile {
                text = try String(contentsOfFile: passwordFile, encoding: .utf8)
            } else {
                text = readLine(strippingNewline: true) ?? ""
            }
            let password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            try Commissioning.checkPassword(password)
            let app = try global.open()
            let ended = try await app.changePassword(
                of: name, toHash: Passwords.hash(password), by: actor, on: try global.effectiveDay())
            printLine("password set for \(name); \(ended) web session(s) ended")
        }
    }
}
