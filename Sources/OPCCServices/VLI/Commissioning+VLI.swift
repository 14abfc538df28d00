import CSV
import Foundation
import OPCCCore
import OPCCStore

/// Pilot areas by the Vulnerable Localities Index (seed 000): import the study area's inputs, score them under a
/// declared scheme, rank the wards, moderate and select, and follow the money from a selected ward to its returns.
extension Commissioning {
    /// The kinds of file `opcc vli import` reads.
    public enum VLIImportKind: String, Sendable, CaseIterable {
        /// ONS LSOA geography (`lsoa-police-force-2011.csv`): defines the study area, optionally one police force's.
        case geography
        /// 2011 Census households and population by LSOA (`lsoa-population-census-2011.csv`), taken by position.
        case population
        /// LSOA code and any of the six variables (named by their scheme ids, or mapped).
        case generic
        /// police.uk street-level crime files, counted per LSOA over a month range.
        case policeUK = "police-uk"
        /// English Indices of Deprivation 2019 domain scores by LSOA.
        case deprivation
        /// LSOA → ward (or any grouping) lookup.
        case wards
        /// Supporting counts per ward (IOM offenders, victims, ASB incidents, …: every column but the ward code).
        case support
    }

    /// How to read an import: column mapping (`key=Header`), police force, month range, grouping name.
    public struct VLIImportOptions: Sendable {
        public var map: [String: String] = [:]
        public var force: String?
        public var fromMonth: String?
        public var toMonth: String?
        public var grouping = "ward"

        public init() {}
    }

    /// What an import did.
    public struct VLIImportReport: Sendable, Encodable {
        public var kind: String
        public var rows: Int
        public var areas: Int
        /// Rows about LSOAs outside the study area (or, for police.uk, without a location or outside the months).
        public var ignored: Int
    }

    static let vliGenericColumns = VLIScheme.Variable.allCases.map(\.rawValue)

