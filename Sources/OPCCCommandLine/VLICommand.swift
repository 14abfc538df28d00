import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc vli`: pilot areas by the Vulnerable Localities Index.
struct VLICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vli",
        abstract: "Vulnerable Localities Index: import inputs, score, rank wards, moderate, select, follow the money.",
        discussion: """
            The method is a declared scheme (workflows/vli/*.yaml, default vli-default): six variables, each \
            normalised and indexed (area value ÷ study-area mean × 100), grouped into weighted domains; over 200 is a \
            priority neighbourhood. Each run pins the scheme's text and hash.
            Example: opcc vli wards --office cumbria --csv
            """,
        subcommands: [Import.self, Score.self, Wards.self, Shortlist.self, Select.self, Show.self])

    static func progressLine(_ rows: Int) {
        guard isatty(2) == 1 else { return }
        FileHandle.standardError.write(Data("\r  read \(rows) rows".utf8))
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import study-area inputs at LSOA level (one transaction; a bad row refuses the file).",
            discussion: """
                KIND is geography (ONS LSOA lookup; --force to keep one police force's areas, which defines the \
                study area), population (2011 Census households and population, columns taken by position: the \
                header repeats "Persons" and has a blank column), generic (lsoa plus any of burglary-dwelling, \
                criminal-damage-dwelling, income-deprivation, employment-deprivation, young-people-15-24, \
                educational-attainment, households, population), police-uk (street-level crime files counted per \
                LSOA: "Burglary" and "Criminal damage and arson", --from/--to YYYY-MM), deprivation (English Indices \
                of Deprivation 2019: "LSOA code (2011)", "Income Score (rate)", "Employment Score (rate)", \
                "Education, Skills and Training Score"), wards (lsoa, ward_code, ward_name) or support (ward_code \
                and any named counts). --map key=Header,… renames columns.
                Example: opcc vli import police-uk --file 2016-01-cumbria-street.csv --file 2016-02-cumbria-street.csv \
                --from 2016-01 --to 2016-12 --office cumbria --as cumbria.officer
                """)
        @Argument(help: "geography, population, generic, police-uk, deprivation, wards or support.") var kind: String
        @Option(name: .customLong("file"), help: "A CSV file (repeat for several).") var files: [String]
        @Option(help: "Column mapping, key=Header,… (e.g. lsoa=LSOA11CD,code=WD19CD,name=WD19NM).") var map: String?
        @Option(help: "Geography: keep only this police force's areas (e.g. Cumbria).") var force: String?
        @Option(help: "police.uk: first month, YYYY-MM.") var from: String?
        @Option(help: "police.uk: last month, YYYY-MM.") var to: String?
        @Option(help: "Wards and support: the grouping's name.") var grouping = "ward"
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                guard let kind = Commissioning.VLIImportKind(rawValue: kind) else {
                    throw ValidationError(
                        "'\(kind)' is not one of "
                            + Commissioning.VLIImportKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                guard !files.isEmpty else { throw ValidationError("give at least one --file") }
                var options = Commissioning.VLIImportOptions()
                options.force = force
                options.fromMonth = from
                options.toMonth = to
                options.grouping = grouping
                for pair in (map ?? "").split(separator: ",") where !pair.isEmpty {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw ValidationError("--map: '\(pair)' is not KEY=HEADER") }
                    options.map[parts[0]] = parts[1]
                }
                let app = try global.open()
                let texts = try files.map { ((($0 as NSString).lastPathComponent), try readUserFile($0)) }
                let report = try await app.importVLI(
                    kind, files: texts.map { (source: $0.0, text: $0.1) }, options: options,
                    office: try await app.resolveOffice(global.office), by: try global.actorName(),
                    on: try global.effectiveDay(), progress: VLICommand.progressLine)
                if isatty(2) == 1 { FileHandle.standardError.write(Data("\r".utf8)) }
                printLine(
                    "imported \(report.kind): \(report.rows) row(s), \(report.areas) area(s)"
                        + (report.ignored > 0 ? ", \(report.ignored) row(s) outside the study area or months" : ""))
            }
        }
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score every LSOA of the study area under a scheme and store the run.",
            discussion: "Example: opcc vli score --scheme vli-default --office cumbria --as cumbria.officer")
        @Option(help: "The scheme: workflows/vli/NAME.yaml.") var scheme = "vli-default"
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let (parsed, text) = try app.vliScheme(named: scheme, home: try global.locateHome())
                let run = try await app.scoreVLI(
                    office: try await app.resolveOffice(global.office), scheme: parsed, schemeText: text,
                    by: try global.actorName(), on: try global.effectiveDay())
                printLine(
                    "\(run.id): \(run.result.scores.count) LSOAs scored under \(run.schemeName) v\(run.schemeVersion), "
                        + "\(run.result.scores.filter(\.overThreshold).count) over \(Int(parsed.threshold))")
                for note in run.result.proxies { printLine("proxy: \(note)") }
            }
        }
    }

    struct Wards: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank the wards (or MSOAs, local authorities) of the latest run by areas over the threshold.",
            discussion: "Example: opcc vli wards --office cumbria --svg wards.svg")
        @Option(help: "ward, msoa or la.") var grouping = "ward"
        @Option(help: "Also write an SVG chart of the top 15 to this file.") var svg: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "CSV output.") var csv = false

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let run = try await app.latestVLIRun(office: try await app.resolveOffice(global.office))
                guard let groups = run.result.groups[grouping] else {
                    throw ValidationError("--grouping: '\(grouping)' is not ward, msoa or la")
                }
                if let svg {
                    try Commissioning.vliChart(groups, run: run).write(
                        toFile: svg, atomically: true, encoding: .utf8)
                }
                if output.json {
                    printLine(try jsonText(groups))
                    return
                }
                let datasets = Array(Set(groups.flatMap { $0.supporting.keys })).sorted()
                let header =
                    ["rank", "code", "name", "lsoas", "overThreshold", "meanVLI", "maxVLI", "population"] + datasets
                func fields(_ i: Int, _ g: VLIScoring.GroupSummary) -> [String] {
                    var out = [String(i + 1), g.code, g.name, String(g.areas), String(g.overThreshold)]
                    out += [String(format: "%.1f", g.meanVLI), String(format: "%.1f", g.maxVLI), String(g.population)]
                    out += datasets.map { name in g.supporting[name].map { String(format: "%g", $0) } ?? "" }
                    return out
                }
                if csv {
                    // Every column but the code and the name is a number.
                    let numbers = Set(header.indices).subtracting([1, 2])
                    printLine(CSV.header(header))
                    for (i, g) in groups.enumerated() { printLine(CSV.line(fields(i, g), numberColumns: numbers)) }
                } else {
                    printLine(header.joined(separator: "\t"))
                    for (i, g) in groups.enumerated() { printLine(fields(i, g).joined(separator: "\t")) }
                }
                printLine(
                    "# \(run.id), scheme \(run.schemeName) v\(run.schemeVersion) (sha256 \(run.schemeSHA256.prefix(12))…)"
                )
                for note in run.result.proxies { printLine("# proxy: \(note)") }
            }
        }
    }

    struct Shortlist: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a ward of the latest run on the shortlist, or add a moderation note (an officer).",
            discussion: """
                Note kinds follow the SARA model and the seed's moderation: scan, analysis, response, assess, \
                local-knowledge, neighbourhood-team.
                Example: opcc vli shortlist Ormsgill --note-kind analysis --note "10 IOM offenders" --as cumbria.officer
                """)
        @Argument(help: "The ward's name or code.") var ward: String
        @Option(help: "scan, analysis, response, assess, local-knowledge or neighbourhood-team.") var noteKind: String?
        @Option(help: "The note's text.") var note: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let kind = try noteKind.map { text -> VLINote.Kind in
                    guard let kind = VLINote.Kind(rawValue: text) else {
                        throw ValidationError(
                            "--note-kind: '\(text)' is not one of "
                                + VLINote.Kind.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    return kind
                }
                let app = try global.open()
                try await app.moderateVLI(
                    office: try await app.resolveOffice(global.office), ward: ward, note: kind, text: note,
                    by: try global.actorName(), on: try global.effectiveDay())
                printLine(kind == nil ? "\(ward): shortlisted" : "\(ward): note recorded")
            }
        }
    }

    struct Select: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Select a shortlisted ward as a pilot area funded by an approved decision.",
            discussion: "Example: opcc vli select Ormsgill --decision 014/2016 --as cumbria.officer")
        @Argument(help: "The ward's name or code.") var ward: String
        @Option(help: "The approved decision that funds it.") var decision: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                try await app.selectVLIWard(
                    office: try await app.resolveOffice(global.office), ward: ward, decision: decision,
                    by: try global.actorName(), on: try global.effectiveDay())
                printLine("\(ward): selected under \(decision)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One ward: its VLI evidence and, once selected, the decision, money, agreements and returns.",
            discussion: "Example: opcc vli show Ormsgill --office cumbria --json")
        @Argument(help: "The ward's name or code.") var ward: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let view = try await app.vliWardView(office: try await app.resolveOffice(global.office), ward: ward)
                if output.json {
                    printLine(try jsonText(view))
                    return
                }
                let w = view.ward
                printLine("\(w.name) (\(w.code)) — \(view.run), scheme \(view.scheme)")
                printLine(
                    "evidence: \(w.overThreshold) of \(w.areas) LSOAs over the threshold; mean VLI "
                        + String(format: "%.1f", w.meanVLI) + ", max " + String(format: "%.1f", w.maxVLI)
                        + "; population \(w.population)")
                for (name, value) in w.supporting.sorted(by: { $0.key < $1.key }) {
                    printLine("  \(name): \(String(format: "%g", value))")
                }
                for l in view.lsoas {
                    printLine(
                        "  \(l.code) \(l.name)\t" + String(format: "%.1f", l.vli) + (l.overThreshold ? "\tover" : ""))
                }
                for note in view.notes { printLine("note (\(note.kind.rawValue), \(note.on.iso)): \(note.text)") }
                printLine("status: \(view.status ?? "not shortlisted")")
                if let decision = view.decision {
                    printLine(
                        "decision \(decision): \(view.decisionTitle ?? "")"
                            + (view.decisionAmountPence.map { " (\(Money(pence: $0)!))" } ?? ""))
                }
                for a in view.allocations {
                    printLine(
                        "allocation \(a.id): \(Money(pence: a.amountPence)!) to \(a.recipient)"
                            + (a.revenueContributionToCapital ? " (revenue contribution to capital)" : ""))
                }
                for g in view.agreements {
                    printLine(
                        "agreement \(g.id) (\(g.state)): \(Money(pence: g.amountPence)!), paid \(Money(pence: g.paidPence)!)"
                    )
                    for r in g.returns { printLine("  \(r.quarter) return \(r.id): \(r.state)") }
                }
                for note in view.proxies { printLine("proxy: \(note)") }
            }
        }
    }
}
