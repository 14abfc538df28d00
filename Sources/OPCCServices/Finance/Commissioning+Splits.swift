import OPCCCore
import OPCCStore

/// Allocations made by a method over several recipients, and virements between strands.
extension Commissioning {
    /// A split of money over several recipients, as written in a YAML or JSON file (`opcc finance allocate-split`).
    public struct SplitFile: Decodable, Sendable {
        public struct Recipient: Decodable, Sendable {
            public var orgId: String
            public var name: String
            public var area: String?
            /// Formula inputs (e.g. population, crime, nonCrimeDemand), for `method: formula`.
            public var factors: [String: Int64]?
            /// For a grant round: the amount awarded to this applicant (e.g. "4500.00").
            public var amount: String?
            /// What this recipient's grant is for, when it differs from the split's own purpose (a round's awards
            /// each fund a different project); left out, the split's purpose.
            public var purpose: String?

            public init(
                orgId: String, name: String, area: String? = nil, factors: [String: Int64]? = nil,
                amount: String? = nil, purpose: String? = nil
            ) {
                self.orgId = orgId
                self.name = name
                self.area = area
                self.factors = factors
                self.amount = amount
                self.purpose = purpose
            }
        }
        /// One size band of a grant round: its name and inclusive upper limit (none for the last, open band).
        public struct Band: Decodable, Sendable {
            public var name: String
            public var upTo: String?
        }
        public var year: String
        public var strand: String
        public var decision: String
        public var purpose: String
        /// `fixed-per-area`, `formula` or `grant-round`.
        public var method: Allocation.Method
        /// For fixed-per-area: the amount each area receives.
        public var amountEach: String?
        /// For a formula: the total to divide.
        public var total: String?
        /// For a formula: each factor's weight (e.g. population 50, crime 25, nonCrimeDemand 25).
        public var weights: [String: Int64]?
        /// For a grant round: its size bands, smallest first (e.g. small up to 5000.00, then standard).
        public var bands: [Band]?
        public var recipients: [Recipient]

        /// A formula split (the web form's): `total` divided by `weights` over the recipients' factors.
        public init(
            formulaFor year: String, strand: String, decision: String, purpose: String, total: String,
            weights: [String: Int64], recipients: [Recipient]
        ) {
            self.year = year
            self.strand = strand
            self.decision = decision
            self.purpose = purpose
            self.method = .formula
            self.total = total
            self.weights = weights
            self.recipients = recipients
        }

        public static func parse(yaml: String, source: String) throws -> SplitFile {
            try StrictYAML.decode(SplitFile.self, from: yaml, source: source, rule: .validSplitFile)
        }
    }

    /// Allocates a split in one transaction: every share, or none. Formula shares are computed in integer pence by
    /// largest remainder (ties broken by recipient id), so they sum exactly to the total. A grant round's awards are
    /// each placed in their size band, which the allocation records; an award above a closed last band is refused.
    @discardableResult
    public func allocateSplit(
        _ file: SplitFile, office: String, by actorName: String, on day: Day? = nil
    ) async throws
        -> [Allocation]
    {
        try await allocate(try splitRequests(file, office: office), by: actorName, on: day)
    }

    /// The shares a split would allocate, for finance to check before confirming: nothing is posted. The rules of
    /// each allocation (an approved decision, the strand's budget) are checked when it is confirmed.
    public func previewSplit(
        _ file: SplitFile, office: String, by actorName: String
    ) async throws -> [AllocationRequest] {
        _ = try await store.read { tx in
            try requireRole(actorName, office: office, anyOf: [.finance], in: tx, for: "allocating money")
        }
        return try splitRequests(file, office: office)
    }

