import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc return`: quarterly returns from project boards.
struct ReturnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return",
        abstract: "Quarterly returns: list, show, save, submit, accept, send back, correct, waive, escalate, history.",
        discussion: """
            A return is scheduled for every quarter an active agreement covers, due the office's returnDueWorkingDays \
            (default 15) after quarter end. The grant's own project board saves and submits it; an officer or finance \
            who did not submit it accepts it or sends it back with reasons.
            Example: opcc return list --overdue --as cumbria.officer
            """,
        subcommands: [
            List.self, Show.self, Save.self, Submit.self, Accept.self, SendBack.self, Correct.self, Waive.self,
            Escalate.self, History.self, ImportIndicator.self,
        ] + RecordDocumentCommands<ReturnCommand>.all)

    struct IDOptions: ParsableArguments {
        @Argument(help: "The return id, e.g. cumbria-QR-0003.") var id: String
        @Option(help: "Only if the record is still at this version (the API's ETag); else nothing changes.")
        var version: Int?
        @OptionGroup var global: GlobalOptions
    }

    static func readContent(_ path: String) throws -> ReturnContent {
        try decodeUserFile(ReturnFile.self, path, rule: .validReturnFile).content()
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List returns you may see: due, overdue, escalated or awaiting review.",
            discussion: "Example: opcc return list --awaiting-review --grant cumbria-GA-0002 --as cumbria.officer --csv"
        )
        @Flag(help: "Only returns due and not yet past their due day.") var due = false
        @Flag(help: "Only outstanding returns past their due day.") var overdue = false
        @Flag(help: "Only returns the deadline sweep escalated.") var escalated = false
        @Flag(help: "Only returns submitted and awaiting review.") var awaitingReview = false
        @Option(help: "Only this grant agreement's returns.") var grant: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "CSV output.") var csv = false

        func run() async throws {
            try await runReportingRefusals {
                let chosen: [Commissioning.ReturnFilter.Status] = [
                    due ? .due : nil, overdue ? .overdue : nil, escalated ? .escalated : nil,
                    awaitingReview ? .awaitingReview : nil,
                ].compactMap { $0 }
                guard chosen.count <= 1 else {
                    throw ValidationError("choose at most one of --due, --overdue, --escalated, --awaiting-review")
                }
                let app = try global.open()
                let rows = try await app.returns(
                    .init(
                        office: try await global.resolvedOffice(app), grant: grant,
                        status: chosen.first), as: try global.actorName(), on: try global.effectiveDay())
                if output.json {
                    printLine(try jsonText(rows))
                    return
                }
                let header = [
                    "id", "agreement", "recipient", "quarter", "dueOn", "state", "overdue", "escalated", "version",
                    "spendInQuarterPence",
                ]
                func fields(_ r: Commissioning.ReturnListRow) -> [String] {
                    [
                        r.id, r.agreement, r.recipient, r.quarter, r.dueOn, r.state, r.overdue ? "yes" : "no",
                        r.escalated ? "yes" : "no", r.version.map(String.init) ?? "",
                        r.spendInQuarterPence.map(String.init) ?? "",
                    ]
                }
                if csv {
                    printLine(CSV.header(header))
                    for r in rows { printLine(CSV.line(fields(r), numberColumns: [8, 9])) }
                    return
                }
                for r in rows {
                    let flags = [r.overdue ? "OVERDUE" : nil, r.escalated ? "escalated" : nil].compactMap { $0 }
                    printLine(
                        "\(r.id)\t\(r.quarter)\t\(r.recipient)\tdue \(r.dueOn)\t\(r.state)"
                            + (flags.isEmpty ? "" : "\t" + flags.joined(separator: ", ")))
                }
                if rows.isEmpty { printLine("no returns") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one return: schedule, state and every version with its review.",
            discussion: "Example: opcc return show cumbria-QR-0007 --as cumbria.copeland-board --json")
        @OptionGroup var o: IDOptions
        @OptionGroup var output: OutputOptions

        struct Shown: Encodable {
            var id, agreement, quarter, start, end, dueOn, state: String
            var versions: [ReturnVersion]
        }

        func run() async throws {
            try await runReportingRefusals {
                let app = try o.global.open()
                let (record, state) = try await app.quarterlyReturn(o.id, as: try o.global.actorName())
                if output.json {
                    printLine(
                        try jsonText(
                            Shown(
                                id: record.id, agreement: record.agreementID, quarter: record.label,
                                start: record.schedule.start.iso, end: record.schedule.end.iso,
                                dueOn: record.dueOn.iso, state: state, versions: record.versions)))
                    return
                }
                printLine(
                    "\(record.id): "
                        + (record.schedule.endOfGrant ? "end-of-grant report" : "\(record.quarter) return")
                        + " for \(record.agreementID)")
                printLine("period \(record.schedule.start.iso) to \(record.schedule.end.iso), due \(record.dueOn.iso)")
                printLine("state: \(state)")
                for v in record.versions {
                    let c = v.content
                    printLine("")
                    printLine(
                        "version \(v.number)"
                            + (v.submittedOn.map { ", submitted \($0.iso) by \(v.submittedBy ?? "?")" }
                                ?? ", not submitted")
                            + (v.correctionReason.map { ", correction: \($0)" } ?? ""))
                    printLine("  spend in quarter \(c.spendInQuarter), to date \(c.spendToDate)")
                    if let e = c.varianceExplanation { printLine("  variance explained: \(e)") }
                    printLine("  narrative: \(c.narrative)")
                    for m in c.milestones {
                        printLine(
                            "  milestone \(m.rag.rawValue.uppercased()): \(m.name)"
                                + (m.reason.map { " — \($0)" } ?? ""))
                    }
                    for i in c.indicators { printLine("  indicator \(i.name): \(i.actual)") }
                    for r in c.risks { printLine("  risk: \(r)") }
                    for i in c.issues { printLine("  issue: \(i)") }
                    for r in c.requestedChanges {
                        printLine("  requested change (\(r.kind.rawValue)): \(r.description)")
                    }
                    if let review = v.review {
                        printLine(
                            "  review: \(review.outcome) by \(review.by) on \(review.on.iso)"
                                + (review.reasons.map { ": \($0)" } ?? ""))
                    }
                }
            }
        }
    }

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save the return's content from a YAML or JSON file (its own project board only).",
            discussion: """
                The file gives spendInQuarter and spendToDate (in pounds, e.g. "£12,500"), varianceExplanation (needed \
                when spend differs from the profile by 10% or more either way), narrative, milestones [{name, rag: \
                red|amber|green, reason}], indicators [{name, actual}], risks, issues, requestedChanges [{kind: \
                amount|dates|plan-lines, description, amountChange}]. The first save starts the return; after it is \
                sent back, a save opens a new version.
                Example: opcc return save cumbria-QR-0007 --file q3.yaml --as cumbria.copeland-board
                """)
        @OptionGroup var o: IDOptions
        @Option(help: "YAML or JSON file with the return's content.") var file: String
        func run() async throws {
            try await performAct(o, "saved") { app, who, day in
                try await app.saveReturn(
                    o.id, content: try ReturnCommand.readContent(file), by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit the saved return for review (its own project board only).",
            discussion: """
                Refused, naming each rule, while a variance of 10% or more is unexplained, a red or amber milestone \
                has no reason, an indicator is not reported, or spend to date does not add up. --file saves first \
                (the content is kept as a draft even when the submission is refused).
                Example: opcc return submit cumbria-QR-0007 --as cumbria.copeland-board --on 2017-01-20
                """)
        @OptionGroup var o: IDOptions
        @Option(help: "Save this content first.") var file: String?
        func run() async throws {
            try await performAct(o, "submitted") { app, who, day in
                if let file {
                    try await app.saveReturn(
                        o.id, content: try ReturnCommand.readContent(file), by: who, on: day, expectedVersion: o.version
                    )
                }
                try await app.submitReturn(o.id, by: who, on: day, expectedVersion: file == nil ? o.version : nil)
            }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a submitted return (an officer or finance who did not submit it).",
            discussion: """
                The accepted version is never changed; instalments payable on this quarter's accepted return are \
                released, and each requested change becomes a variation proposal for finance (opcc finance proposals).
                Example: opcc return accept cumbria-QR-0007 --as cumbria.finance
                """)
        @OptionGroup var o: IDOptions
        @Option(help: "An optional note.") var note: String?
        func run() async throws {
            try await performAct(o, "accepted") { app, who, day in
                try await app.acceptReturn(o.id, note: note, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct SendBack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-back",
            abstract: "Return a submitted return for revision, with the reviewer's reasons.",
            discussion:
                "Example: opcc return send-back cumbria-QR-0007 --reason \"explain the underspend\" --as cumbria.finance"
        )
        @OptionGroup var o: IDOptions
        @Option(help: "What to revise.") var reason: String
        func run() async throws {
            try await performAct(o, "returned for revision") { app, who, day in
                try await app.returnForRevision(o.id, reasons: reason, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a correction to an accepted return as a new version with a reason.",
            discussion:
                "Example: opcc return correct cumbria-QR-0001 --file fixed.yaml --reason \"typo in spend\" --as cumbria.barrow-board"
        )
        @OptionGroup var o: IDOptions
        @Option(help: "YAML or JSON file with the corrected content.") var file: String
        @Option(help: "Why.") var reason: String
        func run() async throws {
            try await performAct(o, "correction recorded") { app, who, day in
                try await app.correctReturn(
                    o.id, content: try ReturnCommand.readContent(file), reason: reason, by: who, on: day,
                    expectedVersion: o.version)
            }
        }
    }

    struct Waive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Waive a return that is not needed, with a reason (an officer or finance).",
            discussion:
                "Example: opcc return waive cumbria-QR-0004 --reason \"agreement ended early\" --as cumbria.finance")
        @OptionGroup var o: IDOptions
        @Option(help: "Why.") var reason: String
        func run() async throws {
            try await performAct(o, "waived") { app, who, day in
                try await app.waiveReturn(o.id, reason: reason, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct Escalate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Escalate an overdue return by hand (refused before its due day).",
            discussion: "Example: opcc return escalate cumbria-QR-0004 --as cumbria.officer")
        @OptionGroup var o: IDOptions
        func run() async throws {
            try await performAct(o, "escalated") { app, who, day in
                try await app.escalateReturn(o.id, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A grant's returns across quarters: spend against profile, variance, RAG and indicators.",
            discussion:
                "Ready for charts. Example: opcc return history --grant cumbria-GA-0002 --as cumbria.finance --csv")
        @Option(help: "The grant agreement.") var grant: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "CSV output.") var csv = false

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let rows = try await app.grantHistory(grant, as: try global.actorName())
                if output.json {
                    printLine(try jsonText(rows))
                    return
                }
                let indicatorNames = Array(Set(rows.flatMap { $0.indicators.keys })).sorted()
                let contextNames = Array(Set(rows.flatMap { $0.context.keys })).sorted()
                let header =
                    [
                        "quarter", "return", "state", "profiledPence", "spendInQuarterPence", "profiledToDatePence",
                        "spendToDatePence", "varianceBasisPoints", "red", "amber", "green",
                    ] + indicatorNames + contextNames.map { "context: \($0)" }
                func fields(_ r: Commissioning.GrantQuarter) -> [String] {
                    var out: [String] = [r.quarter, r.returnID, r.state, String(r.profiledPence)]
                    out.append(r.spendInQuarterPence.map(String.init) ?? "")
                    out.append(String(r.profiledToDatePence))
                    out.append(r.spendToDatePence.map(String.init) ?? "")
                    out.append(r.varianceBasisPoints.map(String.init) ?? "")
                    out += [String(r.red), String(r.amber), String(r.green)]
                    out += indicatorNames.map { r.indicators[$0] ?? "" }
                    out += contextNames.map { name in r.context[name].map(String.init) ?? "" }
                    return out
                }
                if csv {
                    // The money, the variance and the RAG counts are numbers; indicators and context are as entered.
                    let numbers = Set(3...10).union((0..<contextNames.count).map { 11 + indicatorNames.count + $0 })
                    printLine(CSV.header(header))
                    for r in rows { printLine(CSV.line(fields(r), numberColumns: numbers)) }
                    return
                }
                for r in rows {
                    let spend = r.spendInQuarterPence.map { "\(Money(pence: $0)!)" } ?? "—"
                    let variance = r.varianceBasisPoints.map { Variance.percentText(basisPoints: $0) } ?? ""
                    printLine(
                        "\(r.quarter)\t\(r.state)\tprofile \(Money(pence: r.profiledPence)!)\tspent \(spend)\t"
                            + "\(variance)\tRAG \(r.red)/\(r.amber)/\(r.green)")
                }
            }
        }
    }

    struct ImportIndicator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-indicator",
            abstract: "Import a quarterly context series (e.g. the force's recorded crime) for a grant from a CSV.",
            discussion: """
                --map names the CSV's columns for year, quarter, area and value (defaults: the Home Office recorded \
                crime file's Financial_Year, Financial_Quarter, Force_Name, Number_of_Offences); rows for --area are \
                summed per quarter, optionally only where --where COLUMN=VALUE holds. One transaction: a bad row \
                refuses the whole file, naming its line.
                Example: opcc return import-indicator --grant cumbria-GA-0001 --name "Cumbria recorded crime" \
                --file fixtures/indicators/cumbria-recorded-crime-2017-18.csv --area Cumbria --as cumbria.finance
                """)
        @Option(help: "The grant agreement.") var grant: String
        @Option(help: "The indicator's name.") var name: String
        @Option(help: "The CSV file.") var file: String
        @Option(help: "The area whose rows to sum (e.g. the force name).") var area: String
        @Option(help: "Column mapping: year=COL,quarter=COL,area=COL,value=COL.") var map: String?
        @Option(name: .customLong("where"), help: "Only rows where COLUMN=VALUE (e.g. Offence_Group=Robbery).")
        var condition: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                var mapping = IndicatorCSV.Mapping()
                for pair in (map ?? "").split(separator: ",") where !pair.isEmpty {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw ValidationError("--map: '\(pair)' is not KEY=COLUMN") }
                    switch parts[0] {
                    case "year": mapping.year = parts[1]
                    case "quarter": mapping.quarter = parts[1]
                    case "area": mapping.area = parts[1]
                    case "value": mapping.value = parts[1]
                    default: throw ValidationError("--map: '\(parts[0])' is not year, quarter, area or value")
                    }
                }
                if let condition {
                    let parts = condition.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw ValidationError("--where: give COLUMN=VALUE") }
                    mapping.filter = (parts[0], parts[1])
                }
                let app = try global.open()
                let text = try readUserFile(file)
                let values = try IndicatorCSV.parse(text, source: file, area: area, mapping: mapping)
                try await app.importIndicatorSeries(
                    agreement: grant, indicator: name, source: (file as NSString).lastPathComponent, values: values,
                    by: try global.actorName(), on: try global.effectiveDay())
                for (quarter, value) in values { printLine("\(quarter)\t\(value)") }
                printLine("imported \(values.count) quarter(s) of '\(name)' for \(grant)")
            }
        }
    }
}
