import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import PropertyBased
import Testing

/// Random sequences of finance operations through the `Commissioning` façade, on the demo books of Cumbria, checked
/// after every step: the books check finds nothing, the reconciliation equals a model the test keeps itself from what
/// it asked for, a refused step changes nothing, and no accepted step takes money beyond its limits.
///
/// Each case starts from a copy of the demo fixtures (Cumbria's ASB strand of £250,000 for 2016/17 with £50,000
/// allocated to each of Barrow and Copeland under 014/2016, their agreements active and the first instalments paid)
/// plus `ledgerTemplate`'s set-up, and fires up to 30 operations on increasing days from 1 July 2016: budgets,
/// allocations, corrections, grant agreements and their payments, carry-forwards and clawback, virements.
@Suite("Ledger properties through the Commissioning façade")
struct ServiceLedgerPropertyTests {
    static let cases = 12
    static let steps = 1...30

    /// One step as drawn: which operation, and the numbers it is decided from (the targets are picked from what the
    /// model holds when the step runs, so a shrunk sequence stays meaningful).
    struct Step: Sendable, CustomStringConvertible {
        var kind: Int
        var a: Int
        var b: Int
        var units: Int64
        var pick: Int
        var days: Int
        var slip: Bool

        var description: String { "Step(\(kind), \(a), \(b), \(units), \(pick), \(days), \(slip))" }
    }

    static let step = zip(
        Gen.int(in: 0...99), Gen.int(in: 0...3), Gen.int(in: 0...3), Gen.int64(in: 0...24), Gen.int(in: 0...999),
        Gen.int(in: 0...14), Gen.bool(0.15)
    ).map { Step(kind: $0.0, a: $0.1, b: $0.2, units: $0.3, pick: $0.4, days: $0.5, slip: $0.6) }

    static let sequences = step.array(of: steps)

    // Bug: `reversePosting` reverses a budget posting whose money is allocated (the demo's £250,000 ASB budget),
    // after which the books check finds the strand over budget by £100,000.
    // SQLite only: each case starts from a copy of the built demo made with SQLite's backup (GRDB).
    @Test
    func ledgerBalancesAfterEveryStep() async {
        await propertyCheck(count: Self.cases, input: Self.sequences) { steps in
            let run = try await LedgerRun()
            for step in steps {
                await run.perform(step)
                let problems = try await run.app.financeCheck()
                #expect(problems.isEmpty, "finance check: \(problems)\n\(run.transcript)")
                if !problems.isEmpty { return }
            }
        }
    }

    // SQLite only: each case starts from a copy of the built demo made with SQLite's backup (GRDB).
    @Test func reconciliationMatchesTheModelAndMoneyIsConservedAfterEveryStep() async {
        await propertyCheck(count: Self.cases, input: Self.sequences) { steps in
            let run = try await LedgerRun()
            let start = try await run.differencesFromTheModel()
            #expect(start.isEmpty, "before any step:\n\(start.joined(separator: "\n"))")
            for step in steps {
                await run.perform(step)
                let differences = try await run.differencesFromTheModel()
                #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))\n\(run.transcript)")
                if !differences.isEmpty { return }
            }
        }
    }

    // SQLite only: each case starts from a copy of the built demo made with SQLite's backup (GRDB).
    @Test func refusedStepChangesNothing() async {
        await propertyCheck(count: Self.cases, input: Self.sequences) { steps in
            let run = try await LedgerRun()
            var before = try await run.snapshot()
            for step in steps {
                let outcome = await run.perform(step)
                let after = try await run.snapshot()
                if case .refused = outcome {
                    #expect(after == before, "a refused step changed the books\n\(run.transcript)")
                    if after != before { return }
                }
                before = after
            }
        }
    }

    // Bug: a zero allocation, virement or carry-forward forecast, a virement to its own strand and a second reversal
    // of a posting fail with a LedgerError, DatabaseError or StoreError instead of a ServiceRefusal.
    // SQLite only: each case starts from a copy of the built demo made with SQLite's backup (GRDB).
    @Test
    func everyRefusalNamesItsRule() async {
        await propertyCheck(count: Self.cases, input: Self.sequences) { steps in
            let run = try await LedgerRun()
            for step in steps {
                guard case .refused(let error) = await run.perform(step) else { continue }
                let named = error is ServiceRefusal || error is ActRefused
                #expect(named, "refused with a \(type(of: error)), not a rule: \(error)\n\(run.transcript)")
                if !named { return }
            }
        }
    }

    // Bug: `reversePosting` takes back an allocation already paid out, and reversing a reversal lets a decision be
    // allocated beyond its approval; `decideCarryForward` and `confirmCarryForward` take money the recipient no
    // longer holds.
    // SQLite only: each case starts from a copy of the built demo made with SQLite's backup (GRDB).
    @Test
    func acceptedStepsKeepMoneyWithinItsLimits() async {
        await propertyCheck(count: Self.cases, input: Self.sequences) { steps in
            let run = try await LedgerRun()
            for step in steps {
                await run.perform(step)
                let breaches = try await run.limitBreaches()
                #expect(breaches.isEmpty, "\(breaches.joined(separator: "\n"))\n\(run.transcript)")
                if !breaches.isEmpty { return }
            }
        }
    }
}

