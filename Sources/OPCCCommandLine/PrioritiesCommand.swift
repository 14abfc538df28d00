import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc priorities`: a Community Safety Partnership's priority setting with the risk/harm matrix (seed 001).
struct PrioritiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "priorities",
        abstract: "Priority setting with the risk/harm matrix: assessments, scores, the board's selection, money.",
        discussion: """
            Each partner agency scores each threat's harm on six factors (1-4 each, summed); the partnership's \
            declared method combines them (the demo: sum ÷ 6, round half up); probability comes from control-chart \
            status and share of volume on the partnership's scale; risk = probability × harm, banded by its limits. \
            The board selects its priorities: every High covered, every Medium decided with a reason, no Low \
            without a recorded compulsion. Read commands show adopted assessments to anyone; before adoption only \
            the office's people (--as) see them.
            Example: opcc priorities show --db demo.sqlite
            """,
        subcommands: [
            List.self, Show.self, Matrix.self, Chart.self, Spend.self, Import.self, Score.self, Probability.self,
            CloseScoring.self, ReopenScoring.self, Decide.self, Compel.self, SetCount.self, SetPriority.self,
            RemovePriority.self, Adopt.self, Link.self, Close.self, Withdraw.self,
        ])

    /// Which assessment a read command means: the id given, else the latest the reader may see.
    struct Which: ParsableArguments {
        @Argument(help: "The assessment id (default: the latest you may see), e.g. leicestershire-PA-0001.")
        var id: String?
        @Option(help: "Only this partnership's assessments (its code, e.g. SNWP).") var partnership: String?
        @Option(help: "Only the assessment for this financial year, e.g. 2017/18.") var year: String?
        @OptionGroup var global: GlobalOptions

        func view(_ app: Commissioning) async throws -> Commissioning.PriorityView {
            let fy = try year.map { text in
                do { return try FinancialYear(parsing: text) } catch { throw ValidationError("--year: \(error)") }
            }
            return try await app.priorityView(
                id, office: try await global.resolvedOffice(app), partnership: partnership, year: fy,
                as: global.optionalActorName)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the assessments you may see, with their bands and priorities.",
            discussion: "Example: opcc priorities list --office leicestershire --csv")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "CSV output.") var csv = false

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let rows = try await app.priorityAssessments(
                    office: try await global.resolvedOffice(app), as: global.optionalActorName)
                if output.json {
                    printLine(try jsonText(rows))
                    return
                }
                let header = [
                    "id", "office", "partnership", "financialYear", "state", "threats", "high", "medium", "low",
                    "priorities",
                ]
                let lines = rows.map { r in
                    [
                        r.id, r.office, r.partnership, r.financialYear, r.state, String(r.threats), String(r.high),
                        String(r.medium), String(r.low), String(r.priorities),
                    ]
                }
                if csv {
                    printLine(CSV.header(header))
                    for l in lines { printLine(CSV.line(l, numberColumns: Set(5...9))) }
                    return
                }
                for l in aligned([header] + lines) { printLine(l) }
                if rows.isEmpty { printLine("no assessments you may see") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show an assessment: threats, scores (recorded and computed), probability, risk, band, selection.",
            discussion: """
                Prints the declared method, one line per threat with each agency's score, the recorded total and the \
                total the declared method computes (with its working; any difference is listed), the probability \
                inputs, risk and band, then the priorities with the threats they cover and their money, and the \
                board's decisions with their reasons. --csv prints one row per threat; --json everything.
                Example: opcc priorities show --partnership SNWP --year 2017/18 --csv
                """)
        @OptionGroup var which: Which
        @OptionGroup var output: OutputOptions
        @Flag(help: "CSV output: one row per threat.") var csv = false

        func run() async throws {
            try await runReportingRefusals {
                let view = try await which.view(try which.global.open())
                if output.json {
                    printLine(try jsonText(PriorityJSON(view)))
                } else if csv {
                    print(PriorityExport.csv(view), terminator: "")
                } else {
                    for line in PrioritiesCommand.describe(view) { printLine(line) }
                }
            }
        }
    }

    struct Matrix: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The risk/harm matrix as a table: probability rows against harm columns, banded.",
            discussion: """
                Each cell gives its band's initial (H, M, L) and the numbers of the threats in it (as 'show' numbers \
                them); * marks a threat a selected priority covers.
                Example: opcc priorities matrix leicestershire-PA-0001 --csv
                """)
        @OptionGroup var which: Which
        @Flag(help: "CSV output.") var csv = false

        func run() async throws {
            try await runReportingRefusals {
                let matrix = try await which.view(try which.global.open()).matrix
                if csv {
                    for row in matrix.table { printLine(CSV.line(row, numberColumns: [])) }
                    return
                }
                printLine(matrix.title)
                for line in aligned(matrix.table, right: [0]) { printLine(line) }
                printLine(
                    "H/M/L: the cell's band (\(matrix.bands.limits(of: .high)); \(matrix.bands.limits(of: .medium)); "
                        + "\(matrix.bands.limits(of: .low))); numbers: threats; *: selected")
                for t in matrix.threats { printLine("  \(t.number)\t\(t.name)") }
            }
        }
    }

    struct Chart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The risk chart as SVG (probability × harm, band regions), with its text alternative.",
            discussion: """
                The SVG has no dependencies; its <title> and <desc> carry the text alternative, which --text prints \
                instead. Without --output the SVG goes to standard output.
                Example: opcc priorities chart --output snwp-2017-18.svg
                """)
        @OptionGroup var which: Which
        @Option(help: "Write the SVG to this file.") var output: String?
        @Flag(help: "Print the chart's text alternative instead of the SVG.") var text = false

        func run() async throws {
            try await runReportingRefusals {
                let matrix = try await which.view(try which.global.open()).matrix
                if text {
                    printLine(matrix.textAlternative)
                    return
                }
                let svg = RiskChart.svg(matrix)
                guard let output else {
                    print(svg, terminator: "")
                    return
                }
                do { try svg.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                    throw ServiceRefusal(rule: .writableFile, message: "\(output): \(error.localizedDescription)")
                }
                printLine("wrote \(output)")
                printLine(matrix.textAlternative)
            }
        }
    }

    struct Spend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Money per priority for a year, from the reconciliation of the budget lines tied to each.",
            discussion: """
                Each linked line's allocated, committed and paid figures (as 'finance reconciliation' gives them) are \
                shared between the priorities claiming it by their shares, to the penny; what none claims stays with \
                the line. --money-year picks a year other than the assessment's.
                Example: opcc priorities spend --partnership SNWP --money-year 2017/18 --csv
                """)
        @OptionGroup var which: Which
        @Option(help: "The financial year of the money (default: the assessment's year).") var moneyYear: String?
        @OptionGroup var output: OutputOptions
        @Flag(help: "CSV output.") var csv = false

        struct Shown: Encodable {
            var assessment, financialYear: String
            var priorities: [Commissioning.PrioritySpendRow]
            var lines: [Commissioning.PrioritySpendLine]
        }

        func run() async throws {
            try await runReportingRefusals {
                let app = try which.global.open()
                let view = try await which.view(app)
                let fy = try moneyYear.map { text in
                    do { return try FinancialYear(parsing: text) } catch {
                        throw ValidationError("--money-year: \(error)")
                    }
                }
                let spend = try await app.prioritySpend(view, year: fy)
                let year = (fy ?? view.assessment.year).description
                if output.json {
                    printLine(
                        try jsonText(
                            Shown(
                                assessment: view.assessment.id, financialYear: year, priorities: spend.rows,
                                lines: spend.lines)))
                    return
                }
                if csv {
                    printLine(
                        CSV.header([
                            "priority", "title", "kind", "financialYear", "allocatedPence", "committedPence",
                            "paidPence", "links",
                        ]))
                    for r in spend.rows {
                        printLine(
                            CSV.line([
                                .text(r.priority), .text(r.title), .text(r.kind), .text(r.financialYear),
                                .integer(r.allocatedPence), .integer(r.committedPence), .integer(r.paidPence),
                                .text(r.links.joined(separator: "; ")),
                            ]))
                    }
                    return
                }
                func pounds(_ pence: Int64) -> String { SignedMoney(pence: pence).description }
                printLine("Money per priority, \(view.assessment.partnershipName) priorities, \(year) money")
                let rows = spend.rows.map { r in
                    [
                        r.priority, r.title, pounds(r.allocatedPence), pounds(r.committedPence), pounds(r.paidPence),
                        r.links.joined(separator: "; "),
                    ]
                }
                for line in aligned([["code", "priority", "allocated", "committed", "paid", "tied to"]] + rows) {
                    printLine(line)
                }
                for l in spend.lines {
                    printLine(
                        "line \(l.strand)\(l.recipient.map { "/" + $0 } ?? "") \(year): allocated "
                            + "\(pounds(l.allocatedPence)), committed \(pounds(l.committedPence)), paid "
                            + "\(pounds(l.paidPence)); the priorities claim "
                            + Percentage.text(basisPoints: l.claimedBasisPoints))
                }
            }
        }
    }

    /// The text form of `show`.
    static func describe(_ view: Commissioning.PriorityView) -> [String] {
        let a = view.assessment
        let m = a.method
        var out = [
            "\(a.partnershipName) (\(a.partnershipCode)) \(a.year): \(a.id), \(view.state)"
        ]
        if let source = a.source { out.append("source: \(source)") }
        out.append("method: \(m.model); harm = \(m.combination) of the agencies' scores; risk = probability × harm")
        out.append(
            "bands: \(m.bands.limits(of: .high)); \(m.bands.limits(of: .medium)); \(m.bands.limits(of: .low))")
        out.append(
            "probability scale: "
                + ControlStatus.allCases.map { status in
                    "\(status) "
                        + m.probabilityScale.steps(for: status).sorted { $0.atLeast > $1.atLeast }
                        .map { "\($0.score) from \($0.atLeast)" }.joined(separator: ", ")
                }.joined(separator: "; "))
        out.append(
            "sets \(m.priorityCount) priorities, always delivering: " + m.statutoryObligations.joined(separator: ", "))
        out.append("")
        let header =
            ["#", "threat"] + a.agencies + [
                "total", "computed", "control", "share", "P", "risk", "band", "priorities",
            ]
        let rows = view.scored.map { t -> [String] in
            let scores: [String] = t.agencySums.map { $0.map(String.init) ?? "-" }
            let recorded: String = t.recordedTotal.map(String.init) ?? "-"
            let probability: String = t.probability.map(String.init) ?? "-"
            let risk: String = t.risk.map(String.init) ?? "-"
            let covering: String = view.selection.covering(t.name).map(\.code).joined(separator: " ")
            var cells: [String] = [String(t.number), t.name]
            cells += scores
            cells += [recorded, t.computed?.working ?? "-", t.control?.rawValue ?? "-"]
            cells += [t.volumeShare?.description ?? "-", probability, risk, t.band?.title ?? "-", covering]
            return cells
        }
        out += aligned([header] + rows)
        let differing = view.scored.filter { $0.totalDifference != nil }
        let recorded = view.scored.filter { $0.recordedTotal != nil }
        if !differing.isEmpty {
            out.append("recorded totals that differ from the computed ones (\(differing.count)):")
            for t in differing {
                out.append(
                    "  \(t.name): recorded \(t.recordedTotal!), computed \(t.computedTotal!) (\(t.computed!.working))")
            }
        } else if !recorded.isEmpty {
            out.append("recorded totals: all \(recorded.count) equal the totals computed by \(m.combination)")
        }
        out.append("")
        out += describeSelection(view)
        return out
    }

    static func describeSelection(_ view: Commissioning.PriorityView) -> [String] {
        var out: [String] = []
        let byName = Dictionary(uniqueKeysWithValues: view.scored.map { ($0.name, $0) })
        func summary(_ name: String) -> String {
            guard let t = byName[name], let band = t.band, let risk = t.risk else { return name }
            return "\(name) (\(band.title) \(risk))"
        }
        out.append(view.selection.priorities.isEmpty ? "no priorities set yet" : "priorities (\(view.state)):")
        for p in view.selection.priorities {
            out.append("  \(p.code)  \(p.title)" + (p.kind == .statutory ? " (statutory obligation)" : ""))
            if !p.threats.isEmpty { out.append("      covers: " + p.threats.map(summary).joined(separator: ", ")) }
            for link in p.money {
                out.append("      money: \(link)" + (link.service.map { " (\($0))" } ?? ""))
            }
        }
        if let changed = view.selection.changedPriorityCount {
            out.append("  the board sets \(changed.count) priorities: \(changed.record.reason)")
        }
        guard !view.selection.boardRecords.isEmpty else { return out }
        out.append("board decisions:")
        for r in view.selection.boardRecords {
            let what: String
            switch r.entry {
            case .mediumDecision(let threat, let selected):
                what = "\(summary(threat)): " + (selected ? "selected" : "not selected")
            case .compulsion(let threat, let kind): what = "\(summary(threat)): compelled (\(kind.rawValue))"
            case .priorityCount(let count): what = "number of priorities: \(count)"
            }
            out.append("  \(r.day.iso)  \(what); \(r.reason)")
        }
        return out
    }
}

/// Rows as columns padded to their widest cell, without trailing spaces. Columns in `right` are aligned right; by
/// default a cell of digits (or "-") is.
func aligned(_ rows: [[String]], right: Set<Int>? = nil) -> [String] {
    let columns = rows.map(\.count).max() ?? 0
    var widths = Array(repeating: 0, count: columns)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    return rows.map { row in
        var line = row.enumerated().map { i, cell in
            let pad = String(repeating: " ", count: widths[i] - cell.count)
            let toRight =
                right.map { $0.contains(i) } ?? (!cell.isEmpty && cell.allSatisfy { $0.isNumber || $0 == "-" })
            return toRight ? pad + cell : cell + pad
        }.joined(separator: "  ")
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }
}
