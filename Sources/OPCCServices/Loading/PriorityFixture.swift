import OPCCCore
import OPCCStore

/// A partnership's assessment as a YAML or JSON file (`opcc priorities import --file`, and the demo's
/// `fixtures/priorities/*.yaml`): the partnership, the year, the declared method, the agencies in column order and
/// one line per threat with each agency's score in that order, written as the published sum (`15`) or as the six
/// factor scores (`[4, 3, 2, 2, 2, 2]`), the recorded total if one was published and the probability inputs.
public struct PriorityFile: Decodable, Sendable {
    public struct Partnership: Decodable, Sendable {
        public var code: String
        public var name: String
    }
    public struct Method: Decodable, Sendable {
        public var model: String
        public var combination: CombinationMethod
        public var probabilityScale: ProbabilityScale
        public var bands: RiskBands
        public var priorities: Int
        public var statutoryObligations: [String]?
    }
    /// An agency's score as written: a sum, or six factor scores.
    public enum Score: Decodable, Sendable {
        case sum(Int)
        case factors([Int])

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let sum = try? container.decode(Int.self) {
                self = .sum(sum)
            } else if let factors = try? container.decode([Int].self) {
                self = .factors(factors)
            } else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "write a summed score (15) or six factor scores ([4, 3, 2, 2, 2, 2])")
            }
        }

        var harmScore: HarmScore {
            switch self {
            case .sum(let sum): return HarmScore(sum: sum)
            case .factors(let factors): return HarmScore(factors: factors)
            }
        }
    }
    public struct Threat: Decodable, Sendable {
        public var threat: String
        /// In the order of `agencies`; leave out the list (or write null) for agencies that have not scored yet.
        public var scores: [Score?]?
        public var total: Int?
        public var control: ControlStatus?
        public var share: Percentage?
        public var note: String?
    }

    public var office: String
    public var partnership: Partnership
    public var year: FinancialYear
    public var source: String?
    public var method: Method
    public var agencies: [String]
    public var threats: [Threat]

    public static func parse(yaml: String, source: String) throws -> PriorityFile {
        try StrictYAML.decode(PriorityFile.self, from: yaml, source: source, rule: .validPrioritiesFile)
    }

    /// The assessment the file describes; refused, naming the line, when a threat gives more scores than there are
    /// agencies.
    public func assessment(source: String) throws -> PriorityAssessment {
        var threats: [PriorityAssessment.Threat] = []
        for (index, line) in self.threats.enumerated() {
            let scores = line.scores ?? []
            guard scores.count <= agencies.count else {
                throw ServiceRefusal(
                    rule: .everyAgencyScoresEveryThreat,
                    message: "\(source): threats[\(index)] ('\(line.threat)') gives \(scores.count) scores for "
                        + "\(agencies.count) agencies (\(agencies.joined(separator: ", ")))")
            }
            var byAgency: [String: HarmScore] = [:]
            for (agency, score) in zip(agencies, scores) { if let score { byAgency[agency] = score.harmScore } }
            threats.append(
                .init(
                    name: line.threat, scores: byAgency, recordedTotal: line.total, control: line.control,
                    volumeShare: line.share, note: line.note))
        }
        return PriorityAssessment(
            id: "", office: office, partnershipCode: partnership.code, partnershipName: partnership.name, year: year,
            source: self.source,
            method: PartnershipMethod(
                model: method.model, combination: method.combination, probabilityScale: method.probabilityScale,
                bands: method.bands, priorityCount: method.priorities,
                statutoryObligations: method.statutoryObligations ?? []),
            agencies: agencies, threats: threats)
    }
}

/// The demo's priority-setting scenario (`fixtures/priorities/*.yaml`): an assessment file, the money the priorities
/// are tied to, the board's selection with its reasons, and the days each step was taken.
public struct PriorityFixture: Decodable, Sendable {
    public struct Selection: Decodable, Sendable {
        public struct Decision: Decodable, Sendable {
            var threat: String
            var selected: Bool
            var reason: String
        }
        public struct Compulsion: Decodable, Sendable {
            var threat: String
            var kind: PrioritySelection.Compulsion
            var reason: String
        }
        public struct Link: Decodable, Sendable {
            var strand: String
            var recipient: String?
            var service: String?
            var share: Percentage?
        }
        public struct Priority: Decodable, Sendable {
            var code: String
            var title: String
            var statutory: Bool?
            var threats: [String]?
            var money: [Link]?
        }
        var on: Day
        var priorities: [Priority]
        var decisions: [Decision]?
        var compulsions: [Compulsion]?
        var adoptedOn: Day
    }
    public struct Money: Decodable, Sendable {
        var budgets: [FinanceFixture.BudgetLine]?
        var allocations: [FinanceFixture.AllocationLine]?
    }
    enum CodingKeys: String, CodingKey {
        case importedOn, scoringClosedOn, money, selection
    }

    public var file: PriorityFile
    var importedOn: Day
    var scoringClosedOn: Day
    var money: Money?
    var selection: Selection