// MARK: - The model

/// A reconciliation line: a strand (recipient nil) or a recipient within it, in a year.
struct ModelLine: Hashable, Comparable, CustomStringConvertible {
    var year: String
    var strand: String
    var recipient: String?

    var strandLine: ModelLine { ModelLine(year: year, strand: strand, recipient: nil) }
    var description: String { "\(year) \(strand)" + (recipient.map { " \($0)" } ?? "") }

    static func < (a: ModelLine, b: ModelLine) -> Bool {
        (a.year, a.strand, a.recipient ?? "") < (b.year, b.strand, b.recipient ?? "")
    }
}

/// A reconciliation row's figures, from the app or from the model.
struct RowFigures: Equatable, CustomStringConvertible {
    var budget: Int64?
    var allocated = Int64(0)
    var committed = Int64(0)
    var paid = Int64(0)
    var returned = Int64(0)
    var carriedIn = Int64(0)
    var carriedOut = Int64(0)
    var available = Int64(0)
    var clawbackDue = Int64(0)
    var unallocated: Int64?

    /// What the recipient still holds: what came in less what went out (paid, carried out, due or returned).
    var held: Int64 { allocated + carriedIn - carriedOut - paid - clawbackDue - returned }

    init(
        budget: Int64?, allocated: Int64, committed: Int64, paid: Int64, returned: Int64, carriedIn: Int64,
        carriedOut: Int64, available: Int64, clawbackDue: Int64, unallocated: Int64?
    ) {
        self.budget = budget
        self.allocated = allocated
        self.committed = committed
        self.paid = paid
        self.returned = returned
        self.carriedIn = carriedIn
        self.carriedOut = carriedOut
        self.available = available
        self.clawbackDue = clawbackDue
        self.unallocated = unallocated
    }

    init(_ row: Commissioning.ReconciliationRow) {
        self.init(
            budget: row.budgetPence, allocated: row.allocatedPence, committed: row.committedPence,
            paid: row.paidPence, returned: row.returnedPence, carriedIn: row.carriedInPence,
            carriedOut: row.carriedOutPence, available: row.availablePence, clawbackDue: row.clawbackDuePence,
            unallocated: row.unallocatedPence)
    }

    var description: String {
        "budget \(budget.map(String.init) ?? "-") allocated \(allocated) committed \(committed) paid \(paid) "
            + "returned \(returned) in \(carriedIn) out \(carriedOut) available \(available) "
            + "clawback \(clawbackDue) unallocated \(unallocated.map(String.init) ?? "-")"
    }
}

/// The figures the model keeps per line; available and unallocated are derived as the app defines them.
struct ModelFigures {
    var budget = Int64(0)
    var allocated = Int64(0)
    var committed = Int64(0)
    var paid = Int64(0)
    var returned = Int64(0)
    var carriedIn = Int64(0)
    var carriedOut = Int64(0)
    var clawbackDue = Int64(0)

    func row(strandLine: Bool) -> RowFigures {
        RowFigures(
            budget: strandLine ? budget : nil, allocated: allocated, committed: committed, paid: paid,
            returned: returned, carriedIn: carriedIn, carriedOut: carriedOut,
            available: allocated + carriedIn - carriedOut, clawbackDue: clawbackDue,
            unallocated: strandLine ? budget - allocated : nil)
    }
}

enum Figure { case budget, allocated, paid, returned, carriedIn, carriedOut, clawbackDue }

/// One figure a posting moves on one line (a recipient's effect also counts on its strand's line).
struct Effect {
    var line: ModelLine
    var figure: Figure
    var pence: Int64

    var reversed: Effect { Effect(line: line, figure: figure, pence: -pence) }
}

struct ModelPosting {
    enum Tag { case budget, allocation(String), payment(agreement: String), carryForward, clawback, virement }
    var seq: Int64
    var effects: [Effect]
    var tag: Tag
    /// The posting at the start of its chain of reversals, and whether this one moves money its way (+1) or back.
    var origin: Int64
    var sign: Int64
}

struct ModelAllocation {
    var id: String
    var decision: String
    var amount: Int64
    var line: ModelLine
    var posting: Int64
}

struct ModelAgreement {
    struct Instalment {
        var id: String
        var amount: Int64
        var paid: Bool
    }
    var id: String
    var allocation: String
    var line: ModelLine
    var amount: Int64
    var state: String
    var equality: Bool
    var risk: Bool
    var signed: Set<GrantAgreement.Party>
    var instalments: [Instalment]
}

struct ModelCarryForward {
    var id: String
    var line: ModelLine
    var forecast: Int64
    var state: String
}

struct ModelDecision: Sendable {
    var name: String
    var id: String
    var approved: Int64
}

