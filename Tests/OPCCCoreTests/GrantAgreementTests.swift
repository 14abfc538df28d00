import Foundation
import Testing

@testable import OPCCCore

/// The `workflows` folder, found by walking up from this file (the repository's, or a build package's link to it).
private let workflowsFolder: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("workflows/grant-agreement.yaml").path) {
        let parent = url.deletingLastPathComponent()
        precondition(parent.path != url.path, "no workflows/grant-agreement.yaml above \(#filePath)")
        url = parent
    }
    return url.appendingPathComponent("workflows")
}()

private func day(_ text: String) -> Day {
    do {
        return try Day(iso: text)
    } catch {
        preconditionFailure("test date \(text) is not a date")
    }
}

private func pounds(_ amount: Int64) -> Money { Money(pounds: amount)! }

private func quarter(_ text: String) -> Quarter {
    do {
        return try Quarter(parsing: text)
    } catch {
        preconditionFailure("test quarter \(text) is not a quarter")
    }
}

private let financialYear2017 = GrantAgreement.Period(start: day("2017-04-01"), end: day("2018-03-31"))

/// Wolverhampton's 2017/18 community safety programme (seed 002): the £369,000 allocation plus the £38,000 carry
/// forward, £407,000 in all, received by the City Council as accountable body for the Safer Wolverhampton
/// Partnership, ring-fenced, costed by the three strategic priorities, with fixed-term posts to 31 March 2018 and
/// payments tied to accepted quarterly returns. The split between the priority lines is illustrative.
private func wolverhampton() -> GrantAgreement {
    let quarters = FinancialYear(startYear: 2017).quarters
    return GrantAgreement(
        id: "WM-GA-2017-WLV", office: "west-midlands", decisionID: "WM-DR-2017-012",
        recipient: .init(orgID: "GB-CSP-WLV", name: "Safer Wolverhampton Partnership"),
        accountableBody: .init(orgID: "GB-LAE-WLV", name: "City of Wolverhampton Council"),
        purpose: "Delivery of the Safer Wolverhampton Partnership costed plan 2017-18 (Appendix A)",
        crimeAndDisorderStatement: "Reduces reoffending, prevents violence and reduces victimisation in Wolverhampton",
        period: financialYear2017, ringFenced: true, allocationIDs: ["WM-AL-2017-WLV", "WM-AL-2017-WLV-CF"],
        amount: pounds(407_000),
        planLines: [
            .init(priority: "Reducing Reoffending", description: "Offender management", amount: pounds(152_000)),
            .init(priority: "Violence Prevention", description: "Youth violence and VAWG", amount: pounds(138_000)),
            .init(priority: "Reducing Victimisation", description: "IDVA and champions", amount: pounds(117_000)),
        ],
        spendProfile: quarters.map { .init(quarter: $0, amount: pounds(101_750)) },
        indicators: [
            .init(name: "Proven reoffending rate (adults)", unit: "%", baseline: "27.1", target: "25.0")
        ],
        fixedTermPostsEnd: day("2018-03-31"),
        payments: [
            .init(id: "P1", amount: pounds(101_750), condition: .onSignature),
            .init(id: "P2", amount: pounds(101_750), condition: .onAcceptedReturn(quarters[0])),
            .init(id: "P3", amount: pounds(101_750), condition: .onAcceptedReturn(quarters[1])),
            .init(id: "P4", amount: pounds(101_750), condition: .onAcceptedReturn(quarters[2])),
        ])
}

/// A Leicestershire funding agreement (seed 003) before its equality impact assessment and risk assessment exist.
private func leicestershire() -> GrantAgreement {
    GrantAgreement(
        id: "LE-FA-2017-007", office: "leicestershire", decisionID: "LE-DR-2017-004",
        recipient: .init(orgID: "GB-CHC-1000001", name: "Victim support charity"),
        purpose: "Support for victims of domestic abuse under the Commissioning Framework", period: financialYear2017,
        amount: pounds(50_000),
        payments: [.init(id: "P1", amount: pounds(50_000), condition: .onSignature)])
}

private let eia = GrantAgreement.Assessment(reference: "EIA-2017-07", recordedOn: day("2017-03-01"))
private let riskAssessment = GrantAgreement.Assessment(reference: "RA-2017-07", recordedOn: day("2017-03-02"))

@Suite("Grant agreements: the rules")
struct GrantAgreementRuleTests {
    @Test func leicestershireAgreementsAreRefusedUntilAnEIAAndARiskAssessmentExist() {
        var agreement = leicestershire()
        #expect(GrantRules.checkConditions(agreement) == [.equalityImpactAssessmentMissing, .riskAssessmentMissing])
        #expect(
            GrantRules.checkConditions(agreement).map(\.rule) == [
                "equality-impact-assessment-before-signature", "risk-assessment-before-signature",
            ])

