import Foundation
import OPCCCore
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Testing

@testable @_spi(Bench) import OPCCServices

/// A Surrey-like open round on the demo's Cumbria office: a fund of £533,333.50 with small grants up to £5,000.
enum RoundFixture {
    static let year = FinancialYear(startYear: 2026)
    static let strand = "community-safety-fund"
    static let fund = Money(pence: 53_333_350)!
    static let areas = ["Allerdale", "Barrow", "Carlisle", "Copeland", "Eden", "South Lakeland"]

    static func spec(assessors: [String] = []) throws -> GrantRoundSpec {
        GrantRoundSpec(
            title: "Community Safety Fund 2026/27", strand: strand, year: year, total: fund,
            bands: try SizeBands([.init("small", upTo: Money(pounds: 5_000))]),
            eligibility: RoundEligibility(organisationKinds: [.charity, .company, .communityGroup], areas: areas),
            criteria: [
                RoundCriterion(id: "need", title: "Evidence of need", weight: 40),
                RoundCriterion(id: "delivery", title: "Deliverability", weight: 30),
                RoundCriterion(id: "value", title: "Value for money", weight: 30),
            ],
            scale: ScoringScale(
                points: [
                    .init(score: 0, descriptor: "Not shown"), .init(score: 1, descriptor: "Weak"),
                    .init(score: 2, descriptor: "Adequate"), .init(score: 3, descriptor: "Good"),
                    .init(score: 4, descriptor: "Excellent"),
                ]),
            questions: [
                RoundQuestion(id: "project", text: "What will the project do?", maxWords: 300),
                RoundQuestion(id: "need", text: "What need does it meet?"),
            ],
            opens: LondonTime(parsing: "2026-11-20 09:00")!, closes: LondonTime(parsing: "2026-11-27 12:00")!,
            assessors: assessors, spreadThresholdPercent: 20, endOfGrantReport: true)
    }

    /// The demo on a clock the test moves (noon, 20 November 2026), with the fund budgeted and a round published.
    static func published(_ engine: TestEngine) async throws -> (Commissioning, MovableClock, StoredRound) {
        let clock = MovableClock(FixedClock(day: day("2026-11-20")).now())
        let app = try Commissioning(store: try await engine.makeStore(), catalog: try shippedCatalog(), clock: clock)
        _ = try await app.loadDemo(from: home, returns: false)
        try await app.setBudget(
            office: "cumbria", year: year, strand: strand, name: "Community Safety Fund", amount: fund,
            by: "cumbria.finance")
        let round = try await app.createRound(try spec(), office: "cumbria", by: "cumbria.officer")
        for name in ["assessor.a", "assessor.b", "assessor.c"] {
            try await app.addAssessor(
                name, to: round.id, displayName: "Assessor \(name.suffix(1))", email: "\(name)@partners.example.org",
                by: "cumbria.officer")
        }
        return (app, clock, try await app.publishRound(round.id, by: "cumbria.officer"))
    }

    /// Signs up applicant `n` for organisation `n` (a charity).
    static func signUp(_ app: Commissioning, _ n: Int) async throws -> String {
        let name = "applicant.\(n)"
        let answer = try await app.signUpApplicant(
            name: name, displayName: "Applicant \(n)", email: "\(name)@partners.example.org",
            organisation: PartnerOrganisation(
                orgID: "GB-CHC-\(1_100_000 + n)", name: "Partner charity \(n)", kind: .charity),
            office: "cumbria", address: "192.0.2.\(n)")
        guard case .linkSent = answer else { throw RoundTestError.throttled }
        return name
    }

    /// A complete application for `pounds`, budgeted on two lines.
    static func draft(_ title: String, pounds: Int64, area: String = "Barrow") -> ApplicationDraft {
        let amount = Money(pounds: pounds)!
        let first = Money(pence: amount.pence / 3)!
        return ApplicationDraft(
            title: title, answers: ["project": "Youth diversion sessions", "need": "Rising ASB in the ward"],
            amountRequested: amount,
            budget: [
                BudgetLine(item: "Staff", amount: first),
                BudgetLine(item: "Venue", amount: Money(pence: amount.pence - first.pence)!),
            ], area: area, outcomes: ["Fewer ASB incidents"])
    }