/// What the test believes the books hold, updated only from the operations it asked for and the app accepted.
struct LedgerModel {
    var figures: [ModelLine: ModelFigures] = [:]
    var postings: [ModelPosting] = []
    var nextSeq: Int64
    var allocations: [ModelAllocation] = []
    var agreements: [ModelAgreement] = []
    var carryForwards: [ModelCarryForward] = []
    var decisions: [ModelDecision] = []
    /// Money moved from the office's funding into strand budgets.
    var fundingDrawn = Int64(0)

    init(nextSeq: Int64) { self.nextSeq = nextSeq }

    mutating func apply(_ effect: Effect) {
        var lines = [effect.line.strandLine]
        if effect.line.recipient != nil { lines.append(effect.line) }
        for line in lines {
            var f = figures[line, default: ModelFigures()]
            switch effect.figure {
            case .budget: f.budget += effect.pence
            case .allocated: f.allocated += effect.pence
            case .paid: f.paid += effect.pence
            case .returned: f.returned += effect.pence
            case .carriedIn: f.carriedIn += effect.pence
            case .carriedOut: f.carriedOut += effect.pence
            case .clawbackDue: f.clawbackDue += effect.pence
            }
            figures[line] = f
        }
        if effect.figure == .budget { fundingDrawn += effect.pence }
    }

    /// Records a posting the app made (at `seq`, when known) and applies its effects.
    @discardableResult
    mutating func post(_ effects: [Effect], _ tag: ModelPosting.Tag, seq: Int64? = nil) -> Int64 {
        let seq = seq ?? nextSeq
        nextSeq = seq + 1
        effects.forEach { apply($0) }
        postings.append(
            ModelPosting(seq: seq, effects: effects, tag: tag, origin: seq, sign: 1))
        return seq
    }

    mutating func commit(_ line: ModelLine, _ pence: Int64) {
        figures[line, default: ModelFigures()].committed += pence
        figures[line.strandLine, default: ModelFigures()].committed += pence
    }

    /// +1 while the posting's money stands, 0 once reversed (and +1 again if the reversal is itself reversed).
    func standing(_ seq: Int64) -> Int64 { postings.filter { $0.origin == seq }.reduce(0) { $0 + $1.sign } }

    func held(_ line: ModelLine) -> Int64 { figures[line].map { $0.row(strandLine: false).held } ?? 0 }

    func budget(_ strand: String, _ year: String) -> Int64 {
        figures[ModelLine(year: year, strand: strand, recipient: nil)]?.budget ?? 0
    }

    var expectedRows: [ModelLine: RowFigures] {
        Dictionary(uniqueKeysWithValues: figures.map { ($0.key, $0.value.row(strandLine: $0.key.recipient == nil)) })
    }
}

// MARK: - One run

/// The demo books and, on top of them, what a finance officer set up in May 2016: two more approved decisions, D1
/// (£60,000) and D2 (£40,000), a Victims strand of £30,000, and £20,000 of ASB allocated to Carlisle under D1 with a
/// drafted agreement whose assessments are recorded. Built once: each case starts from a copy.
struct LedgerTemplate: Sendable {
    let store: SQLiteStore
    let catalog: WorkflowCatalog
    let decisions: [ModelDecision]
}

let ledgerTemplate = Task { () async throws -> LedgerTemplate in
    let catalog = try shippedCatalog()
    let (app, store) = try await demoApp(catalog: catalog)
    var decisions = [
        ModelDecision(
            name: "014/2016", id: try await app.decisionID("014/2016", office: "cumbria"), approved: 10_000_000)
    ]
    for (name, amount) in [("D1", "£60,000"), ("D2", "£40,000")] {
        let id = try await approvedDecision(app, title: "Programme \(name)", amount: amount)
        decisions.append(ModelDecision(name: name, id: id, approved: money(amount).pence))
    }
    try await app.setBudget(
        office: "cumbria", year: fy("2016/17"), strand: "VICTIMS", name: "Victims", amount: money("£30,000"),
        by: "cumbria.finance", on: day("2016-05-04"))
    let carlisle = try await app.allocate(
        [
            .init(
                office: "cumbria", year: fy("2016/17"), strand: "ASB", recipientOrgID: "GB-LAE-CAR",
                recipientName: "Carlisle City Council", purpose: "property test", decision: decisions[1].id,
                amount: money("£20,000"))
        ], by: "cumbria.finance", on: day("2016-05-04"))
    let agreement = try await app.draftAgreement(
        LedgerRun.terms(over: carlisle[0].id, decisionID: decisions[1].id, recipient: "GB-LAE-CAR", pence: 2_000_000),
        by: "cumbria.finance", on: day("2016-05-04"))
    for equality in [true, false] {
        try await app.recordAssessment(
            agreement.id, equality: equality, reference: "REF-\(equality)", by: "cumbria.finance", on: day("2016-05-04")
        )
    }
    return LedgerTemplate(store: store, catalog: catalog, decisions: decisions)
}

/// A fresh demo app, the model of its Cumbria books, and the transcript of the steps fired at it.
final class LedgerRun {
    enum Outcome {
        case accepted
        case refused(any Error)
    }

