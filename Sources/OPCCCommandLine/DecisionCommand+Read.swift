import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

extension DecisionCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a record: status, sign-offs with dates, the Part 1 deadline, flagged exceptions.",
            discussion: "Never shows Part 2 content ('opcc decision part2' reads it, audited). Example: opcc decision "
                + "show 014/2016 --json --as cumbria.auditor")
        @Argument(help: "The record.") var record: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let view = try await app.showDecision(record, office: global.office, by: global.optionalActorName)
                let profile = try await app.profile(of: view.record.office)
                if output.json {
                    var json = DecisionJSON(view, profile: profile)
                    json.profileVersion = view.profileVersion
                    printLine(try jsonText(json))
                } else {
                    printLine(DecisionNotice.markdown(view.record, status: view.status, profile: profile))
                    if let version = view.profileVersion {
                        printLine("\nMade under office profile version \(version).")
                    }
                    // What the reader may do next, from the workflow definition (its guards are tried on the act).
                    if let reader = global.optionalActorName {
                        let acts = try await app.permittedActs(shown: view.record.id, by: reader)
                        printLine(
                            "\nVersion \(view.version). Acts you may take now: "
                                + (acts.isEmpty
                                    ? "none"
                                    : acts.map { "\($0.event) (\($0.roles.map(\.rawValue).joined(separator: ", ")))" }
                                        .joined(separator: ", ")))
                    }
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The decision register: filter, search Part 1, export CSV or JSON.",
            discussion: """
                Examples: opcc decision list --overdue · opcc decision list --year 2016/17 --strand ASB --format csv · \
                opcc decision list --search "vulnerable localities" --json · opcc decision list --undated-deferrals
                """)
        enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, json }
        @Option(help: "Financial year of the decision, e.g. 2016/17.") var year: String?
        @Option(help: "Workflow status, e.g. published.") var status: String?
        @Option(help: "Budget strand code.") var strand: String?
        @Option(help: "Originating officer.") var officer: String?
        @Option(help: "Smallest amount, e.g. £10,000.") var min: String?
        @Option(help: "Largest amount.") var max: String?
        @Flag(help: "Only records past their Part 1 deadline and not published.") var overdue = false
        @Flag(help: "Only deferred records.") var deferred = false
        @Flag(help: "Only deferrals with no until-date (the review list).") var undatedDeferrals = false
        @Option(
            help: ArgumentHelp(
                "Words to find in Part 1 (each starts a word of the record), or a decision number in any spelling "
                    + "(44/2020 finds 044/2020); read as text, never as query syntax."))
        var search: String?
        @Option(help: "text, csv or json.") var format: Format = .text
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func filter(_ app: Commissioning) async throws -> DecisionFilter {
            var f = DecisionFilter()
            if let office = global.office { f.office = try await app.resolveOffice(office) }
            do {
                f.financialYearStart = try year.map { try FinancialYear(parsing: $0).startYear }
                f.minimumPence = try min.map { try Money(parsing: $0).pence }
                f.maximumPence = try max.map { try Money(parsing: $0).pence }
            } catch { throw ValidationError(describe(error)) }
            f.status = status
            f.strand = strand
            f.officer = officer
            f.overdueOn = overdue ? app.clock.today() : nil
            f.deferred = deferred ? true : nil
            f.undatedDeferral = undatedDeferrals
            f.text = search
            return f
        }

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let rows = try await app.decisionRegister(try filter(app), by: global.optionalActorName)
                switch output.json ? .json : format {
                case .json: printLine(try jsonText(rows))
                case .csv: print(RegisterExport.csv(rows), terminator: "")
                case .text:
                    for r in rows {
                        let amount = r.amountPence.flatMap { Money(pence: $0) }?.description ?? "-"
                        var line = "\(r.office)\t\(r.number ?? r.id)\t\(r.status)\t\(amount)\t\(r.title)"
                        if let deadline = r.part1Deadline, r.publishedOn == nil { line += "\tdue \(deadline.iso)" }
                        if r.exceptionCount > 0 { line += "\t\(r.exceptionCount) flagged exception(s)" }
                        printLine(line)
                    }
                    if rows.isEmpty { printLine("no decision records match") }
                }
            }
        }
    }

    struct Notice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render the public Part 1 notice as Markdown or standalone accessible HTML.",
            discussion: "Never contains Part 2 content. Example: opcc decision notice 007/2020 --format html "
                + "--output 007-2020.html")
        enum Format: String, ExpressibleByArgument, CaseIterable { case md, html }
        @Argument(help: "The record.") var record: String
        @Option(help: "md or html.") var format: Format = .md
        @Option(help: "Write to this file instead of standard output.") var output: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let view = try await app.showDecision(record, office: global.office, by: global.optionalActorName)
                let profile = try await app.profile(of: view.record.office)
                let text =
                    format == .md
                    ? DecisionNotice.markdown(view.record, status: view.status, profile: profile)
                    : DecisionNotice.html(view.record, status: view.status, profile: profile)
                if let output {
                    try text.write(toFile: output, atomically: true, encoding: .utf8)
                    printLine("wrote \(output)")
                } else {
                    printLine(text)
                }
            }
        }
    }

    struct Part2: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a record's confidential Part 2 (only the roles the office names; every read is audited).",
            discussion: "Example: opcc decision part2 007/2020 --office lincolnshire --as lincs.auditor")
        @Argument(help: "The record.") var record: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                printLine(
                    try await app.readPart2(
                        record, office: global.office, by: try global.actorName(), on: try global.effectiveDay()))
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a complete past record (YAML or JSON) and replay its dated acts.",
            discussion: """
                Acts a rule of today's form would refuse are accepted as flagged exceptions naming the rule. The \
                import is one transaction: all of it or none. See fixtures/decisions/ for the format.
                Example: opcc decision import fixtures/decisions/cumbria-014-2016.yaml --as cumbria.officer
                """)
        @Argument(help: "The file.") var file: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let text = try readUserFile(file)
                let view = try await app.importDecision(
                    try DecisionImportFile.parse(yaml: text, source: file), source: file, by: try global.actorName())
                printLine("imported \(view.record.number ?? view.record.id): \(view.status)")
                for e in view.record.exceptions { printLine("  flagged exception [\(e.rule)] \(e.message)") }
            }
        }
    }
}