    static func scores(_ need: Int, _ delivery: Int, _ value: Int) -> [CriterionScore] {
        [
            CriterionScore(criterion: "need", score: need, comment: "need \(need)"),
            CriterionScore(criterion: "delivery", score: delivery, comment: "delivery \(delivery)"),
            CriterionScore(criterion: "value", score: value, comment: "value \(value)"),
        ]
    }
}

enum RoundTestError: Error { case throttled }

@Suite("Grant rounds: apply, assess, moderate, decide, and the money follows")
struct GrantRoundTests {
    @Test("a Surrey-like round end to end, to the penny", arguments: TestEngine.all)
    func surreyLikeRoundEndToEnd(engine: TestEngine) async throws {
        let (app, clock, round) = try await RoundFixture.published(engine)
        // 15 organisations; the first five apply twice: 20 applications.
        var applications: [String] = []
        for n in 1...15 {
            let applicant = try await RoundFixture.signUp(app, n)
            for k in 0..<(n <= 5 ? 2 : 1) {
                let pounds = Int64(2_000 + 150 * applications.count + k)
                let area = RoundFixture.areas[applications.count % RoundFixture.areas.count]
                let started = try await app.startApplication(
                    round: round.id, draft: RoundFixture.draft("Project \(n)-\(k)", pounds: pounds, area: area),
                    by: applicant)
                applications.append(started.id)
            }
        }
        #expect(applications.count == 20)
        // Nineteen are submitted before the close; the twentieth is late and refused.
        for id in applications.dropLast() {
            let owner = try await app.application(id, by: "cumbria.officer").applicant
            _ = try await app.submitApplication(id, by: owner)
        }
        clock.advance(seconds: 7 * 24 * 3600 + 1)  // 27 November, 12:00:01 in London
        let late = applications.last!
        let lateOwner = try await app.application(late, by: "cumbria.officer").applicant
        #expect(
            await refusedRule { _ = try await app.submitApplication(late, by: lateOwner) } == "submission-before-close")
        _ = try await app.closeRound(round.id, by: "cumbria.officer")

        // Three ineligible, sixteen eligible.
        let submitted = Array(applications.dropLast())
        let ineligible = Set(submitted.suffix(3))
        for id in submitted {
            try await app.markEligibility(
                id, eligible: !ineligible.contains(id),
                reason: ineligible.contains(id) ? "Work outside the fund's purpose" : "Meets the criteria",
                by: "cumbria.officer")
        }
        let eligible = submitted.filter { !ineligible.contains($0) }
        #expect(eligible.count == 16)