    static let office = "cumbria"
    static let finance = "cumbria.finance"
    static let commissioner = "cumbria.pcc"
    static let thisYear = fy("2016/17")
    static let nextYear = fy("2017/18")
    static let strands = ["ASB", "VICTIMS"]
    static let recipients = [
        ("GB-LAE-BAR", "Barrow Borough Council"), ("GB-LAE-COP", "Copeland Borough Council"),
        ("GB-LAE-CAR", "Carlisle City Council"), ("GB-LAE-EDN", "Eden District Council"),
    ]
    static let secondInstalmentDue = day("2016-10-03")

    let app: Commissioning
    let store: SQLiteStore
    var model: LedgerModel
    var date = day("2016-07-01")
    var transcript = "steps:"
    var stepNumber = 0

    init() async throws {
        let template = try await ledgerTemplate.value
        store = try SQLiteStore()
        try template.store.writer.backup(to: store.writer)
        app = try Commissioning(store: store, catalog: template.catalog, clock: FixedClock(day: day("2026-11-20")))
        // The sequence numbers of the Cumbria postings the case starts from, so the model can reverse them too; their
        // effects are the model's own reading of fixtures/finance/cumbria.yaml and of the template.
        let stored = try await store.read { try $0.postings(office: nil) }
        let cumbria = stored.filter { $0.posting.office == Self.office }.map(\.sequence)
        model = LedgerModel(nextSeq: 0)
        model.decisions = template.decisions
        let bar = line("ASB", "GB-LAE-BAR")
        let cop = line("ASB", "GB-LAE-COP")
        let car = line("ASB", "GB-LAE-CAR")
        let baseline: [(Effect, ModelPosting.Tag)] = [
            (Effect(line: line("ASB", nil), figure: .budget, pence: 25_000_000), .budget),
            (Effect(line: bar, figure: .allocated, pence: 5_000_000), .allocation("cumbria-AL-0001")),
            (Effect(line: cop, figure: .allocated, pence: 5_000_000), .allocation("cumbria-AL-0002")),
            (Effect(line: bar, figure: .paid, pence: 1_250_000), .payment(agreement: "cumbria-GA-0001")),
            (Effect(line: cop, figure: .paid, pence: 1_250_000), .payment(agreement: "cumbria-GA-0002")),
            (Effect(line: line("VICTIMS", nil), figure: .budget, pence: 3_000_000), .budget),
            (Effect(line: car, figure: .allocated, pence: 2_000_000), .allocation("cumbria-AL-0003")),
        ]
        try #require(cumbria.count == baseline.count, "the Cumbria postings are not the ones this model starts from")
        for ((effect, tag), seq) in zip(baseline, cumbria) { model.post([effect], tag, seq: seq) }
        model.nextSeq = (stored.map(\.sequence).max() ?? 0) + 1
        for (index, (allocation, line)) in [(1, bar), (2, cop), (3, car)].enumerated() {
            let amount = line == car ? Int64(2_000_000) : 5_000_000
            model.allocations.append(
                ModelAllocation(
                    id: "cumbria-AL-000\(allocation)", decision: line == car ? "D1" : "014/2016", amount: amount,
                    line: line, posting: cumbria[[1, 2, 6][index]]))
            model.agreements.append(
                ModelAgreement(
                    id: "cumbria-GA-000\(allocation)", allocation: "cumbria-AL-000\(allocation)", line: line,
                    amount: amount, state: line == car ? "draft" : "active", equality: true, risk: true,
                    signed: line == car ? [] : [.opcc, .recipient],
                    // The demo's Cumbria agreements: £12,500 paid on signature, then three £12,500 instalments
                    // on accepted returns (none accepted here, so the app refuses them); Carlisle's in two halves.
                    instalments: line == car
                        ? [
                            .init(id: "I1", amount: amount / 2, paid: false),
                            .init(id: "I2", amount: amount / 2, paid: false),
                        ]
                        : [
                            .init(id: "I1", amount: amount / 4, paid: true),
                            .init(id: "I2", amount: amount / 4, paid: false),
                            .init(id: "I3", amount: amount / 4, paid: false),
                            .init(id: "I4", amount: amount / 4, paid: false),
                        ]))
            if line != car { model.commit(line, amount) }
        }
    }

    /// An agreement over one allocation, paid in two halves: on signature, and from 3 October 2016.
    static func terms(over allocation: String, decisionID: String, recipient: String, pence: Int64) -> GrantAgreement {
        GrantAgreement(
            id: "", office: office, decisionID: decisionID, recipient: .init(orgID: recipient, name: "Recipient"),
            purpose: "test", period: .init(start: day("2016-04-01"), end: day("2017-03-31")),
            allocationIDs: [allocation], amount: Money(pence: pence)!,
            payments: [
                .init(id: "I1", amount: Money(pence: pence / 2)!, condition: .onSignature),
                .init(id: "I2", amount: Money(pence: pence - pence / 2)!, condition: .onDate(secondInstalmentDue)),
            ])
    }

