import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices
import OPCCWeb

/// `opcc export`: the transparency publications, as the public web pages serve them.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Transparency publications: grants (also as 360Giving), spending over £500, contracts over £10,000.",
        discussion: """
            What the Elected Local Policing Bodies (Specified Information) Order 2011 asks a Commissioner to \
            publish. A grant is published only once its agreement is signed (or active, or closed) and its \
            decision's Part 1 is published; Part 2 never is. Without --office, every office's (360giving needs one \
            office). Example: opcc export grants-register --office cumbria --format csv --out grants.csv
            """,
        subcommands: [
            ThreeSixtyGivingExport.self, GrantsRegister.self, Spending.self, Contracts.self, ExportOffice.self,
        ]
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    /// Where the publication goes: standard output, or a file that is not overwritten without --force.
    struct Destination: ParsableArguments {
        @Option(help: "Write to this file instead of standard output (refused if it exists, unless --force).")
        var out: String?
        @Flag(help: "Replace the --out file if it exists.") var force = false
        @Option(
            name: .customLong("public-url"),
            help: ArgumentHelp(
                "The site's address (as 'opcc serve --public-url'): decisions' Part 1 documents are linked from it "
                    + "(without it, by path, /documents/ID, and left out of 360Giving, whose links must be absolute)."))
        var publicURL: String?

        /// The links' base: the checked --public-url, or nil.
        func documentBase() throws -> String? {
            do { return try publicURL.map(WebConfiguration.checkedPublicURL) } catch {
                throw ValidationError("\(error)")
            }
        }

        func write(_ text: String, what: String) throws {
            guard let out else {
                FileHandle.standardOutput.write(Data(text.utf8))
                return
            }
            if FileManager.default.fileExists(atPath: out) && !force {
                throw ServiceRefusal(
                    rule: .exportNeverOverwrites,
                    message: "\(out) already exists: choose another --out, or pass --force to replace it")
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            printLine("wrote \(what) to \(out)")
        }
    }

    /// `--month` and `--format`, for the three tables.
    struct TableOptions: ParsableArguments {
        @Option(help: "Only this month, YYYY-MM (e.g. 2016-04).") var month: String?
        @Option(help: "csv or json.") var format: Format = .csv

        func parsedMonth() throws -> Month? {
            guard let month else { return nil }
            do { return try Month(parsing: month) } catch { throw ValidationError("--month: \(error.description)") }
        }

        func render(_ table: TransparencyTable) -> String { format == .csv ? table.csv() : table.json() }
    }

    struct ThreeSixtyGivingExport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "360giving",
            abstract: "The office's published grants as a 360Giving data package (JSON, amounts in pounds).",
            discussion: """
                The 360Giving Data Standard (https://standard.threesixtygiving.org), for GrantNav: identifiers \
                <prefix>-<agreement id> (the profile's threeSixtyGivingPrefix, default 360G-opcc-<office>), award \
                date the decision's date, Open Government Licence v3.0. With --year, only the grants decided in that \
                financial year. Example: opcc export 360giving --office cumbria --year 2016 --out \
                cumbria-2016-360giving.json
                """)
        @Option(help: "Only the grants decided in the financial year starting in this year (2016 for 2016-17).")
        var year: Int?
        @OptionGroup var destination: Destination
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if let year, !(2000...2100).contains(year) {
                throw ValidationError("--year: the year a financial year starts in, like 2016 (not \(year))")
            }
        }

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let office = try await app.resolveOffice(global.office)
                let data = try await app.threeSixtyGiving(
                    office: office, year: year.map(FinancialYear.init(startYear:)),
                    documentBase: try destination.documentBase())
                try destination.write(String(decoding: data, as: UTF8.self), what: "the 360Giving package")
            }
        }
    }

    struct GrantsRegister: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grants-register",
            abstract:
                "The published grants: recipient, purpose, amount, conditions, how each reduces crime and disorder.",
            discussion: """
                With --month, the grants decided in that month. Money in pence (amountPence) and in pounds \
                (amountPounds). Example: opcc export grants-register --office cumbria --month 2016-03
                """)
        @OptionGroup var table: TableOptions
        @OptionGroup var destination: Destination
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let month = try table.parsedMonth()
            try await runReportingRefusals {
                let grants = try await global.open().transparencyGrants(office: global.office, month: month)
                try destination.write(
                    table.render(.grantsRegister(grants, documentBase: try destination.documentBase() ?? "")),
                    what: "\(grants.count) grants")
            }
        }
    }

    struct Spending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each payment over £500: date, recipient, amount, purpose, expense type and strand.",
            discussion: """
                With --month, the payments made in that month. Example: opcc export spending --office cumbria \
                --month 2016-04 --format csv --out cumbria-spending-2016-04.csv
                """)
        @OptionGroup var table: TableOptions
        @OptionGroup var destination: Destination
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let month = try table.parsedMonth()
            try await runReportingRefusals {
                let items = try await global.open().spendingOver500(office: global.office, month: month)
                try destination.write(table.render(.spending(items)), what: "\(items.count) payments")
            }
        }
    }

    struct Contracts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each agreement over £10,000: the other party, value, start and end, and description.",
            discussion: """
                With --month, the contracts in force on any day of that month. Example: opcc export contracts \
                --office cumbria --format json
                """)
        @OptionGroup var table: TableOptions
        @OptionGroup var destination: Destination
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let month = try table.parsedMonth()
            try await runReportingRefusals {
                let items = try await global.open().contractsOver10000(office: global.office, month: month)
                try destination.write(
                    table.render(.contracts(items, documentBase: try destination.documentBase() ?? "")),
                    what: "\(items.count) contracts")
            }
        }
    }
}