    public init(from decoder: any Decoder) throws {
        file = try PriorityFile(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        importedOn = try container.decode(Day.self, forKey: .importedOn)
        scoringClosedOn = try container.decode(Day.self, forKey: .scoringClosedOn)
        money = try container.decodeIfPresent(Money.self, forKey: .money)
        selection = try container.decode(Selection.self, forKey: .selection)
    }

    public static func parse(yaml: String, source: String) throws -> PriorityFixture {
        try StrictYAML.decode(PriorityFixture.self, from: yaml, source: source, rule: .validFixture)
    }
}

extension Commissioning {
    /// Loads every `fixtures/priorities/*.yaml` scenario (idempotent), one report line each.
    func loadPriorityFixtures(
        from home: ProductHome, into report: inout DemoReport, progress: (String) -> Void
    ) async throws {
        for file in ProductHome.yamlFiles(in: home.fixtures.appendingPathComponent("priorities")) {
            let source = home.relative(file)
            let fixture = try PriorityFixture.parse(yaml: try readText(file, shownAs: source), source: source)
            let line = try await loadPriorityFixture(fixture, source: source)
            report.lines.append(line)
            progress(line)
        }
    }

    /// Plays a priority-setting scenario: the money its priorities are tied to (each budget and allocation only if
    /// not there yet), then, unless the partnership already has the year's assessment, the import, the close of
    /// scoring, the priorities, the board's decisions and the adoption, each on its day.
    func loadPriorityFixture(_ fixture: PriorityFixture, source: String) async throws -> String {
        let office = fixture.file.office
        func first(_ role: Role) async throws -> String {
            guard
                let person = try await people(office: office).first(where: {
                    $0.actor.roles(covering: nil).contains(role)
                })
            else { throw ServiceRefusal(rule: .validFixture, message: "\(source): \(office) has no \(role)") }
            return person.name
        }
        let funded = try await loadPriorityMoney(
            fixture.money, office: office, finance: { try await first(.finance) }, source: source)
        let year = fixture.file.year
        if try await store.read({ try $0.assessments(office: office) }).contains(where: {
            $0.partnershipCode == fixture.file.partnership.code && $0.year == year
        }) {
            return "priorities \(fixture.file.partnership.code) \(year) (already loaded)"
        }
        let officer = try await first(.officer)
        let assessment = try await importAssessment(
            try fixture.file.assessment(source: source), by: officer, on: fixture.importedOn)
        try await closeScoring(assessment.id, by: officer, on: fixture.scoringClosedOn)
        let s = fixture.selection
        for p in s.priorities {
            try await setPriority(
                assessment.id,
                .init(
                    code: p.code, title: p.title, kind: p.statutory == true ? .statutory : .local,
                    threats: p.threats ?? [],
                    money: (p.money ?? []).map {
                        .init(
                            strand: $0.strand, recipient: $0.recipient, service: $0.service, share: $0.share ?? .whole)
                    }), by: officer, on: s.on)
        }
        for d in s.decisions ?? [] {
            try await recordBoardDecision(
                assessment.id, .mediumDecision(threat: d.threat, selected: d.selected), reason: d.reason, by: officer,
                on: s.on)
        }
        for c in s.compulsions ?? [] {
            try await recordBoardDecision(
                assessment.id, .compulsion(threat: c.threat, c.kind), reason: c.reason, by: officer, on: s.on)
        }
        try await adoptPriorities(assessment.id, by: officer, on: s.adoptedOn)
        let view = try await priorityView(assessment.id, as: officer)
        let bands = view.scored.compactMap(\.band)
        return "priorities \(fixture.file.partnership.code) \(year): \(view.scored.count) threats scored by "
            + "\(view.assessment.agencies.count) agencies (\(bands.filter { $0 == .high }.count) High, "
            + "\(bands.filter { $0 == .medium }.count) Medium, \(bands.filter { $0 == .low }.count) Low); "
            + "\(view.selection.local.count) priorities and \(view.selection.statutory.count) statutory obligations "
            + "adopted (\(assessment.id))" + (funded.isEmpty ? "" : "; " + funded)
    }

    /// The budgets and allocations a scenario's priorities are tied to, each loaded only if it is not there yet.
    private func loadPriorityMoney(
        _ money: PriorityFixture.Money?, office: String, finance: () async throws -> String, source: String
    ) async throws -> String {
        guard let money else { return "" }
        func amount(_ text: String) throws -> OPCCCore.Money {
            do { return try OPCCCore.Money(parsing: text) } catch {
                throw ServiceRefusal(rule: .validFixture, message: "\(source): \(error.description)")
            }
        }
        func year(_ text: String) async throws -> FinancialYear {
            do { return try FinancialYear(parsing: text) } catch {
                throw ServiceRefusal(rule: .validFixture, message: "\(source): \(error.description)")
            }
        }
        var added: [String] = []
        for b in money.budgets ?? [] {
            let y = try await year(b.year)
            guard
                try await !store.read({ try $0.strands(office: office, year: y) }).contains(where: {
                    $0.strand == b.strand
                })
            else { continue }
            try await setBudget(
                office: office, year: y, strand: b.strand, name: b.name, amount: try amount(b.amount),
                by: try finance(),
                on: b.on)
            added.append("\(b.strand) \(y) budget \(b.amount)")
        }
        for a in money.allocations ?? [] {
            let y = try await year(a.year)
            let existing = try await store.read { try $0.allocations(office: office) }.map(\.allocation)
            guard
                !existing.contains(where: {
                    $0.year == y && $0.strand == a.strand && $0.recipientOrgID == a.recipient && $0.purpose == a.purpose
                })
            else { continue }
            var request = AllocationRequest(
                office: office, year: y, strand: a.strand, recipientOrgID: a.recipient, recipientName: a.recipientName,
                purpose: a.purpose, area: a.area, decision: a.decision, amount: try amount(a.amount))
            request.method = a.method ?? .single
            try await allocate([request], by: try finance(), on: a.on)
            added.append("\(a.amount) allocated to \(a.recipient)")
        }
        return added.joined(separator: ", ")
    }
}