    func line(_ strand: String, _ recipient: String?, year: FinancialYear = LedgerRun.thisYear) -> ModelLine {
        ModelLine(year: year.description, strand: strand, recipient: recipient)
    }

    func pounds(_ pence: Int64) -> String { Money(pence: pence).map(\.description) ?? "\(pence)p" }

    // MARK: Firing a step

    @discardableResult
    func perform(_ step: Step) async -> Outcome {
        stepNumber += 1
        date = date.adding(days: step.days)
        let (what, attempt) = await operation(for: step)
        let outcome: Outcome
        do {
            try await attempt()
            outcome = .accepted
        } catch {
            outcome = .refused(error)
        }
        let result: String
        switch outcome {
        case .accepted: result = "accepted"
        case .refused(let error as ServiceRefusal): result = "refused [\(error.rule)]"
        case .refused(let error as ActRefused): result = "refused \(error.rules)"
        case .refused(let error): result = "failed with \(type(of: error)): \(error)"
        }
        transcript += "\n  \(stepNumber). \(date.iso) \(what): \(result)"
        return outcome
    }

    typealias Step = ServiceLedgerPropertyTests.Step
    typealias Attempt = () async throws -> Void

    /// The index of one of `items`, picked by `s.pick` among those `preferred` (unless the step slips, or none is).
    func choose<T>(_ items: [T], _ s: Step, preferring preferred: (T) -> Bool) -> Int? {
        let candidates = s.slip ? Array(items.indices) : items.indices.filter { preferred(items[$0]) }
        let from = candidates.isEmpty ? Array(items.indices) : candidates
        return from.isEmpty ? nil : from[s.pick % from.count]
    }

    /// What the step does, and the attempt: the app call, then (only if it was accepted) the model's update.
    func operation(for s: Step) async -> (String, Attempt) {
        switch s.kind {
        case 0..<4: return await setBudget(s)
        case 4..<18: return await allocate(s)
        case 18..<25: return await reverse(s)
        case 25..<33:
            return model.allocations.count > model.agreements.count ? await draftAgreement(s) : await allocate(s)
        case 33..<61: return await agreementAct(s)
        case 61..<65:
            guard let index = choose(model.agreements, s, preferring: { $0.state == "active" }) else {
                return ("release a payment (no agreement yet)", {})
            }
            return await release(index, instalment: s.a % 2)
        case 65..<73: return await requestCarryForward(s)
        case 73..<91 where model.carryForwards.isEmpty: return await requestCarryForward(s)
        case 73..<81: return await decideCarryForward(s)
        case 81..<86: return await confirmCarryForward(s)
        case 86..<91: return await settleClawback(s)
        default: return await vire(s)
        }
    }

    func setBudget(_ s: Step) async -> (String, Attempt) {
        let on = date
        let strand = Self.strands[s.a % 2]
        let amount = s.units * 1_250_000
        return (
            "set the \(strand) budget to \(pounds(amount))",
            { [self] in
                try await app.setBudget(
                    office: Self.office, year: Self.thisYear, strand: strand, name: strand,
                    amount: Money(pence: amount)!, by: Self.finance, on: on)
                let difference = amount - model.budget(strand, Self.thisYear.description)
                if difference != 0 {
                    model.post([Effect(line: line(strand, nil), figure: .budget, pence: difference)], .budget)
                }
            }
        )
    }

    func allocate(_ s: Step) async -> (String, Attempt) {
        let on = date
        let strand = s.a == 3 ? "VICTIMS" : "ASB"
        let (recipient, recipientName) = Self.recipients[s.b % 4]
        // D1 and D2 twice as often as 014/2016, which the demo has allocated in full.
        let decision = model.decisions[[1, 2, 1, 2, 0][s.pick % 5]]
        let amount = s.units * 100_000
        return (
            "allocate \(pounds(amount)) of \(strand) to \(recipient) under \(decision.name)",
            { [self] in
                let request = Commissioning.AllocationRequest(
                    office: Self.office, year: Self.thisYear, strand: strand, recipientOrgID: recipient,
                    recipientName: recipientName, purpose: "property test", decision: decision.id,
                    amount: Money(pence: amount)!)
                let id = try await app.allocate([request], by: Self.finance, on: on)[0].id
                let target = line(strand, recipient)
                let seq = model.post([Effect(line: target, figure: .allocated, pence: amount)], .allocation(id))
                model.allocations.append(
                    ModelAllocation(id: id, decision: decision.name, amount: amount, line: target, posting: seq))
            }
        )
    }