        agreement.equalityImpactAssessment = eia
        #expect(GrantRules.checkConditions(agreement) == [.riskAssessmentMissing])
        #expect(GrantRefusal.riskAssessmentMissing.description == "no risk assessment is recorded for this agreement")

        agreement.riskAssessment = riskAssessment
        #expect(GrantRules.checkConditions(agreement).isEmpty)
        #expect(agreement.problems().isEmpty)
    }

    @Test func theAgreementMustEqualItsAllocations() {
        let agreement = leicestershire()
        let refusal = GrantRules.checkAmountMatches(agreement, allocationsTotal: pounds(45_000))
        #expect(refusal == .amountDiffersFromAllocations(agreement: pounds(50_000), allocations: pounds(45_000)))
        #expect(refusal?.rule == "grant-equals-allocations")
        #expect(refusal?.description == "the agreement is for £50,000.00 but its allocations add up to £45,000.00")
        #expect(GrantRules.checkAmountMatches(agreement, allocationsTotal: pounds(50_000)) == nil)
        // Wolverhampton: the £369,000 allocation and the £38,000 carry forward together make the £407,000.
        let allocations = try? Money.sum([pounds(369_000), pounds(38_000)])
        #expect(GrantRules.checkAmountMatches(wolverhampton(), allocationsTotal: allocations!) == nil)
    }

    @Test func bothPartiesMustSign() {
        var agreement = wolverhampton()
        #expect(GrantRules.checkSignatures(agreement) == .partyYetToSign([.opcc, .recipient]))
        #expect(GrantRules.checkSignatures(agreement)?.description == "still to sign: the OPCC and the recipient")

        agreement.signatures.append(.init(party: .recipient, name: "Chief Executive", on: day("2017-03-20")))
        #expect(GrantRules.checkSignatures(agreement) == .partyYetToSign([.opcc]))
        #expect(GrantRules.checkSignatures(agreement)?.rule == "grant-both-parties-signed")

        agreement.signatures.append(.init(party: .opcc, name: "Police and Crime Commissioner", on: day("2017-03-24")))
        #expect(GrantRules.checkSignatures(agreement) == nil)
        #expect(agreement.partiesYetToSign.isEmpty)
    }

    @Test func aVariationBeyondTheDecisionNeedsANewDecision() {
        // The £369,000 grant was approved; adding the £38,000 carry forward needs the PCC's agreement (seed 002).
        var agreement = wolverhampton()
        agreement.amount = pounds(369_000)
        let carryForward = SignedMoney(pounds(38_000))
        let refusal = GrantRules.checkVariation(
            agreement, amountChange: carryForward, decisionApproved: pounds(369_000), alreadyAllocatedElsewhere: .zero)
        #expect(refusal == .variationBeyondDecision(approved: pounds(369_000), wouldBe: pounds(407_000)))
        #expect(refusal?.rule == "grant-variation-within-decision")
        #expect(
            refusal?.description
                == "the variation would take the money committed under the decision to £407,000.00, "
                + "beyond the £369,000.00 it approved")
        #expect(refusal?.remedy.contains("new decision") == true)

        // A new decision approving £407,000 covers it.
        #expect(
            GrantRules.checkVariation(
                agreement, amountChange: carryForward, decisionApproved: pounds(407_000),
                alreadyAllocatedElsewhere: .zero) == nil)
        // Money the decision already committed elsewhere counts against it.
        #expect(
            GrantRules.checkVariation(
                agreement, amountChange: carryForward, decisionApproved: pounds(407_000),
                alreadyAllocatedElsewhere: pounds(1))
                == .variationBeyondDecision(approved: pounds(407_000), wouldBe: pounds(407_001)))
        // A reduction never needs a new decision, but cannot go below zero.
        #expect(
            GrantRules.checkVariation(
                agreement, amountChange: SignedMoney(pence: -1_000_000), decisionApproved: pounds(1),
                alreadyAllocatedElsewhere: .zero) == nil)
        let tooMuch = SignedMoney(pence: -36_900_001)
        #expect(
            GrantRules.checkVariation(
                agreement, amountChange: tooMuch, decisionApproved: pounds(369_000), alreadyAllocatedElsewhere: .zero)
                == .variationBelowZero(agreement: pounds(369_000), change: tooMuch))
    }

    @Test func planLinesSpendProfileAndPaymentsEachSumToTheAmount() {
        let agreement = wolverhampton()
        #expect(agreement.problems().isEmpty)
        #expect(agreement.planLines.map(\.priority).count == 3)
        #expect(agreement.conditions == GrantAgreement.standardConditions)

        var lines = agreement
        lines.planLines[1].amount = pounds(133_000)
        #expect(lines.problems() == [.planLinesDoNotSum(lines: pounds(402_000), agreement: pounds(407_000))])
        #expect(
            lines.problems().first?.description
                == "the plan lines add up to £402,000.00 but the agreement is for £407,000.00")

        var profile = agreement
        profile.spendProfile[3].amount = pounds(111_750)
        #expect(profile.problems() == [.spendProfileDoesNotSum(profile: pounds(417_000), agreement: pounds(407_000))])
        #expect(profile.problems().first?.rule == "spend-profile-sums-to-amount")

        var payments = agreement
        payments.payments.removeLast()
        #expect(payments.problems() == [.paymentsDoNotSum(payments: pounds(305_250), agreement: pounds(407_000))])
        #expect(
            payments.problems().first?.description
                == "the payment instalments add up to £305,250.00 but the agreement is for £407,000.00")

        // Empty breakdowns are not checked: the Leicestershire agreement has no plan lines or spend profile.
        #expect(leicestershire().problems().isEmpty)
    }

    @Test func thePeriodTheQuartersAndTheFixedTermPostsAgree() {
        var reversed = leicestershire()
        reversed.period = .init(start: day("2018-03-31"), end: day("2017-04-01"))
        #expect(reversed.problems() == [.periodInvalid(start: day("2018-03-31"), end: day("2017-04-01"))])

        var outside = wolverhampton()
        outside.spendProfile[3].quarter = quarter("2018/19 Q1")
        #expect(outside.problems() == [.quarterOutsidePeriod(quarter("2018/19 Q1"), period: financialYear2017)])
        #expect(
            outside.problems().first?.description
                == "2018/19 Q1 falls outside the agreement's period (2017-04-01 to 2018-03-31)")

        var twice = wolverhampton()
        twice.spendProfile[3].quarter = quarter("2017/18 Q3")
        #expect(twice.problems() == [.quarterProfiledTwice(quarter("2017/18 Q3"))])

        // A period starting mid-quarter still covers that quarter (Cumbria's pilot from March 2016).
        var midQuarter = leicestershire()
        midQuarter.period = .init(start: day("2016-03-07"), end: day("2017-03-31"))
        midQuarter.spendProfile = [
            .init(quarter: quarter("2015/16 Q4"), amount: pounds(10_000)),
            .init(quarter: quarter("2016/17 Q1"), amount: pounds(40_000)),
        ]
        #expect(midQuarter.problems().isEmpty)

        var posts = wolverhampton()
        posts.fixedTermPostsEnd = day("2018-04-30")
        #expect(
            posts.problems() == [.fixedTermPostsOutsidePeriod(postsEnd: day("2018-04-30"), period: financialYear2017)])
        posts.fixedTermPostsEnd = day("2017-12-31")
        #expect(posts.problems().isEmpty)
    }

    @Test func anInstalmentIsReleasedOnlyWhenItsConditionHolds() {
        let onSignature = GrantAgreement.PaymentInstalment(id: "P1", amount: pounds(100), condition: .onSignature)
        let onDate = GrantAgreement.PaymentInstalment(
            id: "P2", amount: pounds(100), condition: .onDate(day("2017-10-01")))
        let onReturn = GrantAgreement.PaymentInstalment(
            id: "P3", amount: pounds(100), condition: .onAcceptedReturn(quarter("2017/18 Q1")))
        let q1: Set<Quarter> = [quarter("2017/18 Q1")]

        typealias Instalment = GrantAgreement.PaymentInstalment
        func release(_ i: Instalment, _ state: String, _ today: String, _ accepted: Set<Quarter>) -> GrantRefusal? {
            GrantRules.releasable(i, agreementState: state, today: day(today), acceptedReturns: accepted)
        }

        // On signature: not before the agreement is signed, then at once.
        let unsigned = release(onSignature, "conditions-met", "2017-03-20", [])
        #expect(unsigned == .agreementNotLive(instalment: "P1", state: "conditions-met"))
        #expect(release(onSignature, "signed", "2017-03-24", []) == nil)
        #expect(release(onSignature, "active", "2017-04-03", []) == nil)
        #expect(release(onSignature, "terminated", "2017-04-03", [])?.rule == "payment-only-while-live")

        // On a date: only once the date has come, and only while active.
        let early = release(onDate, "active", "2017-09-30", q1)
        #expect(early == .paymentConditionNotMet(instalment: "P2", condition: .onDate(day("2017-10-01"))))
        #expect(release(onDate, "active", "2017-10-01", []) == nil)
        #expect(release(onDate, "signed", "2017-10-01", [])?.rule == "payment-only-while-live")

        // On an accepted return: only when that quarter's return is accepted.
        let notYet = release(onReturn, "active", "2017-08-01", [quarter("2017/18 Q2")])
        #expect(
            notYet == .paymentConditionNotMet(instalment: "P3", condition: .onAcceptedReturn(quarter("2017/18 Q1"))))
        #expect(
            notYet?.description
                == "instalment P3 is payable on acceptance of the 2017/18 Q1 return, which does not hold yet")
        #expect(notYet?.remedy == "accept the 2017/18 Q1 return first")
        #expect(release(onReturn, "active", "2017-08-01", q1) == nil)

        // Never twice.
        var paid = onReturn
        paid.paidOn = day("2017-08-02")
        #expect(
            release(paid, "active", "2017-08-03", q1)
                == .instalmentAlreadyPaid(instalment: "P3", paidOn: day("2017-08-02")))
    }

    @Test func anAgreementSurvivesEncodingAndDecoding() async throws {
        var agreement = wolverhampton()
        agreement.payments.append(.init(id: "P5", amount: .zero, condition: .onDate(day("2018-03-01"))))
        agreement.equalityImpactAssessment = eia
        agreement.signatures = [.init(party: .opcc, name: "PCC", on: day("2017-03-24"))]
        agreement.variations = [
            .init(
                kind: .planLines, description: "Move £2,000 to the IDVA line", approvedBy: "finance.officer",
                on: day("2017-09-01"))
        ]
        let data = try JSONEncoder().encode(agreement)
        #expect(try JSONDecoder().decode(GrantAgreement.self, from: data) == agreement)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"on-accepted-return\""))
        #expect(text.contains("\"2017\\/18 Q1\"") || text.contains("\"2017/18 Q1\""))
    }
}

