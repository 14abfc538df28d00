import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc demo`: the product's main job on the embedded SQLite default, with the seeds' offices and cases.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Load every office profile and demo scenario under fixtures/ into the database.",
        discussion: """
            Idempotent: running it twice changes nothing the second time. With --reset the existing database file \
            is first moved aside (renamed with a timestamp, never deleted) and a fresh one is loaded.
            The demo includes Cumbria's closed grant round (fixtures/rounds/community-safety-fund.yaml): five \
            applications from four partners, eligibility, two assessors' scores, moderation and the decision whose \
            approval allocates three awards and drafts their agreements. --without-round leaves it out.
            Example: opcc demo --db demo.sqlite
            Example: opcc demo --without-round --db demo.sqlite   (no grant round, to set one up by hand)
            """)

    @Flag(help: "Move the existing database aside and start a fresh one.") var reset = false
    @Flag(help: "Stop before the quarterly returns scenario (returns scheduled, none written), to try them by hand.")
    var withoutReturns = false
    @Flag(help: "Leave out Cumbria's closed grant round (it is loaded by default), to set a round up by hand.")
    var withoutRound = false
    /// Kept so that scripts written when the round was optional still run: the round is loaded by default now.
    @Flag(help: .hidden) var withRound = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard !(withRound && withoutRound) else {
            throw ValidationError("--with-round and --without-round exclude each other")
        }
    }

    func run() async throws {
        try await runReportingRefusals {
            let home = try global.locateHome()
            let path = global.databasePath
            if reset, isServerURL(path) {
                throw ValidationError(
                    "--reset moves a SQLite file aside; a PostgreSQL database is never emptied by opcc: "
                        + "create a new database (createdb) and give its URL to --db")
            }
            if reset, FileManager.default.fileExists(atPath: path) {
                let stamp = Int(Date().timeIntervalSince1970)
                for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                    try FileManager.default.moveItem(atPath: path + suffix, toPath: "\(path).\(stamp).bak\(suffix)")
                }
                printLine("moved the old database aside to \(path).\(stamp).bak")
            }
            let app = try Commissioning.open(home: home, databasePath: path)
            printLine("loading the demo from \(home.root.path) into \(databaseDisplayName(path))")
            _ = try await app.loadDemo(from: home, returns: !withoutReturns) { line in printLine("  " + line) }
            if !withoutRound { try await app.loadDemoRound(from: home) { line in printLine("  " + line) } }
            let verification = try await app.verifyAudit()
            let head = verification.head
            printLine(
                "audit log: \(verification.eventsChecked) events, head \(head); "
                    + (verification.isIntact ? "chain verified" : "PROBLEM: \(verification.problems.joined())"))
            let books = try await app.financeCheck()
            printLine(
                books.isEmpty
                    ? "books: every account recomputed from its postings; they balance"
                    : "books: PROBLEM: " + books.joined(separator: "; "))
            guard verification.isIntact, books.isEmpty else { throw ExitCode(1) }
            let shown = databaseDisplayName(path)
            printLine(
                "next: opcc decision list --db \(shown)   ·   opcc finance reconciliation --year 2016/17 --db \(shown)")
        }
    }
}

/// `opcc office`: the offices in the database and their profiles.
struct OfficeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "office", abstract: "The offices in the database, and their profiles.",
        discussion: "Example: opcc office show cumbria",
        subcommands: [List.self, Show.self, Add.self, Edit.self, Versions.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the offices and their main settings.", discussion: "Example: opcc office list --json")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let ids = try await app.offices().map(\.id)
                var profiles: [OfficeProfile] = []
                for id in ids { profiles.append(try await app.profile(of: id)) }
                if output.json {
                    printLine(try jsonText(profiles.map(OfficeSummary.init)))
                } else {
                    for p in profiles {
                        printLine(
                            "\(p.id)\t\(p.name)\tnumbers \(p.numbering.text) (\(p.numbering.reset.rawValue))\t"
                                + "Part 1 within \(p.part1DeadlineWorkingDays) working day(s)")
                    }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one office's profile.", discussion: "Example: opcc office show cumbria")
        @Argument(help: "Office id.") var id: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let p = try await app.profile(of: try await app.resolveOffice(id))
                if output.json {
                    printLine(try jsonText(OfficeSummary(p)))
                    return
                }
                printLine("\(p.name) (\(p.id))")
                if let stored = try await app.offices().first(where: { $0.id == p.id }) {
                    printLine("  profile version: \(stored.profileVersion)")
                }
                printLine("  decision numbers: \(p.numbering.text), reset \(p.numbering.reset.rawValue)")
                printLine("  Part 1 published within \(p.part1DeadlineWorkingDays) working day(s) of the decision")
                printLine("  executive summary limit: " + (p.executiveSummaryWordLimit.map { "\($0) words" } ?? "none"))
                printLine("  deferral needs an until-date: \(p.deferralNeedsUntilDate ? "yes" : "no")")
                printLine("  Part 2 reason printed on Part 1: \(p.part2ReasonPrintedOnPart1 ? "yes" : "no")")
                printLine("  sign-offs before referral:")
                for s in p.signatories { printLine("    - \(s.title) [\(s.kind.rawValue), recorded by \(s.role)]") }
                printLine("  roles: " + p.roles.map(\.rawValue).joined(separator: ", "))
                printLine(
                    "  assessment documents required: "
                        + (p.assessmentDocumentsRequired.map { "for agreements drafted from \($0.iso)" } ?? "no"))
            }
        }
    }
}

/// The JSON form of an office profile.
struct OfficeSummary: Encodable {
    var id, name: String
    var orgId: String?
    var decisionNumberTemplate, decisionNumberReset: String
    var part1DeadlineWorkingDays: Int
    var executiveSummaryWordLimit: Int?
    var deferralNeedsUntilDate, part2ReasonPrintedOnPart1: Bool
    var signatories: [String]
    var roles: [String]

    init(_ p: OfficeProfile) {
        id = p.id
        name = p.name
        orgId = p.orgID
        decisionNumberTemplate = p.numbering.text
        decisionNumberReset = p.numbering.reset.rawValue
        part1DeadlineWorkingDays = p.part1DeadlineWorkingDays
        executiveSummaryWordLimit = p.executiveSummaryWordLimit
        deferralNeedsUntilDate = p.deferralNeedsUntilDate
        part2ReasonPrintedOnPart1 = p.part2ReasonPrintedOnPart1
        signatories = p.signatories.map(\.position)
        roles = p.roles.map(\.rawValue)
    }
}