    /// A correction of any posting on Cumbria's books (the demo's, this run's, or a reversal), or of no posting.
    func reverse(_ s: Step) async -> (String, Attempt) {
        let on = date
        let target = s.a == 3 && s.b == 3 ? nil : model.postings[s.pick % model.postings.count]
        let sequence = target?.seq ?? 999_999
        let reason = s.slip ? " " : "entered in error"
        return (
            "reverse posting \(sequence) (\(target.map { "\($0.tag)" } ?? "none")) with reason '\(reason)'",
            { [self] in
                let seq = try await app.reversePosting(sequence, reason: reason, by: Self.finance, on: on)
                let original = target!
                #expect(seq == model.nextSeq, "the reversal was posted as \(seq), not \(model.nextSeq)")
                model.post(original.effects.map(\.reversed), original.tag, seq: seq)
                model.postings[model.postings.count - 1].origin = original.origin
                model.postings[model.postings.count - 1].sign = -original.sign
            }
        )
    }

    /// Drafts an agreement over an allocation that has none (over any allocation, when the step slips).
    func draftAgreement(_ s: Step) async -> (String, Attempt) {
        let on = date
        let drafted = Set(model.agreements.map(\.allocation))
        guard let index = choose(model.allocations, s, preferring: { !drafted.contains($0.id) }) else {
            return ("draft an agreement (no allocation yet)", {})
        }
        let allocation = model.allocations[index]
        let decisionID = model.decisions.first { $0.name == allocation.decision }!.id
        let first = allocation.amount / 2
        return (
            "draft an agreement over \(allocation.id) (\(pounds(allocation.amount)))",
            { [self] in
                let terms = Self.terms(
                    over: allocation.id, decisionID: decisionID, recipient: allocation.line.recipient!,
                    pence: allocation.amount)
                let drafted = try await app.draftAgreement(terms, by: Self.finance, on: on)
                model.agreements.append(
                    ModelAgreement(
                        id: drafted.id, allocation: allocation.id, line: allocation.line, amount: allocation.amount,
                        state: "draft", equality: false, risk: false, signed: [],
                        instalments: [
                            .init(id: "I1", amount: first, paid: false),
                            .init(id: "I2", amount: allocation.amount - first, paid: false),
                        ]))
            }
        )
    }

    func release(_ index: Int, instalment: Int) async -> (String, Attempt) {
        let on = date
        let agreement = model.agreements[index]
        let id = agreement.instalments[instalment].id
        return (
            "release \(id) of \(agreement.id) (\(agreement.state))",
            { [self] in
                try await app.releasePayment(agreement.id, instalment: id, by: Self.finance, on: on)
                let amount = agreement.instalments[instalment].amount
                model.post(
                    [Effect(line: agreement.line, figure: .paid, pence: amount)], .payment(agreement: agreement.id))
                model.agreements[index].instalments[instalment].paid = true
            }
        )
    }

    /// The next act of the first agreement still being made (else an active one): its next unpaid instalment, then
    /// closing it), or (when the step slips) any act of any agreement, which is mostly refused.
    func agreementAct(_ s: Step) async -> (String, Attempt) {
        let on = date
        let inProgress = model.agreements.firstIndex { ["draft", "conditions-met", "signed"].contains($0.state) }
        guard
            let index = s.slip
                ? choose(model.agreements, s, preferring: { _ in true })
                : inProgress ?? choose(model.agreements, s, preferring: { $0.state == "active" })
        else { return ("act on an agreement (none yet)", {}) }
        let agreement = model.agreements[index]
        let acts = [
            "equality-assessment", "risk-assessment", "confirm-conditions", "opcc-signature", "recipient-signature",
            "sign", "activate", "close",
        ]
        let next: String
        switch agreement.state {
        case "draft" where !agreement.equality: next = "equality-assessment"
        case "draft" where !agreement.risk: next = "risk-assessment"
        case "draft": next = "confirm-conditions"
        case "conditions-met" where !agreement.signed.contains(.opcc): next = "opcc-signature"
        case "conditions-met" where !agreement.signed.contains(.recipient): next = "recipient-signature"
        case "conditions-met": next = "sign"
        case "signed": next = "activate"
        default:
            if !s.slip, let unpaid = agreement.instalments.firstIndex(where: { !$0.paid }) {
                return await release(index, instalment: unpaid)
            }
            next = "close"
        }
        let act = s.slip ? acts[s.pick % acts.count] : next
        let id = agreement.id
        return (
            "\(act) on \(id) (\(agreement.state))",
            { [self] in
                switch act {
                case "equality-assessment", "risk-assessment":
                    let equality = act == "equality-assessment"
                    try await app.recordAssessment(
                        id, equality: equality, reference: "REF-\(id)", by: Self.finance, on: on)
                    if equality { model.agreements[index].equality = true } else { model.agreements[index].risk = true }
                case "confirm-conditions":
                    try await app.confirmAgreementConditions(id, by: Self.finance, on: on)
                    model.agreements[index].state = "conditions-met"
                case "opcc-signature", "recipient-signature":
                    let party: GrantAgreement.Party = act == "opcc-signature" ? .opcc : .recipient
                    try await app.recordAgreementSignature(
                        id, party: party, name: "Signatory", by: Self.finance, on: on)
                    model.agreements[index].signed.insert(party)
                case "sign":
                    try await app.signAgreement(id, by: Self.finance, on: on)
                    model.agreements[index].state = "signed"
                    model.commit(agreement.line, agreement.amount)
                case "activate":
                    try await app.activateAgreement(id, by: Self.finance, on: on)
                    model.agreements[index].state = "active"
                default:
                    try await app.closeAgreement(id, by: Self.finance, on: on)
                    model.agreements[index].state = "closed"
                }
            }
        )
    }