// MARK: - Driving the grant-agreement workflow

/// The grant-agreement workflow as shipped.
private func grantWorkflow() throws -> WorkflowDefinition {
    let text = try String(contentsOf: workflowsFolder.appendingPathComponent("grant-agreement.yaml"), encoding: .utf8)
    return try WorkflowDefinition.parse(yaml: text, source: "grant-agreement.yaml")
}

/// The shipped registry, which registers the grant guards.
private let grantRegistry = WorkflowRegistry.standard

private let financeOfficer = Actor(name: "Finance Officer", grants: [RoleGrant(role: .finance)])

/// Fires `event` on an instance of the grant-agreement workflow in `state`, as the finance officer on 24 March 2017.
private func fire(
    _ event: String, in state: String, subject: GrantSubject?, payload: [String: String] = [:]
) throws -> WorkflowEngine.Outcome {
    let instance = WorkflowInstance(
        id: "ga-1", office: "west-midlands", workflow: "grant-agreement", workflowVersion: 1, state: state,
        version: 3, recordRef: "WM-GA-2017-WLV", lastEffectiveDay: day("2017-03-01"))
    let act = Act(
        event: event, actor: financeOfficer, effectiveDay: day("2017-03-24"), today: day("2017-03-24"),
        payload: payload)
    return WorkflowEngine(registry: grantRegistry).fire(
        act, on: instance, definition: try grantWorkflow(), subject: subject.map(WorkflowSubject.agreement))
}