    /// Each recipient's share of a split, as allocation requests.
    func splitRequests(_ file: SplitFile, office: String) throws -> [AllocationRequest] {
        func refuse(_ message: String) -> ServiceRefusal { ServiceRefusal(rule: .validSplit, message: message) }
        let year: FinancialYear
        do { year = try FinancialYear(parsing: file.year) } catch { throw refuse(error.description) }
        var shares: [(recipient: SplitFile.Recipient, amount: Money)] = []
        var bandOf: [String: String] = [:]
        do {
            switch file.method {
            case .fixedPerArea:
                guard let each = file.amountEach else { throw refuse("fixed-per-area needs amountEach") }
                let amount = try Money(parsing: each)
                let areas = file.recipients.map { $0.area ?? $0.orgId }
                let split = try AllocationMethod.fixedPerArea(amount: amount, areas: areas)
                shares = zip(file.recipients, split).map { ($0, $1.amount) }
            case .formula:
                guard let totalText = file.total, let weights = file.weights else {
                    throw refuse("a formula needs total and weights")
                }
                let total = try Money(parsing: totalText)
                let formula = try FormulaWeights(factors: weights.keys.sorted().map { ($0, weights[$0]!) })
                let inputs = file.recipients.map { FormulaInput(recipient: $0.orgId, factors: $0.factors ?? [:]) }
                let split = try AllocationMethod.formulaSplit(total: total, weights: formula, inputs: inputs)
                shares = split.map { s in (file.recipients.first { $0.orgId == s.recipient }!, s.amount) }
            case .grantRound:
                guard let bandList = file.bands, !bandList.isEmpty else {
                    throw refuse("a grant round needs its size bands (bands: [{name: small, upTo: \"5000.00\"}, …])")
                }
                let bands = try SizeBands(
                    try bandList.map { SizeBands.Band($0.name, upTo: try $0.upTo.map { try Money(parsing: $0) }) })
                guard !file.recipients.isEmpty else { throw refuse("a grant round needs at least one award") }
                for recipient in file.recipients {
                    guard let text = recipient.amount else {
                        throw refuse("the award to \(recipient.orgId) needs an amount")
                    }
                    let amount = try Money(parsing: text)
                    guard let band = bands.band(for: amount) else {
                        let last = bands.bands.last!
                        throw ServiceRefusal(
                            rule: .awardWithinSizeBands,
                            message: "the award of \(amount) to \(recipient.orgId) is above the round's largest band "
                                + "(\(last.name), up to \(last.upTo!))")
                    }
                    bandOf[recipient.orgId] = band
                    shares.append((recipient, amount))
                }
            case .single:
                throw refuse("a split is fixed-per-area, formula or grant-round; allocate a single award with allocate")
            }
        } catch let e as ServiceRefusal {
            throw e
        } catch {
            throw refuse("\(error)")
        }
        for recipient in file.recipients where recipient.purpose?.isBlank == true {
            throw refuse(
                "the purpose given for \(recipient.orgId) is blank: write what its grant is for, or leave purpose out "
                    + "for the split's purpose")
        }
        return shares.map { share -> AllocationRequest in
            var r = AllocationRequest(
                office: office, year: year, strand: file.strand, recipientOrgID: share.recipient.orgId,
                recipientName: share.recipient.name, purpose: share.recipient.purpose ?? file.purpose,
                area: share.recipient.area, decision: file.decision, amount: share.amount)
            r.method = file.method
            r.sizeBand = bandOf[share.recipient.orgId]
            return r
        }
    }

    /// Moves budget between two strands of one year. Needs a reason; above the office's threshold, an approved
    /// decision record too. Only unallocated money can move.
    public func vire(
        office: String, year: FinancialYear, from: String, to: String, amount: Money, reason: String,
        decision: String? = nil, by actorName: String, on day: Day? = nil
    ) async throws {
        guard !reason.isBlank else {
            throw ServiceRefusal(rule: .reasonGiven, message: "a virement needs a reason")
        }
        let reason = try checkedText(reason, "reason", .short)
        guard amount > .zero else {
            throw ServiceRefusal(rule: .amountPositive, message: "a virement must move more than £0.00")
        }
        guard from != to else {
            throw ServiceRefusal(
                rule: .virementBetweenTwoStrands,
                message: "a virement moves money from one strand to another, not to \(from) itself")
        }
        try await store.write { tx in
            let role = try requireRole(actorName, office: office, anyOf: [.finance], in: tx, for: "a virement")
            let profile = try profile(of: office, in: tx)
            var cause = PostingCause(.virement, "\(office)/\(year)/\(from)>\(to)")
            if let threshold = profile.virementDecisionAbove, amount > threshold {
                guard let decision else {
                    throw ServiceRefusal(
                        rule: .virementAboveThresholdNeedsDecision,
                        message:
                            "a virement of \(amount) is above the office's \(threshold): cite an approved decision "
                            + "by its number")
                }
                let id = try decisionID(decision, office: office, in: tx)
                guard try tx.decision(id: id)?.decision?.outcome == .approved else {
                    throw ServiceRefusal(
                        rule: .virementAboveThresholdNeedsDecision, message: "decision \(decision) is not approved"
                    )
                }
                cause = PostingCause(.decision, decision)
            }
            let strands = try tx.strands(office: office, year: year).map(\.strand)
            for s in [from, to] where !strands.contains(s) {
                throw refusal(.unknownStrand(strand: s, year: year))
            }
            let source = try account(.budget, office, year, from)
            let available = try tx.balance(of: source)
            guard available.pence >= amount.pence else {
                throw ServiceRefusal(
                    rule: .virementWithinUnallocated,
                    message:
                        "the \(from) strand for \(year) has \(available) unallocated, less than the \(amount) to move")
            }
            // The strand receiving the money may not be budgeted above the ceiling afterwards, as `setBudget` refuses:
            // each virement is below it, but two strands budgeted near it could otherwise take one past it.
            let receiving =
                Reconciliation.lines(fromSums: try tx.transferSums(touching: year, office: office))[
                    ReconciliationLine(office: office, year: year, strand: to, recipient: nil)]?.budgetPence ?? 0
            guard Int128(receiving) + Int128(amount.pence) <= Int128(Money.ceiling.pence) else {
                throw ServiceRefusal(
                    rule: .amountWithinCeiling,
                    message: "moving \(amount) would budget the \(to) strand for \(year) above \(Money.ceiling), the "
                        + "largest amount the product accepts")
            }
            try post(
                try Posting(
                    office: office, day: day ?? clock.today(), cause: cause, memo: reason,
                    transfers: [Transfer(from: source, to: try account(.budget, office, year, to), amount: amount)]),
                by: actorName, role: role, in: tx)
        }
    }
}