    func requestCarryForward(_ s: Step) async -> (String, Attempt) {
        let on = date
        let holding = Self.recipients.map(\.0).filter { model.held(line("ASB", $0)) > 0 }
        let strand = s.a == 3 ? "VICTIMS" : "ASB"
        let recipient = s.slip || holding.isEmpty ? Self.recipients[s.b % 4].0 : holding[s.b % holding.count]
        let forecast = s.units * 100_000
        let reason = s.slip ? "" : "slippage"
        return (
            "request to carry \(pounds(forecast)) of \(strand) for \(recipient) forward, reason '\(reason)'",
            { [self] in
                let request = try await app.requestCarryForward(
                    office: Self.office, from: Self.thisYear, strand: strand, recipient: recipient,
                    forecast: Money(pence: forecast)!, reason: reason, by: Self.finance, on: on)
                model.carryForwards.append(
                    ModelCarryForward(
                        id: request.id, line: line(strand, recipient), forecast: forecast, state: "requested"))
            }
        )
    }

    /// The Commissioner approves or refuses a request (refusing needs a reason); finance may not decide.
    func decideCarryForward(_ s: Step) async -> (String, Attempt) {
        let on = date
        guard let index = choose(model.carryForwards, s, preferring: { $0.state == "requested" }) else {
            return ("decide a carry-forward (none yet)", {})
        }
        let request = model.carryForwards[index]
        let approve = s.b % 2 == 0
        let reason: String? = approve || s.slip ? nil : "pilot ends"
        let actor = s.a == 3 ? Self.finance : Self.commissioner
        return (
            "\(actor) \(approve ? "approves" : "refuses") \(request.id) (\(pounds(request.forecast)), "
                + "\(request.state)), reason \(reason ?? "none")",
            { [self] in
                try await app.decideCarryForward(request.id, approve: approve, reason: reason, by: actor, on: on)
                model.carryForwards[index].state = approve ? "approved" : "refused"
                let next = line(request.line.strand, request.line.recipient, year: Self.nextYear)
                model.post(
                    approve
                        ? [
                            Effect(line: request.line, figure: .carriedOut, pence: request.forecast),
                            Effect(line: next, figure: .carriedIn, pence: request.forecast),
                        ]
                        : [Effect(line: request.line, figure: .clawbackDue, pence: request.forecast)],
                    .carryForward)
            }
        )
    }

    /// Finance confirms the actual underspend, within £6,000 either side of the forecast.
    func confirmCarryForward(_ s: Step) async -> (String, Attempt) {
        let on = date
        guard let index = choose(model.carryForwards, s, preferring: { $0.state == "approved" }) else {
            return ("confirm a carry-forward (none yet)", {})
        }
        let request = model.carryForwards[index]
        let actual = max(0, request.forecast + (s.units - 12) * 50_000)
        return (
            "confirm \(request.id) (forecast \(pounds(request.forecast)), \(request.state)) at \(pounds(actual))",
            { [self] in
                try await app.confirmCarryForward(request.id, actual: Money(pence: actual)!, by: Self.finance, on: on)
                model.carryForwards[index].state = "confirmed"
                let next = line(request.line.strand, request.line.recipient, year: Self.nextYear)
                if actual < request.forecast {
                    let back = request.forecast - actual
                    model.post(
                        [
                            Effect(line: next, figure: .carriedIn, pence: -back),
                            Effect(line: request.line, figure: .carriedOut, pence: -back),
                        ], .carryForward)
                } else if actual > request.forecast {
                    model.post(
                        [Effect(line: request.line, figure: .clawbackDue, pence: actual - request.forecast)],
                        .carryForward)
                }
            }
        )
    }

    func settleClawback(_ s: Step) async -> (String, Attempt) {
        let on = date
        guard let index = choose(model.carryForwards, s, preferring: { $0.state == "refused" }) else {
            return ("settle a clawback (no carry-forward yet)", {})
        }
        let request = model.carryForwards[index]
        return (
            "settle the clawback of \(request.id) (\(pounds(request.forecast)), \(request.state))",
            { [self] in
                try await app.settleCarryForwardClawback(request.id, by: Self.finance, on: on)
                model.carryForwards[index].state = "clawback-settled"
                model.post(
                    [
                        Effect(line: request.line, figure: .clawbackDue, pence: -request.forecast),
                        Effect(line: request.line, figure: .returned, pence: request.forecast),
                    ], .clawback)
            }
        )
    }

