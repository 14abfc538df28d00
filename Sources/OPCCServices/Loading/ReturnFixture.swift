import OPCCCore
import OPCCStore

/// A quarterly return as a project board writes it in a YAML or JSON file (`opcc return save --file`). Lists may be
/// left out; amounts are written in pounds ("£12,500").
public struct ReturnFile: Decodable, Sendable {
    public struct RequestedChange: Decodable, Sendable {
        public var kind: GrantAgreement.Variation.Kind
        public var description: String
        /// The change of amount in pounds, negative for a reduction (amount changes only).
        public var amountChange: String?
    }
    public var spendInQuarter: Money
    public var spendToDate: Money
    public var varianceExplanation: String?
    public var narrative: String
    public var milestones: [ReturnContent.Milestone]?
    public var indicators: [ReturnContent.IndicatorReading]?
    public var risks: [String]?
    public var issues: [String]?
    public var requestedChanges: [RequestedChange]?

    /// The return's content; refuses an unreadable amount change.
    public func content() throws -> ReturnContent {
        ReturnContent(
            spendInQuarter: spendInQuarter, spendToDate: spendToDate, varianceExplanation: varianceExplanation,
            narrative: narrative, milestones: milestones ?? [], indicators: indicators ?? [], risks: risks ?? [],
            issues: issues ?? [],
            requestedChanges: try (requestedChanges ?? []).map { change in
                ReturnContent.RequestedChange(
                    kind: change.kind, description: change.description,
                    amountChange: try change.amountChange.map { text in
                        let negative = text.hasPrefix("-")
                        let magnitude: Money
                        do { magnitude = try Money(parsing: negative ? String(text.dropFirst()) : text) } catch {
                            throw ServiceRefusal(
                                rule: .validReturnFile, message: "requested change '\(text)': \(error)")
                        }
                        return SignedMoney(pence: negative ? -magnitude.pence : magnitude.pence)
                    })
            })
    }
}

/// A demo scenario of quarterly returns: dated acts by the project boards and reviewers, and deadline sweeps, in the
/// order they happened (`fixtures/returns/`).
public struct ReturnFixture: Decodable, Sendable {
    public struct Act: Decodable, Sendable {
        public var on: Day
        /// save, submit (saves `content` first when given), accept, send-back, sweep.
        public var act: String
        /// "GB-LAE-BAR 2016/17 Q1": the recipient's agreement and the quarter.
        public var `return`: String?
        public var by: String?
        public var content: String?
        public var reason: String?
    }
    public var office: String
    public var contents: [String: ReturnFile]
    public var acts: [Act]

    public static func parse(yaml: String, source: String) throws -> ReturnFixture {
        try StrictYAML.decode(ReturnFixture.self, from: yaml, source: source, rule: .validFixture)
    }
}

extension Commissioning {
    /// Plays a returns scenario, unless the office's returns already have content. Acts must be in date order.
    func loadReturnFixture(_ fixture: ReturnFixture, source: String) async throws -> String {
        let existing = try await store.read { try $0.returnRecords(office: fixture.office, agreement: nil) }
        if existing.contains(where: { !$0.versions.isEmpty }) {
            return "returns in \(fixture.office) (already loaded)"
        }
        func fail(_ index: Int, _ message: String) async -> ServiceRefusal {
            ServiceRefusal(rule: .validFixture, message: "\(source): acts[\(index)]: \(message)")
        }
        var previous: Day?
        var sweeps = 0
        for (index, act) in fixture.acts.enumerated() {
            if let previous, act.on < previous { throw await fail(index, "acts must be in date order") }
            previous = act.on
            if act.act == "sweep" {
                await sweeps += try sweepDeadlines(on: act.on, office: fixture.office).count
                continue
            }
            guard let reference = act.return, let by = act.by else { throw await fail(index, "give return and by") }
            let parts = reference.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let quarter = try? Quarter(parsing: parts[1]) else {
                throw await fail(index, "return '\(reference)' is not 'ORG-ID YYYY/YY QN'")
            }
            guard
                let agreement = try await agreements(office: fixture.office).first(where: {
                    $0.agreement.recipient.orgID == parts[0]
                })?.agreement,
                let record = try await store.read({
                    try $0.returnRecords(office: fixture.office, agreement: agreement.id)
                })
                .first(where: { $0.quarter == quarter })
            else { throw await fail(index, "no scheduled \(quarter) return for \(parts[0])") }
            switch act.act {
            case "save", "submit":
                if let name = act.content {
                    guard let file = fixture.contents[name] else {
                        throw await fail(index, "no content named '\(name)'")
                    }
                    try await saveReturn(record.id, content: try file.content(), by: by, on: act.on)
                }
                if act.act == "submit" { try await submitReturn(record.id, by: by, on: act.on) }
            case "accept": try await acceptReturn(record.id, note: act.reason, by: by, on: act.on)
            case "send-back": try await returnForRevision(record.id, reasons: act.reason ?? "", by: by, on: act.on)
            default: throw await fail(index, "'\(act.act)' is not save, submit, accept, send-back or sweep")
            }
        }
        return "returns in \(fixture.office): \(fixture.acts.count) acts played, \(sweeps) deadline notices"
    }
}
