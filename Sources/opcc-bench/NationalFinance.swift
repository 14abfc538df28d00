import Foundation
import OPCCCore
@_spi(Bench) import OPCCServices
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
            let approved = decision.amount ?? .zero
            var allocationCount = 0
            var agreementCount = 0
            for y in 0..<years {
                let year = FinancialYear(startYear: firstYear + y)
                @Sendable func on(_ month: Int, _ d: Int) -> Day { Day(year: firstYear + y, month: month, day: d)! }
                // The counters go into the transaction and come back out of it: its body runs on the store's queue.
                let counted = try await store.write {
                    [summary, random, allocationCount, agreementCount] tx in
                    var (summary, random, allocationCount, agreementCount) = (
                        summary, random, allocationCount, agreementCount
                    )
                    func next(_ bound: Int) -> Int {
                        random &+= 0x9E37_79B9_7F4A_7C15
                        var z = random
                        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                        return Int((z ^ (z >> 31)) % UInt64(bound))
                    }
                    // Budgets: enough for the year's allocations (at most £50,000 each).
                    let perStrand = Money(pence: Int64(allocationsPerYear / strands.count + 1) * 5_000_000)!
                    for strand in strands {
                        try tx.saveStrand(office: office, year: year, strand: strand, name: "Strand \(strand)")
                        try post(
                            try Posting(
                                office: office, day: on(4, 1),
                                cause: PostingCause(.budget, "\(office)/\(year)/\(strand)"),
                                memo: "budget for Strand \(strand) set to \(perStrand)",
                                transfers: [
                                    Transfer(
                                        from: try account(.funding, office, year),
                                        to: try account(.budget, office, year, strand), amount: perStrand)
                                ]), by: finance, role: .finance, in: tx)
                        summary.postings += 1
                    }
                    // Allocations: a recipient from the office's pool, a strand, £1,000 to £50,000.
                    var byRecipient: [String: [Allocation]] = [:]
                    for _ in 0..<allocationsPerYear {
                        let recipient = "GB-CHC-\(1_000_000 + o * 1000 + next(recipientsPerYear))"
                        let strand = strands[next(strands.count)]
                        let amount = Money(pence: Int64(100_000 + next(4_900_000)))!
                        let id = Self.recordID(office: office, kind: "AL", existing: allocationCount)
                        allocationCount += 1
                        let day = on(4, 15)
                        let sequence = try post(
                            try Posting(
                                office: office, day: day, cause: PostingCause(.allocation, id),
                                memo: "Recipient \(recipient): generated (decision \(decision.number ?? decision.id))",
                                transfers: [
                                    Transfer(
                                        from: try account(.budget, office, year, strand),
                                        to: try account(.allocation, office, year, strand, recipient), amount: amount)
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
                    // One agreement per recipient: 1 in 10 left in draft, 1 in 10 only signed, the rest active with
                    // the first of two instalments paid.
                    for recipient in byRecipient.keys.sorted() {
                        let allocations = byRecipient[recipient]!
                        let total = try Money.sum(allocations.map(\.amount))
                        let half = Money(pence: total.pence / 2)!
                        let rest = Money(pence: total.pence - half.pence)!
                        let id = Self.recordID(office: office, kind: "GA", existing: agreementCount)
                        agreementCount += 1
                        var agreement = GrantAgreement(
                            id: id, office: office, decisionID: decision.id,
                            recipient: .init(orgID: recipient, name: "Recipient \(recipient)"), purpose: "generated",
                            crimeAndDisorderStatement: "Generated for the benchmark.",
                            period: .init(start: on(4, 1), end: Day(year: firstYear + y + 1, month: 3, day: 31)!),
                            allocationIDs: allocations.map(\.id), amount: total,
                            payments: [
                                .init(id: "1", amount: half, condition: .onSignature),
                                .init(id: "2", amount: rest, condition: .onDate(on(10, 1))),
                            ],
                            equalityImpactAssessment: .init(reference: "EIA-\(id)", recordedOn: on(5, 1)),
                            riskAssessment: .init(reference: "RISK-\(id)", recordedOn: on(5, 1)),
                            signatures: [
                                .init(party: .opcc, name: "Chief Executive", on: on(5, 2)),
                                .init(party: .recipient, name: "Director", on: on(5, 2)),
                            ])
                        _ = try startInstance(
                            id: id, office: office, workflow: "grant-agreement", recordRef: id, by: finance,
                            role: .finance, on: on(5, 1), in: tx, payload: ["amount": total.description]
                        ) { tx in try tx.saveAgreement(agreement) }
                        summary.agreements += 1
                        let roll = next(10)
                        guard roll > 0 else { continue }
                        let subject = GrantSubject(
                            agreement: agreement, allocationsTotal: total, decisionApproved: approved)
                        for (event, day) in [
                            ("confirm-conditions", on(5, 2)), ("sign", on(5, 3)), ("activate", on(5, 4)),
                        ]
                        where event != "activate" || roll > 1 {
                            let fired = try runBare(
                                ActRequest(event, on: id, by: finance, on: day, subject: .agreement(subject)),
                                in: tx, today: clock.today())
                            if case .failure(let refused) = fired { throw refused }
                        }
                        guard roll > 1 else { continue }
                        // The first instalment, from each allocation account of the recipient to paid.
                        var remaining = half.pence
                        var transfers: [Transfer] = []
                        var held: [String: Int64] = [:]
                        for a in allocations { held[a.strand, default: 0] += a.amount.pence }
                        for strand in held.keys.sorted() where remaining > 0 {
                            let take = min(held[strand]!, remaining)
                            transfers.append(
                                Transfer(
                                    from: try account(.allocation, office, year, strand, recipient),
                                    to: try account(.paid, office, year, strand, recipient),
                                    amount: Money(pence: take)!))
                            remaining -= take
                        }
                        try post(
                            try Posting(
                                office: office, day: on(6, 1), cause: PostingCause(.payment, "\(id)/1"),
                                memo: "instalment 1 to Recipient \(recipient)", transfers: transfers),
                            by: finance, role: .finance, in: tx)
                        agreement.payments[0].paidOn = on(6, 1)
                        try tx.saveAgreement(agreement)
                        summary.payments += 1
                        summary.postings += 1
                    }
                    return (summary, random, allocationCount, agreementCount)
                }
                (summary, random, allocationCount, agreementCount) = counted
            }
            summary.offices += 1
            progress("\(office): \(allocationCount) allocations, \(agreementCount) agreements")
        }
        return summary
    }
}
