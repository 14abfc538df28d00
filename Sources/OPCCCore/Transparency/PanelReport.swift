/// What an office reports to its Police and Crime Panel for a period (seed 003: the PCC's report to the Panel):
/// the decisions taken, with their amounts; those taken by a delegate; Part 1 publications made late; publications
/// deferred, with their reasons; key decisions taken without the forward plan's notice, with their reasons of urgency;
/// and the money allocated, by strand. Made from Part 1 only: nothing here reads Part 2.
public struct PanelReport: Hashable, Sendable {
    /// One decision record as the report lists it.
    public struct Line: Hashable, Sendable {
        public var id: String
        public var number: String
        public var title: String
        public var decidedOn: Day?
        public var decisionMaker: String
        public var delegated: Bool
        public var outcome: String
        public var amount: Money?
        public var strand: String?
        public var part1Deadline: Day?
        public var publishedOn: Day?
        /// The deferral's reason, or the reason of urgency, as the section is about.
        public var reason: String?
        public var until: Day?
    }

    /// Money allocated on one strand in the period.
    public struct StrandTotal: Hashable, Sendable {
        public var strand: String
        public var year: String
        public var amount: Money
        public var allocations: Int
    }

    public var office: String
    public var officeName: String
    public var from: Day
    public var to: Day
    public var decisions: [Line]
    public var delegated: [Line]
    public var latePublications: [Line]
    public var deferred: [Line]
    public var withoutNotice: [Line]
    public var strands: [StrandTotal]

    /// The total of the decisions' amounts (approved and not), in pence.
    public var decidedPence: Int64 { decisions.compactMap(\.amount?.pence).reduce(0, +) }
    public var allocatedPence: Int64 { strands.map(\.amount.pence).reduce(0, +) }

    /// The report from the office's records (`records`, each with its workflow state; Part 2's content is dropped
    /// here whatever is passed) and its allocations, for the days `from` to `to`, both included.
    public static func make(
        office: String, officeName: String, from: Day, to: Day, records: [(record: DecisionRecord, status: String)],
        allocations: [Allocation]
    ) -> PanelReport {
        let period = from...to
        func line(_ record: DecisionRecord, reason: String? = nil, until: Day? = nil) -> Line {
            let r = record.withoutPart2Content
            return Line(
                id: r.id, number: r.number ?? "", title: r.title, decidedOn: r.decision?.day,
                decisionMaker: r.decision?.decisionMaker ?? "", delegated: isDelegated(r),
                outcome: r.decision.map { $0.outcome == .approved ? "Approved" : "Not approved" } ?? "",
                amount: r.amount, strand: r.fundingSource?.strand, part1Deadline: r.part1Deadline,
                publishedOn: r.publishedOn, reason: reason, until: until)
        }
        func order(_ r: DecisionRecord) -> (String, String, String) {
            (r.decision?.day.iso ?? "9999", r.number ?? "", r.id)
        }
        let byDay = records.sorted { order($0.record) < order($1.record) }
        let taken = byDay.filter { $0.record.decision.map { period.contains($0.day) } ?? false }
        let late = byDay.filter { entry in
            guard let published = entry.record.publishedOn, let due = entry.record.part1Deadline else { return false }
            return period.contains(published) && published > due
        }
        let deferred = byDay.filter { $0.status == "publication-deferred" }
        let withoutNotice = taken.filter { entry in
            entry.record.exceptions.contains { $0.rule == ForwardPlanPolicy.rule }
        }
        var totals: [String: StrandTotal] = [:]
        for allocation in allocations where allocation.office == office && period.contains(allocation.day) {
            let key = allocation.strand + "\u{1F}" + allocation.year.description
            var total =
                totals[key]
                ?? StrandTotal(
                    strand: allocation.strand, year: allocation.year.description, amount: .zero, allocations: 0)
            total.amount = Money(uncheckedPence: total.amount.pence + allocation.amount.pence)
            total.allocations += 1
            totals[key] = total
        }
        return PanelReport(
            office: office, officeName: officeName, from: from, to: to,
            decisions: taken.map { line($0.record) },
            delegated: taken.filter { isDelegated($0.record) }.map { line($0.record) },
            latePublications: late.map { line($0.record) },
            deferred: deferred.map {
                line($0.record, reason: $0.record.publication.reason, until: $0.record.publication.until)
            },
            withoutNotice: withoutNotice.map { line($0.record, reason: $0.record.urgencyReason) },
            strands: totals.values.sorted { ($0.year, $0.strand) < ($1.year, $1.strand) })
    }

    /// Whether a delegate rather than the Commissioner took the decision: what the record says today, the role that
    /// took it.
    public static func isDelegated(_ record: DecisionRecord) -> Bool {
        guard let decision = record.decision else { return false }
        return decision.role != .commissioner
    }
}
