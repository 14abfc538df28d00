import Foundation
import OPCCCore
import OPCCStore

/// A generated national database for `opcc-bench`: `offices` offices, each with `years` years of budgets and
/// `allocationsPerYear` allocations a year, the allocations of each recipient in a year under one grant agreement
/// (most active and half paid, some only signed, some still drafts). Written through the same store calls and
/// audit events as the services (postings with their audit events, allocations, agreements started and moved by
/// the engine with their guards), in one transaction per office and year, so that `finance check` and
/// `audit verify` accept it; only the per-call reading the interactive services do (every posting and allocation of
/// the office, to check limits) is skipped, the generator keeping those totals itself.
extension Commissioning {
    public struct NationalFinanceSummary: Sendable {
        public var offices = 0
        public var allocations = 0
        public var agreements = 0
        public var payments = 0
        public var postings = 0

        public init() {}
    }

    /// Generates the national database into this (empty but for the demo profiles) store. Offices are
    /// `force-01`…, copies of the West Midlands profile, each with one imported approved decision that every
    /// allocation cites. Deterministic.
    public func generateNationalFinance(
        from home: ProductHome, offices: Int, years: Int, allocationsPerYear: Int, firstYear: Int = 2016,
        recipientsPerYear: Int = 100, progress: (String) -> Void = { _ in }
    ) async throws -> NationalFinanceSummary {
        var summary = NationalFinanceSummary()
        let profileFile = home.fixtures.appendingPathComponent("offices/west-midlands.yaml")
        let profileText = try String(contentsOf: profileFile, encoding: .utf8)
        let decisionText = try String(
            contentsOf: home.fixtures.appendingPathComponent("decisions/west-midlands-001-2016-synthetic.yaml"),
            encoding: .utf8)
        let strands = ["ASB", "CSF", "VAW", "YOUTH", "SUBSTANCE"]
        var random: UInt64 = 0x5EED_2016
        for o in 1...offices {
            let office = "force-" + (o < 10 ? "0" : "") + String(o)
            let text = profileText.replacingOccurrences(of: "\nid: west-midlands\n", with: "\nid: \(office)\n")
                .replacingOccurrences(
                    of: "\nname: Office of the Police and Crime Commissioner for the West Midlands\n",
                    with: "\nname: Office of the Police and Crime Commissioner, generated force \(o)\n")
            let source = "generated from fixtures/offices/west-midlands.yaml"
            _ = try await registerOffice(
                LoadedProfile(profile: try OfficeProfile.parse(yaml: text, source: source), text: text, source: source))
            let finance = "\(office).finance"
            let officer = "\(office).officer"
            try await addPerson(
                name: finance, displayName: nil, office: office, grants: [RoleGrant(role: .finance, scope: [])],
                by: Self.systemActor, on: nil, authorised: true)
            try await addPerson(
                name: officer, displayName: nil, office: office, grants: [RoleGrant(role: .officer, scope: [])],
                by: Self.systemActor, on: nil, authorised: true)
            let decisionFile = try DecisionImportFile.parse(
                yaml: decisionText.replacingOccurrences(of: "\noffice: west-midlands\n", with: "\noffice: \(office)\n")
                    .replacingOccurrences(of: "amount: \"£369,000\"", with: "amount: \"£900,000,000\""),
                source: "generated")
            let decision = try await importDecision(decisionFile, source: "generated", by: officer).record
            var generator = NationalYearGenerator(
                app: self, office: office, index: o, finance: finance, decision: decision, strands: strands,
                allocationsPerYear: allocationsPerYear, recipientsPerYear: recipientsPerYear, summary: summary,
                random: random)
            for y in 0..<years {
                // The generator goes into the transaction and comes back out of it: its body runs on the store's
                // queue.
                generator = try await store.write { [generator] tx in
                    var generator = generator
                    try generator.generate(startYear: firstYear + y, in: tx)
                    return generator
                }
            }
            (summary, random) = (generator.summary, generator.random)
            let (allocationCount, agreementCount) = (generator.allocationCount, generator.agreementCount)
            summary.offices += 1
            progress("\(office): \(allocationCount) allocations, \(agreementCount) agreements")
        }
        return summary
    }
}

