import OPCCCore

/// An assessment as `opcc priorities show --json` prints it: the declared method, every threat with each agency's
/// score, the recorded and computed totals (and any difference), probability, risk and band, the priorities with
/// their threats and money links, and the board's decisions with their reasons.
public struct PriorityJSON: Encodable, Sendable {
    public struct Method: Encodable, Sendable {
        var model: String
        var combination: String
        var combinationKind: String
        var divisor: Int?
        var rounding: String
        var probabilityScale: ProbabilityScale
        var bands: RiskBands
        var priorityCount: Int
        var statutoryObligations: [String]
    }
    public struct Threat: Encodable, Sendable {
        var number: Int
        var name: String
        /// In the order of `agencies`; null where an agency has not scored.
        var agencyScores: [Int?]
        var sumOfAgencies: Int
        var recordedTotal: Int?
        var computedTotal: Int?
        /// Recorded less computed, when they differ.
        var totalDifference: Int?
        var working: String?
        var control: String?
        var volumeShare: String?
        var probability: Int?
        var risk: Int?
        var band: String?
        var note: String?
        /// The codes of the priorities covering it.
        var priorities: [String]
    }
    public struct Decision: Encodable, Sendable {
        var kind: String
        var threat: String?
        var selected: Bool?
        var compulsion: String?
        var priorityCount: Int?
        var reason: String
        var day: String
        var by: String
    }
    var id, office, partnership, partnershipName, financialYear, state: String
    var source: String?
    var method: Method
    var agencies: [String]
    var threats: [Threat]
    var totalsDiffering: Int
    var priorities: [PrioritySelection.Priority]
    var boardDecisions: [Decision]

    public init(_ view: Commissioning.PriorityView) {
        let a = view.assessment
        id = a.id
        office = a.office
        partnership = a.partnershipCode
        partnershipName = a.partnershipName
        financialYear = a.year.description
        state = view.state
        source = a.source
        method = Method(
            model: a.method.model, combination: a.method.combination.description,
            combinationKind: a.method.combination.kind.rawValue, divisor: a.method.combination.divisor,
            rounding: a.method.combination.rounding.rawValue, probabilityScale: a.method.probabilityScale,
            bands: a.method.bands, priorityCount: a.method.priorityCount,
            statutoryObligations: a.method.statutoryObligations)
        agencies = a.agencies
        let scored = view.scored
        threats = scored.map { t in
            Threat(
                number: t.number, name: t.name, agencyScores: t.agencySums, sumOfAgencies: t.sumOfAgencies,
                recordedTotal: t.recordedTotal, computedTotal: t.computedTotal, totalDifference: t.totalDifference,
                working: t.computed?.working, control: t.control?.rawValue, volumeShare: t.volumeShare?.description,
                probability: t.probability, risk: t.risk, band: t.band?.rawValue,
                note: a.threat(named: t.name)?.note, priorities: view.selection.covering(t.name).map(\.code))
        }
        totalsDiffering = scored.filter { $0.totalDifference != nil }.count
        priorities = view.selection.priorities
        boardDecisions = view.selection.boardRecords.map { r in
            var d = Decision(kind: "", reason: r.reason, day: r.day.iso, by: r.by)
            switch r.entry {
            case .mediumDecision(let threat, let selected):
                (d.kind, d.threat, d.selected) = ("medium-decision", threat, selected)
            case .compulsion(let threat, let kind):
                (d.kind, d.threat, d.compulsion) = ("compulsion", threat, kind.rawValue)
            case .priorityCount(let count): (d.kind, d.priorityCount) = ("priority-count", count)
            }
            return d
        }
    }
}

/// The matrix as CSV, one row per threat, in the partnership's order: its agencies' scores as published, the
/// recorded and computed totals and any difference, the working, the probability inputs, risk, band, the priorities
/// covering it and the board's decision or compulsion with its reason.
public enum PriorityExport {
    // Not optimised: Swift 6.3.1's CopyPropagation pass crashes on this function in release builds ("Found outside
    // of lifetime use", on the `t.computed?.working` borrow). It runs once per export, so speed does not matter.
    @_optimize(none)
    public static func csv(_ view: Commissioning.PriorityView) -> String {
        let a = view.assessment
        var lines = [
            CSV.header(
                ["number", "threat"] + a.agencies + [
                    "sumOfAgencies", "recordedTotal", "computedTotal", "difference", "working", "control",
                    "volumeShare", "probability", "risk", "band", "priorities", "boardDecision", "reason",
                ])
        ]
        for t in view.scored {
            let (decision, reason) = boardLine(t, view.selection)
            // Scores, totals, probability and risk are numbers; the threat, the working and the board's words are text.
            func number(_ n: (some CustomStringConvertible)?) -> CSVCell { n.map { .number($0.description) } ?? "" }
            let agencyCells = t.agencySums.map { number($0) }
            let rest: [CSVCell] = [
                number(t.sumOfAgencies), number(t.recordedTotal), number(t.computedTotal), number(t.totalDifference),
                .text(t.computed?.working ?? ""), .text(t.control?.rawValue ?? ""),
                .text(t.volumeShare?.description ?? ""), number(t.probability), number(t.risk),
                .text(t.band?.title ?? ""), .text(view.selection.covering(t.name).map(\.code).joined(separator: " ")),
                .text(decision), .text(reason),
            ]
            lines.append(CSV.line([number(t.number), .text(t.name)] + agencyCells + rest))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the board recorded about a threat: "selected" / "not selected" for a Medium, the compulsion for a Low,
    /// with the reason; empty for others.
    public static func boardLine(_ t: ScoredThreat, _ selection: PrioritySelection) -> (String, String) {
        if let decision = selection.mediumDecision(on: t.name) {
            return (decision.selected ? "selected" : "not selected", decision.record.reason)
        }
        if let (kind, record) = selection.compulsion(for: t.name) {
            return ("compelled: \(kind.rawValue)", record.reason)
        }
        return ("", "")
    }
}
