import Foundation
import OPCCCore
import OPCCStore

/// The demo's closed grant round (`opcc demo`): Cumbria's example round (`fixtures/rounds/community-safety-fund.yaml`)
/// with five applications from four partners, eligibility, two assessors' scores (one conflicted once), the panel's
/// recommendations and the Commissioner's approval, which allocates three awards and drafts their agreements, and the
/// decision's Part 1 published the next day. Played
/// on clocks set to the round's own days in 2016, so the round opens, closes and is decided as it would have been.
extension Commissioning {
    /// Loads the round once: nothing is done when Cumbria already has a round (the demo is idempotent).
    public func loadDemoRound(from home: ProductHome, log: (String) -> Void = { _ in }) async throws {
        guard try await store.read({ try $0.rounds(office: "cumbria") }).isEmpty else { return }
        let source = "fixtures/rounds/community-safety-fund.yaml"
        let yaml = try String(contentsOf: home.root.appendingPathComponent(source), encoding: .utf8)
        let spec = try GrantRoundFile.parse(yaml: yaml, source: source)
        func at(_ time: String) throws -> Commissioning {
            try Commissioning(
                store: store, catalog: catalog, calendar: engine.calendar,
                clock: FixedClock(LondonTime(parsing: time)!.instant), documentFiles: documentFiles)
        }
        let officer = "cumbria.officer"
        let setUp = try at("2016-05-20 10:00")
        let round = try await setUp.createRound(spec, office: "cumbria", by: officer)
        try await setUp.addAssessor(
            "cumbria.independent-assessor", to: round.id, displayName: "Independent assessor (Cumbria CVS)",
            email: "assessor@cvs.example.org", by: officer)
        _ = try await setUp.publishRound(round.id, by: officer)

        let open = try at("2016-06-10 11:00")
        let partners: [(name: String, org: PartnerOrganisation, projects: [(String, Int64, String)])] = [
            (
                "barrow.youth",
                PartnerOrganisation(orgID: "GB-CHC-1100001", name: "Barrow Youth Trust", kind: .charity),
                [("Friday night youth club", 4_800, "Barrow"), ("Summer diversion sports", 3_000, "Barrow")]
            ),
            (
                "copeland.safe",
                PartnerOrganisation(orgID: "GB-COH-09876543", name: "Safer Copeland CIC", kind: .company),
                [("Street pastors", 4_250, "Copeland")]
            ),
            (
                "walney.group", PartnerOrganisation(orgID: "GB-CHC-1100002", name: "Walney Residents", kind: .charity),
                [("Alley gating", 5_000, "Barrow")]
            ),
            (
                "keswick.club",
                PartnerOrganisation(orgID: "GB-CHC-1100003", name: "Keswick Boxing Club", kind: .charity),
                [("Boxing for young people", 2_500, "Copeland")]
            ),
        ]
        var applications: [String] = []
        for (index, partner) in partners.enumerated() {
            _ = try await open.signUpApplicant(
                name: partner.name, displayName: partner.org.name, email: "\(partner.name)@partners.example.org",
                organisation: partner.org, office: "cumbria", address: "demo-\(index)")
            for (title, pounds, area) in partner.projects {
                let amount = Money(pounds: pounds)!
                let staff = Money(pence: amount.pence * 3 / 5)!
                let draft = ApplicationDraft(
                    title: title,
                    answers: ["project": "\(title), weekly through the year.", "need": "ASB reports in \(area)."],
                    amountRequested: amount,
                    budget: [
                        BudgetLine(item: "Staff", amount: staff),
                        BudgetLine(item: "Venue and equipment", amount: Money(pence: amount.pence - staff.pence)!),
                    ], area: area, outcomes: ["Fewer ASB incidents reported in \(area)"])
                let started = try await open.startApplication(round: round.id, draft: draft, by: partner.name)
                _ = try await open.submitApplication(started.id, by: partner.name)
                applications.append(started.id)
            }
        }

        let closed = try at("2016-07-01 10:00")
        _ = try await closed.closeRound(round.id, by: officer)
        for (index, id) in applications.enumerated() {
            let eligible = index != 3
            try await closed.markEligibility(
                id, eligible: eligible,
                reason: eligible
                    ? "A charity or company working in Barrow or Copeland"
                    : "Capital works: the fund pays "
                        + "for activities, not alley gates", by: officer)
        }
        let scores: [[Int]] = [[4, 3, 3], [3, 3, 2], [4, 4, 3], [], [1, 2, 1]]
        for (index, id) in applications.enumerated() where index != 3 {
            for assessor in [officer, "cumbria.independent-assessor"] {
                let conflicted = assessor == officer && index == 1
                try await closed.declareConflict(
                    id, conflicted: conflicted, note: conflicted ? "Volunteers with the trust" : "", by: assessor)
                guard !conflicted else { continue }
                let given = scores[index].map { assessor == officer ? $0 : max(0, $0 - (index == 4 ? 0 : 1)) }
                _ = try await closed.submitScores(
                    id,
                    scores: zip(["need", "delivery", "value"], given).map {
                        CriterionScore(criterion: $0, score: $1, comment: "Scored \($1) against the descriptors")
                    }, by: assessor)
            }
        }
        for row in try await closed.moderation(round: round.id, by: officer) {
            let id = row.application.id
            let mean = row.meanBasisPoints ?? 0
            if id == applications[4] {
                _ = try await closed.recommend(
                    id, moderatedBasisPoints: mean, recommendation: .decline, amount: nil,
                    reasons: "The outcomes are not measurable yet: say how you will count them.", by: officer)
            } else if id == applications[0] {
                _ = try await closed.recommend(
                    id, moderatedBasisPoints: mean, recommendation: .awardReduced, amount: Money(pounds: 4_000),
                    reasons: "Strong need; equipment costs trimmed.", by: officer)
            } else {
                _ = try await closed.recommend(
                    id, moderatedBasisPoints: mean, recommendation: .award, amount: nil,
                    reasons: "Meets the criteria well.", by: officer)
            }
        }
        let decision = try await closed.raiseRoundDecision(round: round.id, by: officer)
        _ = try await closed.submitDecision(decision, by: officer)
        _ = try await closed.signDecision(decision, position: "originating-officer", name: "V. Stafford", by: officer)
        _ = try await closed.signDecision(
            decision, position: "chief-executive", name: "S. Edwards", by: "cumbria.chief-executive")
        _ = try await closed.referDecision(decision, by: "cumbria.chief-executive")
        let decided = try at("2016-07-05 10:00")
        _ = try await decided.decide(
            decision, approve: true, interests: "none", urgency: "The round's published timetable",
            by: "cumbria.pcc")
        // Part 1 published the next day, as an office would within its deadline: the awards are public on the round's
        // page and in the grants register, and the demo has no overdue publication of its own making.
        _ = try await at("2016-07-06 10:00").perform(.publish, on: decision, by: officer)
        let outcome = try await decided.roundOutcome(round: round.id, by: officer)
        log(
            "grant round \(round.id): \(applications.count) applications, \(outcome.allocations.count) awards "
                + "allocated, agreements \(outcome.agreements.joined(separator: ", "))")
    }
}