        // Assessor C is conflicted on the first two; the fourth application splits A and B (the one spread flag).
        for (index, id) in eligible.enumerated() {
            for assessor in ["assessor.a", "assessor.b", "assessor.c"] {
                let conflicted = assessor == "assessor.c" && index < 2
                try await app.declareConflict(
                    id, conflicted: conflicted, note: conflicted ? "Trustee of the applicant" : "", by: assessor)
                if conflicted {
                    #expect(
                        await refusedRule {
                            _ = try await app.submitScores(id, scores: RoundFixture.scores(4, 4, 4), by: assessor)
                        } == "conflicted-assessor-cannot-score")
                    continue
                }
                let base = index % 5
                let scores =
                    index == 3
                    ? (assessor == "assessor.a" ? RoundFixture.scores(4, 4, 4) : RoundFixture.scores(1, 1, 1))
                    : RoundFixture.scores(base, base, 4 - base / 2)
                _ = try await app.submitScores(id, scores: scores, by: assessor)
            }
        }
        let moderation = try await app.moderation(round: round.id, by: "cumbria.officer")
        #expect(moderation.count == 16)
        #expect(moderation.filter(\.spreadFlag).map(\.application.id) == [eligible[3]])
        #expect(moderation.first { $0.application.id == eligible[0] }?.assessorBasisPoints.count == 2)

        // The panel recommends nine awards (one reduced) and declines seven.
        var expectedAwards: [String: Money] = [:]
        for (index, row) in moderation.enumerated() {
            let asked = row.application.draft.amountRequested
            if index < 8 {
                _ = try await app.recommend(
                    row.application.id, moderatedBasisPoints: row.meanBasisPoints ?? 0, recommendation: .award,
                    amount: nil, reasons: "Strong case", by: "cumbria.officer")
                expectedAwards[row.application.id] = asked
            } else if index == 8 {
                let reduced = Money(pence: asked.pence - 50_050)!
                _ = try await app.recommend(
                    row.application.id, moderatedBasisPoints: row.meanBasisPoints ?? 0, recommendation: .awardReduced,
                    amount: reduced, reasons: "Venue costs trimmed", by: "cumbria.officer")
                expectedAwards[row.application.id] = reduced
            } else {
                _ = try await app.recommend(
                    row.application.id, moderatedBasisPoints: row.meanBasisPoints ?? 0, recommendation: .decline,
                    amount: nil, reasons: "Outcomes not evidenced: say how you will count them",
                    by: "cumbria.officer")
            }
        }
        let total = try Money.sum(expectedAwards.values)

        // One decision record through its whole workflow; approval allocates and drafts the agreements.
        let decision = try await app.raiseRoundDecision(round: round.id, by: "cumbria.officer")
        try await app.submitDecision(decision, by: "cumbria.officer")
        try await app.signDecision(decision, position: "originating-officer", name: "V", by: "cumbria.officer")
        try await app.signDecision(decision, position: "chief-executive", name: "S", by: "cumbria.chief-executive")
        try await app.referDecision(decision, by: "cumbria.chief-executive")
        try await app.decide(
            decision, approve: true, interests: "none", urgency: "The round's published timetable",
            by: "cumbria.pcc")

        let outcome = try await app.roundOutcome(round: round.id, by: "cumbria.officer")
        #expect(outcome.allocations.count == 9)
        #expect(outcome.agreements.count == 9)
        #expect(try Money.sum(outcome.allocations.map(\.amount)) == total)
        #expect(outcome.allocations.allSatisfy { $0.method == .grantRound && $0.sizeBand == "small" })
        for allocation in outcome.allocations {
            #expect(expectedAwards.values.contains(allocation.amount))
        }
        let remaining = try await app.store.read { tx in
            try tx.balance(of: try app.account(.budget, "cumbria", RoundFixture.year, RoundFixture.strand))
        }
        #expect(remaining.pence == RoundFixture.fund.pence - total.pence)
        let states = try await app.applications(round: round.id, by: "cumbria.officer").map(\.state)
        #expect(states.filter { $0 == .awarded }.count == 9)
        #expect(states.filter { $0 == .declined }.count == 7)
        #expect(states.filter { $0 == .ineligible }.count == 3)
        #expect(try await app.round(round.id, by: nil).state == .decided)
        // Every applicant told; a declined one with the panel's feedback.
        let declinedOwner = try await app.application(moderation[10].application.id, by: "cumbria.officer").applicant
        let mails = try await app.notifications(of: declinedOwner).notifications
        #expect(mails.contains { $0.kind == "grant-round-outcome" && $0.body.contains("Outcomes not evidenced") })
        let agreement = try await app.agreement(outcome.agreements[0])
        #expect(agreement.conditions.contains { $0.contains("end-of-grant report") })

        // Agreements signed and the decision published: the awards are in 360Giving under the round's programme.
        for id in outcome.agreements {
            try await app.recordAssessment(id, equality: true, reference: "EIA-\(id)", by: "cumbria.finance")
            try await app.recordAssessment(id, equality: false, reference: "RA-\(id)", by: "cumbria.finance")
            try await app.confirmAgreementConditions(id, by: "cumbria.finance")
            try await app.recordAgreementSignature(id, party: .opcc, name: "OPCC", by: "cumbria.finance")
            try await app.recordAgreementSignature(id, party: .recipient, name: "Partner", by: "cumbria.finance")
            try await app.signAgreement(id, by: "cumbria.finance")
        }
        try await app.perform(.publish, on: decision, by: "cumbria.officer")
        let grants = try await app.transparencyGrants(office: "cumbria").filter {
            outcome.agreements.contains($0.agreementID)
        }
        #expect(grants.count == 9)
        #expect(grants.allSatisfy { $0.grantProgramme?.code == round.id })
        let package = try await app.threeSixtyGiving(office: "cumbria")
        let text = String(decoding: package, as: UTF8.self)
        #expect(text.contains("\"grantProgramme\"") && text.contains("Community Safety Fund 2026/27"))
        // Applications and scores are never public: no answer, comment or panel reason reaches the export.
        for secret in ["Youth diversion sessions", "Rising ASB", "need 3", "Outcomes not evidenced", "Strong case"] {
            #expect(!text.contains(secret), "\(secret)")
        }
        #expect(try await app.verifyAudit().isIntact)
        let tool = ThreeSixtyGivingValidator.tool
        if tool.available {
            let result = try ThreeSixtyGivingValidator.validate(package)
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test("submission-before-close: a late application is refused and nothing changes", arguments: TestEngine.all)
    func lateSubmissionIsRefused(engine: TestEngine) async throws {
        let (app, clock, round) = try await RoundFixture.published(engine)
        let applicant = try await RoundFixture.signUp(app, 1)
        let a = try await app.startApplication(
            round: round.id, draft: RoundFixture.draft("Late", pounds: 3_000), by: applicant)
        clock.advance(seconds: 7 * 24 * 3600)  // exactly 12:00 on 27 November: closed
        #expect(
            await refusedRule { _ = try await app.submitApplication(a.id, by: applicant) } == "submission-before-close")
        #expect(try await app.application(a.id, by: applicant).state == .draft)
    }

    @Test(
        "budget-lines-add-up, application-answers-complete, application-within-bands, application-area-in-round",
        arguments: TestEngine.all)
    func incompleteApplicationsAreRefused(engine: TestEngine) async throws {
        let (app, _, round) = try await RoundFixture.published(engine)
        let applicant = try await RoundFixture.signUp(app, 1)
        var draft = RoundFixture.draft("Mismatch", pounds: 3_000)
        draft.budget[0].amount = Money(pounds: 1)!
        let a = try await app.startApplication(round: round.id, draft: draft, by: applicant)
        #expect(await refusedRule { _ = try await app.submitApplication(a.id, by: applicant) } == "budget-lines-add-up")
        var unanswered = RoundFixture.draft("Unanswered", pounds: 3_000)
        unanswered.answers["need"] = " "
        _ = try await app.saveApplication(a.id, draft: unanswered, by: applicant)
        #expect(
            await refusedRule { _ = try await app.submitApplication(a.id, by: applicant) }
                == "application-answers-complete")
        _ = try await app.saveApplication(a.id, draft: RoundFixture.draft("Big", pounds: 5_001), by: applicant)
        #expect(
            await refusedRule { _ = try await app.submitApplication(a.id, by: applicant) } == "application-within-bands"
        )
        _ = try await app.saveApplication(
            a.id, draft: RoundFixture.draft("Away", pounds: 3_000, area: "Surrey Heath"), by: applicant)
        #expect(
            await refusedRule { _ = try await app.submitApplication(a.id, by: applicant) }
                == "application-area-in-round")
        _ = try await app.saveApplication(a.id, draft: RoundFixture.draft("Good", pounds: 3_000), by: applicant)
        #expect(try await app.submitApplication(a.id, by: applicant).state == .submitted)
        #expect(
            await refusedRule {
                _ = try await app.saveApplication(
                    a.id, draft: RoundFixture.draft("Again", pounds: 3_000), by: applicant)
            } == "application-edited-in-draft")
    }

    @Test(
        "applicant-sees-own-organisation: another organisation's application answers as missing",
        arguments: TestEngine.all)
    func applicantSeesOnlyItsOrganisation(engine: TestEngine) async throws {
        let (app, _, round) = try await RoundFixture.published(engine)
        let one = try await RoundFixture.signUp(app, 1)
        let two = try await RoundFixture.signUp(app, 2)
        let a = try await app.startApplication(
            round: round.id, draft: RoundFixture.draft("Mine", pounds: 3_000), by: one)
        #expect(await refusedRule { _ = try await app.application(a.id, by: two) } == "applicant-sees-own-organisation")
        #expect(try await app.applications(round: nil, by: two).isEmpty)
        #expect(try await app.applications(round: nil, by: one).map(\.id) == [a.id])
        #expect(
            await refusedRule {
                _ = try await app.saveApplication(a.id, draft: RoundFixture.draft("Theirs", pounds: 1_000), by: two)
            } == "applicant-sees-own-organisation")
        // The public and the applicant never see scores.
        #expect(await refusedRule { _ = try await app.scores(of: a.id, by: one) } == "applicant-sees-own-organisation")
    }

    @Test("partner-org-id, sign-up-name-free: sign-up checks the org-id and the name", arguments: TestEngine.all)
    func signUpRules(engine: TestEngine) async throws {
        let (app, _, _) = try await RoundFixture.published(engine)
        for bad in ["GB-CHC-12", "GB-COH-123", "GB-LAE-BAR", "charity 123"] {
            #expect(
                await refusedRule {
                    _ = try await app.signUpApplicant(
                        name: "x.\(bad.count)", displayName: "X", email: "x@example.org",
                        organisation: PartnerOrganisation(orgID: bad, name: "X", kind: .charity), office: "cumbria",
                        address: "198.51.100.1")
                } == "partner-org-id", "\(bad)")
        }
        #expect(PartnerOrganisation.orgIDProblem("GB-COH-SC123456") == nil)
        _ = try await RoundFixture.signUp(app, 1)
        #expect(
            await refusedRule {
                _ = try await app.signUpApplicant(
                    name: "applicant.1", displayName: "Again", email: "a@example.org",
                    organisation: PartnerOrganisation(orgID: "GB-CHC-1234567", name: "Y", kind: .charity),
                    office: "cumbria", address: "198.51.100.2")
            } == "sign-up-name-free")
        // The verification link is an invitation in the outbox, as for any new person.
        #expect(
            try await app.person(named: "applicant.1")?.grants == [
                RoleGrant(role: .applicant, scope: ["GB-CHC-1100001"])
            ])
    }

    @Test(
        "the assessment rules: conflicts, scores on the scale, once, hidden until one's own, eligibility, recommendation",
        arguments: TestEngine.all)
    func assessmentRules(engine: TestEngine) async throws {
        let (app, clock, round) = try await RoundFixture.published(engine)
        let applicant = try await RoundFixture.signUp(app, 1)
        let a = try await app.startApplication(
            round: round.id, draft: RoundFixture.draft("P", pounds: 3_000), by: applicant)
        #expect(
            await refusedRule {
                try await app.markEligibility(a.id, eligible: true, reason: "ok", by: "cumbria.officer")
            }
                == "eligibility-of-submitted")
        _ = try await app.submitApplication(a.id, by: applicant)
        #expect(
            await refusedRule {
                try await app.markEligibility(a.id, eligible: true, reason: "ok", by: "cumbria.finance")
            }
                == "rounds-run-by-officers")
        #expect(
            await refusedRule {
                try await app.markEligibility(a.id, eligible: true, reason: " ", by: "cumbria.officer")
            }
                == "eligibility-of-submitted")
        clock.advance(seconds: 8 * 24 * 3600)
        _ = try await app.closeRound(round.id, by: "cumbria.officer")
        try await app.markEligibility(a.id, eligible: true, reason: "Meets the criteria", by: "cumbria.officer")
        #expect(
            await refusedRule {
                _ = try await app.submitScores(a.id, scores: RoundFixture.scores(1, 1, 1), by: "assessor.a")
            }
                == "conflict-declared-before-scoring")
        #expect(
            await refusedRule { try await app.declareConflict(a.id, conflicted: false, note: "", by: "cumbria.pcc") }
                == "assessor-of-round")
        try await app.declareConflict(a.id, conflicted: true, note: "Trustee", by: "assessor.c")
        #expect(
            await refusedRule {
                _ = try await app.submitScores(a.id, scores: RoundFixture.scores(1, 1, 1), by: "assessor.c")
            }
                == "conflicted-assessor-cannot-score")
        try await app.declareConflict(a.id, conflicted: false, note: "", by: "assessor.a")
        try await app.declareConflict(a.id, conflicted: false, note: "", by: "assessor.b")
        #expect(
            await refusedRule {
                _ = try await app.submitScores(a.id, scores: RoundFixture.scores(5, 1, 1), by: "assessor.a")
            }
                == "scores-on-scale")
        #expect(
            await refusedRule {
                _ = try await app.submitScores(
                    a.id, scores: Array(RoundFixture.scores(1, 1, 1).prefix(2)), by: "assessor.a")
            } == "scores-on-scale")
        _ = try await app.submitScores(a.id, scores: RoundFixture.scores(3, 3, 3), by: "assessor.b")
        // others-scores-after-own: A sees nothing of B's until A submits (hidden in the view, not refused).
        #expect(ServiceRefusal.Rule.othersScoresAfterOwn.rawValue == "others-scores-after-own")
        let before = try await app.scores(of: a.id, by: "assessor.a")
        #expect(before.othersHidden && before.others.isEmpty && before.own == nil)
        // One of the office's staff who also assesses the round sees no other score before their own either; staff
        // who do not assess it see every score.
        try await app.addAssessor(
            "cumbria.finance", to: a.roundID, displayName: "Finance", email: "finance@cumbria.example.org",
            by: "cumbria.officer")
        let staffAssessor = try await app.scores(of: a.id, by: "cumbria.finance")
        #expect(staffAssessor.othersHidden && staffAssessor.others.isEmpty)
        let staff = try await app.scores(of: a.id, by: "cumbria.officer")
        #expect(!staff.othersHidden && staff.others.map(\.assessor) == ["assessor.b"])
        _ = try await app.submitScores(a.id, scores: RoundFixture.scores(2, 2, 2), by: "assessor.a")
        let after = try await app.scores(of: a.id, by: "assessor.a")
        #expect(!after.othersHidden && after.others.map(\.assessor) == ["assessor.b"])
        #expect(
            await refusedRule {
                _ = try await app.submitScores(a.id, scores: RoundFixture.scores(2, 2, 2), by: "assessor.a")
            }
                == "scores-submitted-once")
        #expect(
            await refusedRule {
                _ = try await app.recommend(
                    a.id, moderatedBasisPoints: 6000, recommendation: .awardReduced, amount: Money(pounds: 3_000),
                    reasons: "x", by: "cumbria.officer")
            } == "recommendation-complete")
        #expect(
            await refusedRule { _ = try await app.raiseRoundDecision(round: round.id, by: "cumbria.officer") }
                == "round-decision-ready")
    }

    @Test("round-spec-valid, round-known, round-state-allows, submission-after-opening", arguments: TestEngine.all)
    func roundRules(engine: TestEngine) async throws {
        let (app, clock, round) = try await RoundFixture.published(engine)
        var bad = try RoundFixture.spec()
        bad.closes = LondonTime(parsing: "2026-11-01 12:00")!
        #expect(
            await refusedRule { _ = try await app.createRound(bad, office: "cumbria", by: "cumbria.officer") }
                == "round-spec-valid")
        #expect(await refusedRule { _ = try await app.round("cumbria-R-0099", by: nil) } == "round-known")
        #expect(
            await refusedRule { _ = try await app.publishRound(round.id, by: "cumbria.officer") }
                == "round-state-allows")
        let draft = try await app.createRound(try RoundFixture.spec(), office: "cumbria", by: "cumbria.officer")
        #expect(await refusedRule { _ = try await app.round(draft.id, by: nil) } == "round-known")
        #expect(try await app.rounds(office: "cumbria", by: nil).map(\.id) == [round.id])
        #expect(
            await refusedRule {
                _ = try await app.createRound(try RoundFixture.spec(), office: "cumbria", by: "cumbria.pcc")
            }
                == "rounds-run-by-officers")
        var later = try RoundFixture.spec()
        later.opens = LondonTime(parsing: "2026-11-25 09:00")!
        let future = try await app.publishRound(
            try await app.createRound(later, office: "cumbria", by: "cumbria.officer").id, by: "cumbria.officer")
        let applicant = try await RoundFixture.signUp(app, 1)
        let a = try await app.startApplication(
            round: future.id, draft: RoundFixture.draft("Early", pounds: 1_000), by: applicant)
        #expect(
            await refusedRule { _ = try await app.submitApplication(a.id, by: applicant) } == "submission-after-opening"
        )
        #expect(
            await refusedRule { _ = try await app.closeRound(round.id, by: "cumbria.officer") } == "round-state-allows")
        clock.advance(seconds: 1)
    }

    @Test("a round file refuses an unknown key naming it and its line")
    func roundFileRefusesUnknownKeys() throws {
        let yaml = """
            title: Community Safety Fund
            strand: community-safety-fund
            year: 2026/27
            total: "533333.50"
            bands: [{name: small, upTo: "5000.00"}]
            eligibility: {organisationKinds: [charity]}
            criteria: [{id: need, title: Need, weight: 1}]
            scale: [{score: 0, descriptor: None}, {score: 1, descriptor: Some}]
            questions: [{id: project, text: What?}]
            opens: 2026-11-20 09:00
            closes: 2026-11-27 12:00
            assessors: []
            colour: blue
            """
        #expect(throws: ServiceRefusal.self) { _ = try GrantRoundFile.parse(yaml: yaml, source: "round.yaml") }
        do { _ = try GrantRoundFile.parse(yaml: yaml, source: "round.yaml") } catch let r as ServiceRefusal {
            #expect(r.rule == "round-spec-valid" && r.message.contains("colour") && r.message.contains("13"))
        }
        let good = try GrantRoundFile.parse(
            yaml: yaml.replacingOccurrences(of: "\ncolour: blue", with: ""), source: "round.yaml")
        #expect(good.total.pence == 53_333_350 && good.bands.band(for: Money(pounds: 5_000)!) == "small")
    }

    @Test(
        "every typed text of a round takes arbitrary Unicode: stored as given or refused by its rule",
        arguments: TestEngine.all)
    func arbitraryUnicodeInTypedTexts(engine: TestEngine) async throws {
        let (app, _, round) = try await RoundFixture.published(engine)
        let applicant = try await RoundFixture.signUp(app, 1)
        let counter = Counter()
        await propertyCheck(count: 25, input: RoundText.text) { text in
            var draft = RoundFixture.draft(text, pounds: 1_000)
            draft.answers["project"] = text
            draft.budget[0].item = text
            draft.outcomes = [text]
            do {
                let a = try await app.startApplication(round: round.id, draft: draft, by: applicant)
                let stored = try await app.application(a.id, by: applicant)
                #expect(stored.draft.answers["project"] == a.draft.answers["project"])
            } catch let r as ServiceRefusal {
                #expect(r.rule == "text-within-limits", "\(text.debugDescription): \(r)")
            }
            do {
                _ = try await app.signUpApplicant(
                    name: "u\(counter.next())", displayName: text, email: "u@example.org",
                    organisation: PartnerOrganisation(orgID: "GB-CHC-2000000", name: "Org", kind: .charity),
                    office: "cumbria", address: "203.0.113.\(counter.next() % 200)")
            } catch let r as ServiceRefusal {
                #expect(["text-within-limits"].contains(r.rule), "\(text.debugDescription): \(r)")
            }
        }
    }
}

/// Arbitrary Unicode, short and long.
enum RoundText {
    static let scalar = Gen<UInt32>.value(in: 0...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") }
    static let piece = Gen.oneOf(
        Gen.element(of: ["\u{0}", "\n", "\r\n", "😀", "e\u{301}", "£", " ", "a"]).map { $0 ?? "" }, scalar)
    static let text = Gen.frequency(
        (8, piece.array(of: 1...12).map { $0.joined() }),
        (1, zip(piece, Gen.int(in: 200...3_000)).map { String(repeating: $0 + "x ", count: $1) }))
}