private func refusals(_ outcome: WorkflowEngine.Outcome) -> [WorkflowRefusal] {
    if case .refused(let reasons) = outcome { return reasons }
    return []
}

private func acceptedTo(_ outcome: WorkflowEngine.Outcome) -> String? {
    if case .accepted(let accepted) = outcome { return accepted.to }
    return nil
}

@Suite("Grant agreements: driving the workflow")
struct GrantAgreementEngineTests {
    @Test func theGrantGuardsAreRegisteredAndTheEditedWorkflowValidates() async throws {
        let definition = try grantWorkflow()
        #expect(
            definition.transition(from: "draft", on: "confirm-conditions")?.guards == [
                "grant-preconditions-recorded", "grant-equals-allocations",
            ])
        #expect(
            definition.transition(from: "conditions-met", on: "sign")?.guards == [
                "grant-preconditions-recorded", "grant-equals-allocations", "grant-both-parties-signed",
            ])
        #expect(
            definition.transition(from: "active", on: "vary")?.guards == [
                "reason-given", "grant-variation-within-decision",
            ])
        #expect(
            WorkflowValidator.problems(in: definition, source: "grant-agreement.yaml", registry: grantRegistry).isEmpty)
        for name in [
            "grant-preconditions-recorded", "grant-equals-allocations", "grant-both-parties-signed",
            "grant-variation-within-decision",
        ] {
            #expect(grantRegistry.guards[name] != nil)
        }
    }

    @Test func confirmingConditionsWaitsForTheEIAAndTheRiskAssessment() async throws {
        var agreement = leicestershire()
        func subject(allocations: Int64 = 50_000) -> GrantSubject {
            GrantSubject(agreement: agreement, allocationsTotal: pounds(allocations), decisionApproved: pounds(50_000))
        }

        let neither = refusals(try fire("confirm-conditions", in: "draft", subject: subject()))
        #expect(neither.map(\.rule) == ["grant-preconditions-recorded"])
        #expect(neither.first?.description.contains("no equality impact assessment") == true)
        #expect(neither.first?.description.contains("no risk assessment") == true)

        agreement.equalityImpactAssessment = eia
        let noRisk = refusals(try fire("confirm-conditions", in: "draft", subject: subject()))
        #expect(noRisk.map(\.rule) == ["risk-assessment-before-signature"])

        agreement.riskAssessment = riskAssessment
        let short = refusals(try fire("confirm-conditions", in: "draft", subject: subject(allocations: 45_000)))
        #expect(short.map(\.rule) == ["grant-equals-allocations"])
        #expect(short.first?.description.contains("£50,000.00") == true)
        #expect(short.first?.description.contains("£45,000.00") == true)

        agreement.payments[0].amount = pounds(40_000)
        let unbalanced = refusals(try fire("confirm-conditions", in: "draft", subject: subject()))
        #expect(unbalanced.map(\.rule) == ["payments-sum-to-amount"])
        agreement.payments[0].amount = pounds(50_000)

        #expect(acceptedTo(try fire("confirm-conditions", in: "draft", subject: subject())) == "conditions-met")

        let detached = refusals(try fire("confirm-conditions", in: "draft", subject: nil))
        #expect(detached.map(\.rule) == ["grant-preconditions-recorded", "grant-equals-allocations"])
    }

    @Test func signingWaitsForBothParties() async throws {
        var agreement = wolverhampton()
        agreement.equalityImpactAssessment = eia
        agreement.riskAssessment = riskAssessment
        func subject() -> GrantSubject {
            GrantSubject(agreement: agreement, allocationsTotal: pounds(407_000), decisionApproved: pounds(407_000))
        }

        #expect(acceptedTo(try fire("record-signature", in: "conditions-met", subject: subject())) == "conditions-met")
        agreement.signatures.append(.init(party: .recipient, name: "Chief Executive", on: day("2017-03-20")))
        let waiting = refusals(try fire("sign", in: "conditions-met", subject: subject()))
        #expect(waiting.map(\.rule) == ["grant-both-parties-signed"])
        #expect(
            waiting.first?.description
                == "still to sign: the OPCC: record each missing signature (record-signature) first")

        agreement.signatures.append(.init(party: .opcc, name: "Police and Crime Commissioner", on: day("2017-03-24")))
        #expect(acceptedTo(try fire("sign", in: "conditions-met", subject: subject())) == "signed")
    }

    @Test func varyingTheAmountBeyondTheDecisionIsRefused() async throws {
        var agreement = wolverhampton()
        agreement.amount = pounds(369_000)
        let approvedOnly369k = GrantSubject(
            agreement: agreement, allocationsTotal: pounds(369_000), decisionApproved: pounds(369_000))
        let carryForward = ["reason": "Add the 2016-17 carry forward", "amountChangePence": "3800000"]

        let beyond = refusals(try fire("vary", in: "active", subject: approvedOnly369k, payload: carryForward))
        #expect(beyond.map(\.rule) == ["grant-variation-within-decision"])
        #expect(beyond.first?.description.contains("£407,000.00") == true)

        var newDecision = approvedOnly369k
        newDecision.decisionApproved = pounds(407_000)
        #expect(acceptedTo(try fire("vary", in: "active", subject: newDecision, payload: carryForward)) == "active")

        // A change of dates carries no amount and needs no new decision.
        let dates = ["reason": "Extend to 31 March 2018"]
        #expect(acceptedTo(try fire("vary", in: "active", subject: approvedOnly369k, payload: dates)) == "active")

        let unreadable = ["reason": "Add the carry forward", "amountChangePence": "£38,000"]
        let bad = refusals(try fire("vary", in: "active", subject: approvedOnly369k, payload: unreadable))
        #expect(bad.map(\.rule) == ["grant-variation-amount-readable"])
    }
}