    func vire(_ s: Step) async -> (String, Attempt) {
        let on = date
        let from = Self.strands[s.a % 2]
        let to = Self.strands[s.b == 3 ? s.a % 2 : (s.a + 1) % 2]
        let amount = s.units * 500_000
        let reason = s.slip ? "" : "demand"
        return (
            "vire \(pounds(amount)) from \(from) to \(to), reason '\(reason)'",
            { [self] in
                try await app.vire(
                    office: Self.office, year: Self.thisYear, from: from, to: to, amount: Money(pence: amount)!,
                    reason: reason, by: Self.finance, on: on)
                model.post(
                    [
                        Effect(line: line(from, nil), figure: .budget, pence: -amount),
                        Effect(line: line(to, nil), figure: .budget, pence: amount),
                    ], .virement)
            }
        )
    }

    // MARK: Checks

    /// The app's reconciliation rows for Cumbria in both years, by line.
    func appRows() async throws -> [ModelLine: RowFigures] {
        var rows: [ModelLine: RowFigures] = [:]
        for year in [Self.thisYear, Self.nextYear] {
            for row in try await app.reconciliation(year: year, office: Self.office) {
                rows[ModelLine(year: row.financialYear, strand: row.strand!, recipient: row.recipient)] = RowFigures(
                    row)
            }
        }
        return rows
    }

    /// Each line where the app's reconciliation differs from the model, and each way money is not conserved.
    func differencesFromTheModel() async throws -> [String] {
        let actual = try await appRows()
        let expected = model.expectedRows
        var found: [String] = []
        for line in Set(actual.keys).union(expected.keys).sorted() where actual[line] != expected[line] {
            found.append(
                "\(line): the app has \(actual[line].map { "\($0)" } ?? "no row"), "
                    + "the model \(expected[line].map { "\($0)" } ?? "no row")")
        }
        let budgets = actual.filter { $0.key.recipient == nil }.compactMap(\.value.budget).reduce(0, +)
        if budgets != model.fundingDrawn {
            found.append("the strands hold \(budgets) but \(model.fundingDrawn) was drawn from funding")
        }
        for (strandLine, strand) in actual where strandLine.recipient == nil {
            let recipients = actual.filter { $0.key.recipient != nil && $0.key.strandLine == strandLine }.map(\.value)
            let figures: [(String, KeyPath<RowFigures, Int64>)] = [
                ("allocated", \.allocated), ("paid", \.paid), ("returned", \.returned), ("carried in", \.carriedIn),
                ("carried out", \.carriedOut), ("clawback due", \.clawbackDue),
            ]
            for (name, figure) in figures
            where strand[keyPath: figure] != recipients.map({ $0[keyPath: figure] }).reduce(0, +) {
                found.append("\(strandLine): the strand's \(name) is not the sum of its recipients'")
            }
        }
        return found
    }

    /// Every limit an accepted step has taken money beyond.
    func limitBreaches() async throws -> [String] {
        var found: [String] = []
        for (line, row) in try await appRows().sorted(by: { $0.key < $1.key }) {
            if line.recipient != nil, row.held < 0 {
                found.append("\(line) has paid, carried or returned \(pounds(-row.held)) more than it was given")
            }
            if let unallocated = row.unallocated, unallocated < 0 {
                found.append("\(line) has allocated \(pounds(-unallocated)) more than its budget")
            }
        }
        for decision in model.decisions {
            let standing = model.allocations.filter { $0.decision == decision.name }.reduce(Int64(0)) {
                $0 + $1.amount * model.standing($1.posting)
            }
            if standing > decision.approved {
                found.append(
                    "decision \(decision.name) approved \(pounds(decision.approved)) but \(pounds(standing)) of "
                        + "allocations under it stand")
            }
        }
        for agreement in model.agreements {
            let allocation = model.allocations.first { $0.id == agreement.allocation }!
            let allocated = allocation.amount * model.standing(allocation.posting)
            let paid = model.postings.reduce(Int64(0)) { total, posting in
                guard case .payment(let id) = posting.tag, id == agreement.id else { return total }
                return total + posting.effects.reduce(0) { $0 + $1.pence }
            }
            if paid > allocated {
                found.append(
                    "\(agreement.id) has paid \(pounds(paid)) out of allocations of which \(pounds(allocated)) stand")
            }
        }
        return found
    }

    /// Everything a refused step must leave as it was.
    struct Snapshot: Equatable {
        var rows: [ModelLine: RowFigures]
        var postings: Int
        var allocations: Int
        var agreements: [String]
        var carryForwardStates: [String]
    }

    func snapshot() async throws -> Snapshot {
        var carryForwardStates: [String] = []
        for carryForward in model.carryForwards {
            carryForwardStates.append(try await app.instance(carryForward.id)?.state ?? "none")
        }
        return Snapshot(
            rows: try await appRows(), postings: try await store.read { try $0.postings(office: nil).count },
            allocations: try await store.read { try $0.allocations(office: Self.office).count },
            agreements: try await app.agreements(office: Self.office).map {
                "\($0.agreement.id) \($0.state) \($0.agreement.payments.map { "\($0.id):\($0.paidOn?.iso ?? "-")" })"
            },
            carryForwardStates: carryForwardStates)
    }
}