    /// Imports one kind of input from files (one transaction for all of them): a bad row refuses everything, naming
    /// the file, the line and the reason.
    @discardableResult
    public func importVLI(
        _ kind: VLIImportKind, files: [(source: String, text: String)], options: VLIImportOptions = .init(),
        office: String, by actorName: String, on day: Day? = nil, progress: (Int) -> Void = { _ in }
    ) async throws -> VLIImportReport {
        @Sendable func refuse(_ source: String, _ line: Int?, _ message: String) -> ServiceRefusal {
            ServiceRefusal(
                rule: .validVliFile, message: "\(source)" + (line.map { ": line \($0)" } ?? "") + ": \(message)")
        }
        @Sendable func column(_ key: String, _ fallback: String) -> String { options.map[key] ?? fallback }
        // Read every file completely before the write transaction (the CSV reader is not Sendable).
        struct Table {
            var source: String
            var header: [String]
            var rows: [(line: Int, fields: [String])]
        }
        var tables: [Table] = []
        var read = 0
        for file in files {
            let reader: CSVReader
            do { reader = try CSVReader(string: file.text, hasHeaderRow: true) } catch {
                throw refuse(file.source, nil, "\(error)")
            }
            var table = Table(source: file.source, header: reader.headerRow ?? [], rows: [])
            var line = 1
            while let row = reader.next() {
                line += 1
                table.rows.append((line, row))
                read += 1
                if read % 10_000 == 0 { progress(read) }
            }
            tables.append(table)
        }
        @Sendable func index(_ table: Table, _ name: String) throws -> Int {
            guard let i = table.header.firstIndex(of: name) else {
                throw refuse(
                    table.source, nil,
                    "no column '\(name)' (columns: \(table.header.filter { !$0.isEmpty }.joined(separator: ", "))); use --map"
                )
            }
            return i
        }
        @Sendable func requireWidth(_ table: Table, _ line: Int, _ fields: [String]) throws {
            guard fields.count == table.header.count else {
                throw refuse(table.source, line, "expected \(table.header.count) fields, found \(fields.count)")
            }
        }
        @Sendable func number(_ text: String, _ table: Table, _ line: Int, _ what: String) throws -> Double {
            let cleaned = text.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces)
            guard let value = Double(cleaned), value.isFinite, value >= 0 else {
                throw refuse(table.source, line, "\(what) '\(text)' is not a number ≥ 0")
            }
            return value
        }
        let effective = day ?? clock.today()
        return try await store.write { [tables] tx in
            let role = try requireRole(
                actorName, office: office, anyOf: [.officer, .finance], in: tx, for: "a VLI import")
            let study = Set(try tx.vliGeography(office: office).map(\.lsoa))
            if kind != .geography && study.isEmpty {
                throw ServiceRefusal(
                    rule: .vliStudyAreaFirst, message: "import the study area first: opcc vli import geography")
            }
            var report = VLIImportReport(kind: kind.rawValue, rows: 0, areas: 0, ignored: 0)
            var touched: Set<String> = []
            for table in tables {
                report.rows += table.rows.count
                switch kind {
                case .geography:
                    let lsoa = try index(table, column("lsoa", "LSOA Code"))
                    let name = try index(table, column("name", "LSOA Name"))
                    let msoa = try index(table, column("msoa", "MSOA Code"))
                    let msoaName = try index(table, column("msoaName", "MSOA Name"))
                    let la = try index(table, column("la", "Local authority code"))
                    let laName = try index(table, column("laName", "Local authority name"))
                    let force = try options.force.map { _ in try index(table, column("force", "Police_force")) }
                    for (line, f) in table.rows {
                        try requireWidth(table, line, f)
                        if let force, f[force] != options.force {
                            report.ignored += 1
                            continue
                        }
                        guard f[lsoa].hasPrefix("E0") || f[lsoa].hasPrefix("W0") else {
                            throw refuse(table.source, line, "'\(f[lsoa])' is not an LSOA code (E01… or W01…)")
                        }
                        try tx.upsertVLIArea(
                            VLIGeography(
                                office: office, lsoa: f[lsoa], name: f[name], msoaCode: f[msoa], msoaName: f[msoaName],
                                laCode: f[la], laName: f[laName]))
                        touched.insert(f[lsoa])
                    }
                case .population:
                    // The census file's header repeats "Persons" three times and has a blank column: take columns by
                    // position — LSOA Code (7th), Persons, all usual residents (10th), Households (15th).
                    guard table.header.count >= 15, table.header[6] == "LSOA Code", table.header[14] == "Households"
                    else {
                        throw refuse(
                            table.source, 1,
                            "not the 2011 Census LSOA file (expected LSOA Code in column 7 and Households in column 15)"
                        )
                    }
                    for (line, f) in table.rows {
                        guard f.count >= 15 else {
                            throw refuse(table.source, line, "expected 16 fields, found \(f.count)")
                        }
                        guard study.contains(f[6]) else {
                            report.ignored += 1
                            continue
                        }
                        let population = try number(f[9], table, line, "population")
                        let households = try number(f[14], table, line, "households")
                        _ = try tx.setVLISize(
                            office: office, lsoa: f[6], households: Int(households), population: Int(population))
                        touched.insert(f[6])
                    }
                case .generic:
                    let lsoa = try index(table, column("lsoa", "lsoa"))
                    var present: [(VLIScheme.Variable, Int)] = []
                    for variable in VLIScheme.Variable.allCases {
                        if let i = table.header.firstIndex(of: column(variable.rawValue, variable.rawValue)) {
                            present.append((variable, i))
                        }
                    }
                    guard !present.isEmpty else {
                        throw refuse(
                            table.source, 1,
                            "no VLI variable columns (\(Self.vliGenericColumns.joined(separator: ", "))); use --map")
                    }
                    let households = table.header.firstIndex(of: column("households", "households"))
                    let population = table.header.firstIndex(of: column("population", "population"))
                    for (line, f) in table.rows {
                        try requireWidth(table, line, f)
                        guard study.contains(f[lsoa]) else {
                            report.ignored += 1
                            continue
                        }
                        for (variable, i) in present {
                            try tx.setVLIValue(
                                office: office, lsoa: f[lsoa], variable: variable.rawValue,
                                value: try number(f[i], table, line, variable.rawValue), source: table.source)
                        }
                        if let households, let population {
                            _ = try tx.setVLISize(
                                office: office, lsoa: f[lsoa],
                                households: Int(try number(f[households], table, line, "households")),
                                population: Int(try number(f[population], table, line, "population")))
                        }
                        touched.insert(f[lsoa])
                    }
                case .policeUK:
                    let month = try index(table, column("month", "Month"))
                    let lsoa = try index(table, column("lsoa", "LSOA code"))
                    let type = try index(table, column("type", "Crime type"))
                    var counts: [String: (burglary: Int, damage: Int)] = [:]
                    for (line, f) in table.rows {
                        try requireWidth(table, line, f)
                        let m = f[month]
                        guard m.count == 7, m.dropFirst(4).first == "-", Int(m.prefix(4)) != nil,
                            let mm = Int(m.suffix(2)), (1...12).contains(mm)
                        else { throw refuse(table.source, line, "month '\(m)' is not YYYY-MM") }
                        if let from = options.fromMonth, m < from {
                            report.ignored += 1
                            continue
                        }
                        if let to = options.toMonth, m > to {
                            report.ignored += 1
                            continue
                        }
                        guard study.contains(f[lsoa]) else {
                            report.ignored += 1
                            continue
                        }
                        switch f[type] {
                        case "Burglary": counts[f[lsoa], default: (0, 0)].burglary += 1
                        case "Criminal damage and arson": counts[f[lsoa], default: (0, 0)].damage += 1
                        default: break
                        }
                    }
                    // The files cover the whole study area: an area with no such crimes counts 0.
                    for area in study {
                        let c = counts[area] ?? (0, 0)
                        try tx.setVLIValue(
                            office: office, lsoa: area, variable: VLIScheme.Variable.burglaryDwelling.rawValue,
                            value: Double(c.burglary), source: table.source)
                        try tx.setVLIValue(
                            office: office, lsoa: area, variable: VLIScheme.Variable.criminalDamageDwelling.rawValue,
                            value: Double(c.damage), source: table.source)
                        touched.insert(area)
                    }
                case .deprivation:
                    let lsoa = try index(table, column("lsoa", "LSOA code (2011)"))
                    let columns: [(VLIScheme.Variable, Int)] = [
                        (.incomeDeprivation, try index(table, column("income", "Income Score (rate)"))),
                        (.employmentDeprivation, try index(table, column("employment", "Employment Score (rate)"))),
                        (
                            .educationalAttainment,
                            try index(table, column("education", "Education, Skills and Training Score"))
                        ),
                    ]
                    for (line, f) in table.rows {
                        try requireWidth(table, line, f)
                        guard study.contains(f[lsoa]) else {
                            report.ignored += 1
                            continue
                        }
                        for (variable, i) in columns {
                            try tx.setVLIValue(
                                office: office, lsoa: f[lsoa], variable: variable.rawValue,
                                value: try number(f[i], table, line, variable.rawValue), source: table.source)
                        }
                        touched.insert(f[lsoa])
                    }
                case .wards:
                    let lsoa = try index(table, column("lsoa", "lsoa"))
                    let code = try index(table, column("code", "ward_code"))
                    let name = try index(table, column("name", "ward_name"))
                    for (line, f) in table.rows {
                        guard f.count == table.header.count, !f[code].isBlank, !f[name].isBlank else {
                            throw refuse(table.source, line, "needs an LSOA, a group code and a group name")
                        }
                        guard study.contains(f[lsoa]) else {
                            report.ignored += 1
                            continue
                        }
                        try tx.setVLIGroup(
                            office: office, grouping: options.grouping, lsoa: f[lsoa], code: f[code], name: f[name])
                        touched.insert(f[lsoa])
                    }
                case .support:
                    let code = try index(table, column("code", "ward_code"))
                    let datasets = table.header.indices.filter { $0 != code && !table.header[$0].isBlank }
                    for (line, f) in table.rows {
                        try requireWidth(table, line, f)
                        for i in datasets {
                            try tx.setVLISupport(
                                office: office, grouping: options.grouping, code: f[code], dataset: table.header[i],
                                value: try number(f[i], table, line, table.header[i]), source: table.source)
                        }
                        touched.insert(f[code])
                    }
                }
            }
            report.areas = touched.count
            try tx.append(
                AuditEventDraft(
                    office: office, event: "vli-import", actor: actorName, role: role.rawValue, effectiveDay: effective,
                    recordedAt: clock.timestamp(),
                    payload: [
                        "kind": kind.rawValue, "files": files.map(\.source).joined(separator: ", "),
                        "rows": String(report.rows), "areas": String(report.areas), "ignored": String(report.ignored),
                    ]))
            return report
        }
    }

    // MARK: Scoring

    /// The scheme file `workflows/vli/NAME.yaml`, parsed, with its text.
    public func vliScheme(named name: String, home: ProductHome) throws -> (scheme: VLIScheme, text: String) {
        let url = home.workflows.appendingPathComponent("vli").appendingPathComponent("\(name).yaml")
        let source = home.relative(url)
        let text = try readText(url, shownAs: source)
        do { return (try VLIScheme.parse(yaml: text, source: source), text) } catch {
            throw ServiceRefusal(coreRule: error.rule, message: error.description)
        }
    }

    /// Scores the study area's inputs under a scheme and stores the run (scheme text and hash, inputs hash, every
    /// score, wards, MSOAs and local authorities ranked). Refused while any area lacks a value the scheme needs.
    @discardableResult
    public func scoreVLI(
        office: String, scheme: VLIScheme, schemeText: String, by actorName: String, on day: Day? = nil
    ) async throws -> VLIRunRecord {
        let effective = day ?? clock.today()
        return try await store.write { tx in
            let role = try requireRole(
                actorName, office: office, anyOf: [.officer, .finance], in: tx, for: "a VLI run")
            let geography = try tx.vliGeography(office: office)
            let values = try tx.vliValues(office: office)
            var areas: [VLIArea] = []
            var missing: [String] = []
            var canonical = ""
            for g in geography {
                var v: [VLIScheme.Variable: Double] = [:]
                for spec in scheme.variables {
                    if let value = values[g.lsoa]?[spec.variable.rawValue] {
                        v[spec.variable] = value
                    } else {
                        missing.append("\(g.lsoa) \(spec.variable.rawValue)")
                    }
                }
                areas.append(
                    VLIArea(code: g.lsoa, name: g.name, households: g.households, population: g.population, values: v))
                canonical += "\(g.lsoa)|\(g.households)|\(g.population)"
                for key in v.keys.map(\.rawValue).sorted() {
                    canonical += "|\(key)=\(v[VLIScheme.Variable(rawValue: key)!]!)"
                }
                canonical += "\n"
            }
            guard missing.isEmpty else {
                throw ServiceRefusal(
                    rule: .vliEveryValueGiven,
                    message: "\(missing.count) value(s) missing, e.g. " + missing.prefix(5).joined(separator: "; ")
                        + ": import them first")
            }
            let scores: [VLIAreaScore]
            do { scores = try VLIScoring.score(areas, scheme: scheme) } catch let error as VLIScoringError {
                throw ServiceRefusal(coreRule: error.rule, message: error.description)
            }
            let wards = try tx.vliGroups(office: office, grouping: "ward").mapValues { ($0.code, $0.name) }
            var msoas: [String: (code: String, name: String)] = [:]
            var las: [String: (code: String, name: String)] = [:]
            for g in geography {
                if let code = g.msoaCode { msoas[g.lsoa] = (code, g.msoaName ?? code) }
                if let code = g.laCode { las[g.lsoa] = (code, g.laName ?? code) }
            }
            let result = VLIRunResult(
                scores: scores,
                groups: [
                    "ward": VLIScoring.aggregate(
                        scores, groupOf: wards, supporting: try tx.vliSupport(office: office, grouping: "ward")),
                    "msoa": VLIScoring.aggregate(scores, groupOf: msoas),
                    "la": VLIScoring.aggregate(scores, groupOf: las),
                ], proxies: scheme.proxyNotes, threshold: scheme.threshold)
            let run = VLIRunRecord(
                id: Self.recordID(office: office, kind: "VLI", existing: try tx.vliRunCount(office: office)),
                office: office, schemeName: scheme.name, schemeVersion: scheme.version,
                schemeSHA256: SHA256Hex.of(schemeText), schemeText: schemeText, inputsSHA256: SHA256Hex.of(canonical),
                runOn: effective, runBy: actorName, result: result)
            try tx.insertVLIRun(run)
            try tx.append(
                AuditEventDraft(
                    office: office, event: "vli-run", actor: actorName, role: role.rawValue, effectiveDay: effective,
                    recordedAt: clock.timestamp(),
                    payload: [
                        "run": run.id, "scheme": "\(scheme.name) v\(scheme.version)", "schemeSha256": run.schemeSHA256,
                        "inputsSha256": run.inputsSHA256, "areas": String(scores.count),
                        "overThreshold": String(scores.filter(\.overThreshold).count),
                    ]))
            return run
        }
    }

    /// The office's latest run.
    public func latestVLIRun(office: String) async throws -> VLIRunRecord {
        guard let run = try await store.read({ try $0.latestVLIRun(office: office) }) else {
            throw ServiceRefusal(rule: .vliRunExists, message: "no VLI run in \(office) yet: opcc vli score")
        }
        return run
    }

    // MARK: Moderation and selection

    func vliWard(_ ward: String, in run: VLIRunRecord) throws -> VLIScoring.GroupSummary {
        let wards = run.result.groups["ward"] ?? []
        guard
            let found = wards.first(where: {
                $0.code == ward || $0.name.caseInsensitiveCompare(ward) == .orderedSame
            })
        else {
            throw ServiceRefusal.notFound(
                rule: .knownWard, message: "no ward '\(ward)' in run \(run.id) (import a ward lookup and score again)"
            )
        }
        return found
    }

    /// Puts a ward of the latest run on the shortlist, or adds a moderation note to it (an officer).
    public func moderateVLI(
        office: String, ward: String, note: VLINote.Kind? = nil, text: String? = nil, by actorName: String,
        on day: Day? = nil
    ) async throws {
        let run = try await latestVLIRun(office: office)
        let summary = try vliWard(ward, in: run)
        let effective = day ?? clock.today()
        try await store.write { tx in
            let role = try requireRole(actorName, office: office, anyOf: [.officer], in: tx, for: "VLI moderation")
            var selection =
                try tx.vliSelections(runID: run.id).first { $0.wardCode == summary.code }
                ?? VLISelection(runID: run.id, wardCode: summary.code, wardName: summary.name, status: .shortlisted)
            if let note {
                guard let text, !text.isBlank else {
                    throw ServiceRefusal(rule: .noteGiven, message: "a moderation note needs its text")
                }
                selection.notes.append(VLINote(kind: note, text: text, by: actorName, on: effective))
            }
            try tx.saveVLISelection(selection)
            try tx.append(
                AuditEventDraft(
                    office: office, event: note == nil ? "vli-shortlisted" : "vli-moderation-note", actor: actorName,
                    role: role.rawValue, effectiveDay: effective, recordedAt: clock.timestamp(),
                    payload: ["run": run.id, "ward": summary.name, "note": note?.rawValue ?? ""]))
        }
    }

    /// Selects a shortlisted ward as a pilot area funded by an approved decision (an officer).
    public func selectVLIWard(
        office: String, ward: String, decision: String, by actorName: String, on day: Day? = nil
    ) async throws {
        let run = try await latestVLIRun(office: office)
        let summary = try vliWard(ward, in: run)
        try await store.write { tx in
            let role = try requireRole(
                actorName, office: office, anyOf: [.officer], in: tx, for: "selecting a pilot area")
            guard var selection = try tx.vliSelections(runID: run.id).first(where: { $0.wardCode == summary.code })
            else {
                throw ServiceRefusal(
                    rule: .shortlistedBeforeSelection,
                    message: "\(summary.name) is not on the shortlist of \(run.id): shortlist and moderate it first")
            }
            let id = try decisionID(decision, office: office, in: tx)
            guard try tx.decision(id: id)?.decision?.outcome == .approved else {
                throw ServiceRefusal(
                    rule: .selectionCitesApprovedDecision, message: "decision \(decision) is not approved")
            }
            selection.status = .selected
            selection.decisionID = id
            try tx.saveVLISelection(selection)
            try tx.append(
                AuditEventDraft(
                    office: office, event: "vli-selected", actor: actorName, role: role.rawValue,
                    effectiveDay: day ?? clock.today(), recordedAt: clock.timestamp(),
                    payload: ["run": run.id, "ward": summary.name, "decision": id]))
        }
    }

    // MARK: The chain from area to money

    /// One ward's chain: VLI evidence → decision → money → agreements → quarterly progress.
    public struct VLIWardView: Sendable, Encodable {
        public struct LSOA: Sendable, Encodable {
            public let code, name: String
            public let vli: Double
            public let overThreshold: Bool
        }
        public struct Allocated: Sendable, Encodable {
            public let id, recipient, recipientOrgId: String
            public let amountPence: Int64
            public let revenueContributionToCapital: Bool
        }
        public struct Agreement: Sendable, Encodable {
            public let id, state: String
            public let amountPence, paidPence: Int64
            public let returns: [Return]
        }
        public struct Return: Sendable, Encodable {
            public let id, quarter, state: String
            public let spendInQuarterPence: Int64?
        }
        public let run: String
        public let scheme: String
        public let proxies: [String]
        public let ward: VLIScoring.GroupSummary
        public let lsoas: [LSOA]
        public let status: String?
        public let notes: [VLINote]
        public let decision: String?
        public let decisionTitle: String?
        public let decisionAmountPence: Int64?
        public let allocations: [Allocated]
        public let agreements: [Agreement]
    }

    public func vliWardView(office: String, ward: String) async throws -> VLIWardView {
        let run = try await latestVLIRun(office: office)
        let summary = try vliWard(ward, in: run)
        return try await store.read { tx in
            let lookup = try tx.vliGroups(office: office, grouping: "ward")
            let lsoas = run.result.scores.filter { lookup[$0.code]?.code == summary.code }.sorted {
                $0.composite > $1.composite
            }.map { VLIWardView.LSOA(code: $0.code, name: $0.name, vli: $0.composite, overThreshold: $0.overThreshold) }
            let selection = try tx.vliSelections(runID: run.id).first { $0.wardCode == summary.code }
            var allocations: [VLIWardView.Allocated] = []
            var agreements: [VLIWardView.Agreement] = []
            var decision: DecisionRecord?
            if let decisionID = selection?.decisionID {
                decision = try tx.decision(id: decisionID)
                let own = try liveAllocations(office: office, in: tx).filter {
                    $0.decisionID == decisionID && $0.area?.caseInsensitiveCompare(summary.name) == .orderedSame
                }
                allocations = own.map {
                    .init(
                        id: $0.id, recipient: $0.recipientName, recipientOrgId: $0.recipientOrgID,
                        amountPence: $0.amount.pence, revenueContributionToCapital: $0.revenueContributionToCapital)
                }
                for agreement in try tx.agreements(office: office)
                where agreement.allocationIDs.contains(where: { id in own.contains { $0.id == id } }) {
                    let returns = try tx.returnRecords(office: office, agreement: agreement.id).map { r in
                        VLIWardView.Return(
                            id: r.id, quarter: r.quarter.description, state: try tx.instance(id: r.id)?.state ?? "",
                            spendInQuarterPence: (r.accepted ?? r.current)?.content.spendInQuarter.pence)
                    }
                    agreements.append(
                        .init(
                            id: agreement.id, state: try tx.instance(id: agreement.id)?.state ?? "",
                            amountPence: agreement.amount.pence,
                            paidPence: agreement.paidPence,
                            returns: returns))
                }
            }
            return VLIWardView(
                run: run.id, scheme: "\(run.schemeName) v\(run.schemeVersion)", proxies: run.result.proxies,
                ward: summary, lsoas: lsoas, status: selection?.status.rawValue, notes: selection?.notes ?? [],
                decision: decision?.number, decisionTitle: decision?.title,
                decisionAmountPence: decision?.amount?.pence,
                allocations: allocations, agreements: agreements)
        }
    }

    /// Wards ranked by areas over the threshold, as an SVG bar chart with a title and text alternative.
    public static func vliChart(_ wards: [VLIScoring.GroupSummary], run: VLIRunRecord, top: Int = 15) -> String {
        let shown = Array(wards.prefix(top))
        let most = max(1, shown.map(\.overThreshold).max() ?? 1)
        let rowHeight = 24
        let width = 640
        let height = 60 + rowHeight * shown.count
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let title = "Wards ranked by LSOAs over \(Int(run.result.threshold)) (\(run.id), \(run.schemeName))"
        let summary = shown.map { "\($0.name) \($0.overThreshold)" }.joined(separator: ", ")
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" role="img" \
            aria-labelledby="t d" font-family="Arial, sans-serif" font-size="13">
            <title id="t">\(escape(title))</title>
            <desc id="d">\(escape(summary))</desc>
            <text x="8" y="22" font-size="15" font-weight="bold">\(escape(title))</text>

            """
        for (i, ward) in shown.enumerated() {
            let y = 40 + i * rowHeight
            let bar = Int(Double(ward.overThreshold) / Double(most) * 300)
            svg += """
                <text x="8" y="\(y + 16)">\(escape(ward.name))</text>
                <rect x="300" y="\(y + 4)" width="\(bar)" height="16" fill="#1d70b8"/>
                <text x="\(306 + bar)" y="\(y + 16)">\(ward.overThreshold)</text>

                """
        }
        return svg + "</svg>\n"
    }
}