/// One office's years of the national database, generated one year per transaction: budgets, allocations, and one
/// agreement per recipient. Carries the generator's random state and the counts from one year to the next.
struct NationalYearGenerator: Sendable {
    let app: Commissioning
    let office: String
    /// The office's number (force-01 is 1): it keeps recipients' org-ids apart between offices.
    let index: Int
    let finance: String
    /// The approved decision every allocation of the year cites (one imported for the whole run by
    /// `generateNationalFinance`; each year's budget decision, taken through its workflow, in `generateNationalData`).
    var decision: DecisionRecord
    let strands: [String]
    let allocationsPerYear: Int
    let recipientsPerYear: Int
    var summary: Commissioning.NationalFinanceSummary
    var random: UInt64
    var allocationCount = 0
    var agreementCount = 0
    /// When set, signed agreements are not activated inside the year's transaction but listed in `toActivate`, for
    /// the caller to activate through `activateAgreement` (whose effect schedules the quarterly returns).
    var activatesLater = false
    var toActivate: [String] = []

    /// A SplitMix64 draw below `bound`: the same database on every machine.
    mutating func next(_ bound: Int) -> Int {
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    /// The financial year starting in April of `startYear`.
    mutating func generate(startYear: Int, in tx: any StoreTransaction) throws {
        let year = FinancialYear(startYear: startYear)
        try budgets(year, in: tx)
        let byRecipient = try allocations(year, in: tx)
        for recipient in byRecipient.keys.sorted() {
            try agreement(recipient, byRecipient[recipient]!, year, in: tx)
        }
    }

    func on(_ year: FinancialYear, _ month: Int, _ d: Int) -> Day {
        Day(year: year.startYear, month: month, day: d)!
    }

    /// Budgets: enough for the year's allocations (at most £50,000 each).
    mutating func budgets(_ year: FinancialYear, in tx: any StoreTransaction) throws {
        let perStrand = Money(pence: Int64(allocationsPerYear / strands.count + 1) * 5_000_000)!
        for strand in strands {
            try tx.saveStrand(office: office, year: year, strand: strand, name: "Strand \(strand)")
            try app.post(
                try Posting(
                    office: office, day: on(year, 4, 1),
                    cause: PostingCause(.budget, "\(office)/\(year)/\(strand)"),
                    memo: "budget for Strand \(strand) set to \(perStrand)",
                    transfers: [
                        Transfer(
                            from: try app.account(.funding, office, year),
                            to: try app.account(.budget, office, year, strand), amount: perStrand)
                    ]), by: finance, role: .finance, in: tx)
            summary.postings += 1
        }
    }

    /// Allocations: a recipient from the office's pool, a strand, £1,000 to £50,000; by recipient.
    mutating func allocations(_ year: FinancialYear, in tx: any StoreTransaction) throws -> [String: [Allocation]] {
        var byRecipient: [String: [Allocation]] = [:]
        for _ in 0..<allocationsPerYear {
            let recipient = "GB-CHC-\(1_000_000 + index * 1000 + next(recipientsPerYear))"
            let strand = strands[next(strands.count)]
            let amount = Money(pence: Int64(100_000 + next(4_900_000)))!
            let id = Commissioning.recordID(office: office, kind: "AL", existing: allocationCount)
            allocationCount += 1
            let day = on(year, 4, 15)
            let sequence = try app.post(
                try Posting(
                    office: office, day: day, cause: PostingCause(.allocation, id),
                    memo: "Recipient \(recipient): generated (decision \(decision.number ?? decision.id))",
                    transfers: [
                        Transfer(
                            from: try app.account(.budget, office, year, strand),
                            to: try app.account(.allocation, office, year, strand, recipient), amount: amount)
                    ]), by: finance, role: .finance, in: tx)
            let allocation = Allocation(
                id: id, office: office, year: year, strand: strand, recipientOrgID: recipient,
                recipientName: "Recipient \(recipient)", purpose: "generated", area: nil,
                decisionID: decision.id, amount: amount, spendKind: .revenue,
                revenueContributionToCapital: false, method: .single, overCommitmentPercent: nil, day: day,
                sizeBand: nil)
            try tx.insertAllocation(allocation, postingSequence: sequence)
            byRecipient[recipient, default: []].append(allocation)
            summary.allocations += 1
            summary.postings += 1
        }
        return byRecipient
    }

    /// One agreement for the recipient's allocations: 1 in 10 left in draft, 1 in 10 only signed, the rest active
    /// with the first of two instalments paid.
    mutating func agreement(
        _ recipient: String, _ allocations: [Allocation], _ year: FinancialYear, in tx: any StoreTransaction
    ) throws {
        let total = try Money.sum(allocations.map(\.amount))
        let half = Money(pence: total.pence / 2)!
        let rest = Money(pence: total.pence - half.pence)!
        let id = Commissioning.recordID(office: office, kind: "GA", existing: agreementCount)
        agreementCount += 1
        var agreement = GrantAgreement(
            id: id, office: office, decisionID: decision.id,
            recipient: .init(orgID: recipient, name: "Recipient \(recipient)"), purpose: "generated",
            crimeAndDisorderStatement: "Generated for the benchmark.",
            period: .init(start: on(year, 4, 1), end: Day(year: year.startYear + 1, month: 3, day: 31)!),
            allocationIDs: allocations.map(\.id), amount: total,
            payments: [
                .init(id: "1", amount: half, condition: .onSignature),
                .init(id: "2", amount: rest, condition: .onDate(on(year, 10, 1))),
            ],
            equalityImpactAssessment: .init(reference: "EIA-\(id)", recordedOn: on(year, 5, 1)),
            riskAssessment: .init(reference: "RISK-\(id)", recordedOn: on(year, 5, 1)),
            signatures: [
                .init(party: .opcc, name: "Chief Executive", on: on(year, 5, 2)),
                .init(party: .recipient, name: "Director", on: on(year, 5, 2)),
            ])
        _ = try app.startInstance(
            id: id, office: office, workflow: "grant-agreement", recordRef: id, by: finance,
            role: .finance, on: on(year, 5, 1), in: tx, payload: ["amount": total.description]
        ) { [agreement] tx in try tx.saveAgreement(agreement) }
        summary.agreements += 1
        let roll = next(10)
        guard roll > 0 else { return }
        let subject = GrantSubject(
            agreement: agreement, allocationsTotal: total, decisionApproved: decision.amount ?? .zero)
        for (event, day) in [
            ("confirm-conditions", on(year, 5, 2)), ("sign", on(year, 5, 3)), ("activate", on(year, 5, 4)),
        ]
        where event != "activate" || (roll > 1 && !activatesLater) {
            let fired = try app.runBare(
                Commissioning.ActRequest(event, on: id, by: finance, on: day, subject: .agreement(subject)),
                in: tx, today: app.clock.today())
            if case .failure(let refused) = fired { throw refused }
        }
        guard roll > 1 else { return }
        if activatesLater { toActivate.append(id) }
        try payFirstInstalment(half, of: &agreement, allocations, year, in: tx)
    }

    /// The first instalment, from each allocation account of the recipient to paid.
    mutating func payFirstInstalment(
        _ half: Money, of agreement: inout GrantAgreement, _ allocations: [Allocation], _ year: FinancialYear,
        in tx: any StoreTransaction
    ) throws {
        let recipient = agreement.recipient.orgID
        var remaining = half.pence
        var transfers: [Transfer] = []
        var held: [String: Int64] = [:]
        for a in allocations { held[a.strand, default: 0] += a.amount.pence }
        for strand in held.keys.sorted() where remaining > 0 {
            let take = min(held[strand]!, remaining)
            transfers.append(
                Transfer(
                    from: try app.account(.allocation, office, year, strand, recipient),
                    to: try app.account(.paid, office, year, strand, recipient),
                    amount: Money(pence: take)!))
            remaining -= take
        }
        try app.post(
            try Posting(
                office: office, day: on(year, 6, 1), cause: PostingCause(.payment, "\(agreement.id)/1"),
                memo: "instalment 1 to Recipient \(recipient)", transfers: transfers),
            by: finance, role: .finance, in: tx)
        agreement.payments[0].paidOn = on(year, 6, 1)
        try tx.saveAgreement(agreement)
        summary.payments += 1
        summary.postings += 1
    }
}
