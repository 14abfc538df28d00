/// Why a grant agreement may not move on, or a payment may not be released, in the terms a finance officer uses.
/// Each case names its rule, says what is wrong with the figures and says what to do; the guards registered by
/// `WorkflowRegistry.registerGrantGuards()` turn them into refusals.
public enum GrantRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// Leicestershire: "The completion of an Equality Impact Assessment is a requirement of each funding agreement."
    case equalityImpactAssessmentMissing
    /// Leicestershire: "The completion of a risk assessment is a requirement for each funding agreement."
    case riskAssessmentMissing
    /// The office requires the assessment's document, not just its reference, and no current one is attached.
    case assessmentDocumentMissing(DocumentKind)
    /// The agreement pays out its allocations, no more and no less.
    case amountDiffersFromAllocations(agreement: Money, allocations: Money)
    /// The costed plan does not account for the amount.
    case planLinesDoNotSum(lines: Money, agreement: Money)
    /// The quarterly spend profile does not account for the amount.
    case spendProfileDoesNotSum(profile: Money, agreement: Money)
    /// The payment instalments do not account for the amount.
    case paymentsDoNotSum(payments: Money, agreement: Money)
    /// A total could not be formed because it is too large to hold.
    case totalTooLarge(of: String)
    /// These parties have not signed yet.
    case partyYetToSign([GrantAgreement.Party])
    /// The period ends before it starts.
    case periodInvalid(start: Day, end: Day)
    /// A quarter named by the spend profile or a payment has no day within the period.
    case quarterOutsidePeriod(Quarter, period: GrantAgreement.Period)
    /// The spend profile names the same quarter twice.
    case quarterProfiledTwice(Quarter)
    /// Funded fixed-term posts end outside the agreement's period (they may end on its last day, not after it).
    case fixedTermPostsOutsidePeriod(postsEnd: Day, period: GrantAgreement.Period)
    /// A variation would take the money committed under the decision beyond what the decision approved.
    case variationBeyondDecision(approved: Money, wouldBe: Money)
    /// A reduction larger than the agreement itself.
    case variationBelowZero(agreement: Money, change: SignedMoney)
    /// The variation's amount change is not a whole number of pence.
    case variationAmountUnreadable(String)
    /// The instalment's condition does not hold yet.
    case paymentConditionNotMet(instalment: String, condition: GrantAgreement.PaymentCondition)
    /// The instalment has been paid already.
    case instalmentAlreadyPaid(instalment: String, paidOn: Day)
    /// Money is paid only under a signed agreement that has not closed or ended.
    case agreementNotLive(instalment: String, state: String)

    public var rule: String {
        switch self {
        case .equalityImpactAssessmentMissing: return "equality-impact-assessment-before-signature"
        case .riskAssessmentMissing: return "risk-assessment-before-signature"
        case .assessmentDocumentMissing: return "assessment-document-attached"
        case .amountDiffersFromAllocations: return "grant-equals-allocations"
        case .planLinesDoNotSum: return "plan-lines-sum-to-amount"
        case .spendProfileDoesNotSum: return "spend-profile-sums-to-amount"
        case .paymentsDoNotSum: return "payments-sum-to-amount"
        case .totalTooLarge: return "total-within-range"
        case .partyYetToSign: return "grant-both-parties-signed"
        case .periodInvalid: return "grant-period-valid"
        case .quarterOutsidePeriod: return "quarter-within-period"
        case .quarterProfiledTwice: return "one-profile-entry-per-quarter"
        case .fixedTermPostsOutsidePeriod: return "fixed-term-posts-within-period"
        case .variationBeyondDecision: return "grant-variation-within-decision"
        case .variationBelowZero: return "grant-variation-not-below-zero"
        case .variationAmountUnreadable: return "grant-variation-amount-readable"
        case .paymentConditionNotMet: return "payment-condition-met"
        case .instalmentAlreadyPaid: return "instalment-paid-once"
        case .agreementNotLive: return "payment-only-while-live"
        }
    }

    public var description: String {
        switch self {
        case .equalityImpactAssessmentMissing:
            return "no equality impact assessment is recorded for this agreement"
        case .riskAssessmentMissing:
            return "no risk assessment is recorded for this agreement"
        case .assessmentDocumentMissing(let kind):
            return "no current \(kind == .riskAssessment ? "risk assessment" : "equality impact assessment") "
                + "document (\(kind.rawValue)) is attached to this agreement, and the office requires the document, "
                + "not just its reference"
        case .amountDiffersFromAllocations(let agreement, let allocations):
            return "the agreement is for \(agreement) but its allocations add up to \(allocations)"
        case .planLinesDoNotSum(let lines, let agreement):
            return "the plan lines add up to \(lines) but the agreement is for \(agreement)"
        case .spendProfileDoesNotSum(let profile, let agreement):
            return "the quarterly spend profile adds up to \(profile) but the agreement is for \(agreement)"
        case .paymentsDoNotSum(let payments, let agreement):
            return "the payment instalments add up to \(payments) but the agreement is for \(agreement)"
        case .totalTooLarge(let what):
            return "\(what) add up to more than can be held (the largest amount is \(Money.max))"
        case .partyYetToSign(let parties):
            return "still to sign: " + parties.map(\.description).joined(separator: " and ")
        case .periodInvalid(let start, let end):
            return "the agreement's period ends on \(end.iso), before it starts on \(start.iso)"
        case .quarterOutsidePeriod(let quarter, let period):
            return "\(quarter) falls outside the agreement's period (\(period))"
        case .quarterProfiledTwice(let quarter):
            return "the spend profile gives \(quarter) more than once"
        case .fixedTermPostsOutsidePeriod(let postsEnd, let period):
            return "the fixed-term posts end on \(postsEnd.iso), outside the agreement's period (\(period))"
        case .variationBeyondDecision(let approved, let wouldBe):
            return "the variation would take the money committed under the decision to \(wouldBe), "
                + "beyond the \(approved) it approved"
        case .variationBelowZero(let agreement, let change):
            return "a change of \(change) would take the agreement for \(agreement) below zero"
        case .variationAmountUnreadable(let text):
            return "'\(text)' is not an amount change in whole pence"
        case .paymentConditionNotMet(let instalment, let condition):
            return "instalment \(instalment) is payable \(condition), which does not hold yet"
        case .instalmentAlreadyPaid(let instalment, let paidOn):
            return "instalment \(instalment) was paid on \(paidOn.iso)"
        case .agreementNotLive(let instalment, let state):
            return "instalment \(instalment) cannot be paid while the agreement is \(state)"
        }
    }

    /// What to do about it.
    public var remedy: String {
        switch self {
        case .equalityImpactAssessmentMissing:
            return "complete the equality impact assessment and record its reference before signature"
        case .riskAssessmentMissing: return "complete the risk assessment and record its reference before signature"
        case .assessmentDocumentMissing(let kind):
            return "attach the assessment itself (opcc agreement attach ID FILE --kind \(kind.rawValue))"
        case .amountDiffersFromAllocations:
            return "make the agreement's amount equal the allocations it pays, or correct the allocations"
        case .planLinesDoNotSum: return "correct the costed plan lines so that they add up to the agreement's amount"
        case .spendProfileDoesNotSum: return "correct the quarterly spend profile so that it adds up to the amount"
        case .paymentsDoNotSum: return "correct the payment instalments so that they add up to the amount"
        case .totalTooLarge: return "check the amounts for a mistyped figure"
        case .partyYetToSign: return "record each missing signature (record-signature) first"
        case .periodInvalid: return "give an end date on or after the start date"
        case .quarterOutsidePeriod: return "profile only quarters within the period, or vary the dates first"
        case .quarterProfiledTwice: return "give each quarter once, with its whole amount"
        case .fixedTermPostsOutsidePeriod:
            return "end the posts within the period (funding for posts ends with the agreement)"
        case .variationBeyondDecision:
            return "take a new decision approving the higher amount, then vary the agreement citing it"
        case .variationBelowZero: return "reduce the agreement by no more than its amount"
        case .variationAmountUnreadable: return "give the change in pence, negative for a reduction (e.g. -500000)"
        case .paymentConditionNotMet(_, let condition):
            switch condition {
            case .onSignature: return "record both parties' signatures first"
            case .onDate(let day): return "release it on or after \(day.iso)"
            case .onAcceptedReturn(let quarter): return "accept the \(quarter) return first"
            }
        case .instalmentAlreadyPaid: return "an instalment is paid once; record any further payment as a variation"
        case .agreementNotLive: return "pay only once the agreement is signed, and not after it closes or ends"
        }
    }

    public var guardRefusal: GuardRefusal { GuardRefusal(rule: rule, message: description, remedy: remedy) }
}

/// The rules of a grant agreement, as pure functions of the agreement and the figures around it.
public enum GrantRules {
    /// The workflow states in which instalments may be paid: an on-signature instalment from signature, any other
    /// only once the agreement is active.
    public static let payableStates: [String] = ["signed", "active"]

    /// The workflow states in which an agreement commits the allocations its terms name (the reconciliation's
    /// `committed` figure, kept per agreement and allocation in the store's committed cache).
    public static let committedStates: [String] = ["signed", "active", "closed"]

    /// What must be recorded before the agreement is signed (Leicestershire: an equality impact assessment and a
    /// risk assessment for each funding agreement).
    public static func checkConditions(_ agreement: GrantAgreement) -> [GrantRefusal] {
        var found: [GrantRefusal] = []
        if agreement.equalityImpactAssessment == nil { found.append(.equalityImpactAssessmentMissing) }
        if agreement.riskAssessment == nil { found.append(.riskAssessmentMissing) }
        return found
    }

    /// Where the office requires the assessments' documents (`OfficeProfile.assessmentDocumentsRequired`, for
    /// agreements drafted on or after that day): each assessment without a current document of its kind.
    public static func checkAssessmentDocuments(attached kinds: Set<DocumentKind>) -> [GrantRefusal] {
        [DocumentKind.equalityImpactAssessment, .riskAssessment].filter { !kinds.contains($0) }.map {
            .assessmentDocumentMissing($0)
        }
    }

    /// The agreement's amount must equal the total of the allocations it pays out.
    public static func checkAmountMatches(_ agreement: GrantAgreement, allocationsTotal: Money) -> GrantRefusal? {
        agreement.amount == allocationsTotal
            ? nil : .amountDiffersFromAllocations(agreement: agreement.amount, allocations: allocationsTotal)
    }

    /// Both the OPCC and the recipient must have signed.
    public static func checkSignatures(_ agreement: GrantAgreement) -> GrantRefusal? {
        let waiting = agreement.partiesYetToSign
        return waiting.isEmpty ? nil : .partyYetToSign(waiting)
    }

    /// Whether changing the amount by `amountChange` stays within the decision: the money committed under the
    /// decision (this agreement's new amount plus `alreadyAllocatedElsewhere`) may not exceed `decisionApproved`.
    /// A reduction never needs a new decision, but may not take the amount below zero.
    public static func checkVariation(
        _ agreement: GrantAgreement, amountChange: SignedMoney, decisionApproved: Money,
        alreadyAllocatedElsewhere: Money
    ) -> GrantRefusal? {
        guard let changed = try? SignedMoney(agreement.amount).adding(amountChange) else {
            return .totalTooLarge(of: "the varied amount")
        }
        guard let wouldBe = changed.money else {
            return .variationBelowZero(agreement: agreement.amount, change: amountChange)
        }
        guard amountChange > .zero else { return nil }
        guard let committed = try? wouldBe.adding(alreadyAllocatedElsewhere) else {
            return .totalTooLarge(of: "the money committed under the decision")
        }
        guard committed > decisionApproved else { return nil }
        return .variationBeyondDecision(approved: decisionApproved, wouldBe: committed)
    }

    /// Whether `instalment` may be paid today: not paid already, the agreement signed and not closed or ended (an
    /// on-signature instalment from `signed`, any other only when `active`), and its condition holding: signature,
    /// the date having come, or the quarter's return accepted.
    public static func releasable(
        _ instalment: GrantAgreement.PaymentInstalment, agreementState: String, today: Day,
        acceptedReturns: Set<Quarter>
    ) -> GrantRefusal? {
        if let paidOn = instalment.paidOn { return .instalmentAlreadyPaid(instalment: instalment.id, paidOn: paidOn) }
        let live = instalment.condition == .onSignature ? payableStates : ["active"]
        guard live.contains(agreementState) else {
            return .agreementNotLive(instalment: instalment.id, state: agreementState)
        }
        let holds: Bool
        switch instalment.condition {
        case .onSignature: holds = true
        case .onDate(let day): holds = today >= day
        case .onAcceptedReturn(let quarter): holds = acceptedReturns.contains(quarter)
        }
        return holds ? nil : .paymentConditionNotMet(instalment: instalment.id, condition: instalment.condition)
    }
}

/// What the grant guards see: the agreement as it stands, the total of the allocations it pays out, what the
/// approving decision approved, and what else is already committed under that decision. Attached by the services.
public struct GrantSubject: Sendable {
    public var agreement: GrantAgreement
    public var allocationsTotal: Money
    public var decisionApproved: Money
    /// Money committed under the same decision to other agreements or allocations (zero when this is the only one).
    public var allocatedElsewhereUnderDecision: Money
    /// The kinds of the current documents attached to the agreement, when the office requires the assessments'
    /// documents for it (drafted on or after `OfficeProfile.assessmentDocumentsRequired`); nil when it does not.
    public var attachedDocumentKinds: Set<DocumentKind>?

    public init(
        agreement: GrantAgreement, allocationsTotal: Money, decisionApproved: Money,
        allocatedElsewhereUnderDecision: Money = .zero, attachedDocumentKinds: Set<DocumentKind>? = nil
    ) {
        self.attachedDocumentKinds = attachedDocumentKinds
        self.agreement = agreement
        self.allocationsTotal = allocationsTotal
        self.decisionApproved = decisionApproved
        self.allocatedElsewhereUnderDecision = allocatedElsewhereUnderDecision
    }
}

extension WorkflowRegistry {
    /// The grant agreement's rules as named guards for the `grant-agreement` workflow. Each reads the `GrantSubject`
    /// the services attach (and, for variations, the act's payload). A guard that finds one problem reports that
    /// problem's own rule; one that finds several reports them together under the guard's name.
    mutating func registerGrantGuards() {
        func check(_ name: String, _ body: @escaping @Sendable (WorkflowContext, GrantSubject) -> [GrantRefusal]) {
            register(guard: name) { context in
                guard let subject = context.subject?.agreement else {
                    return GuardRefusal(
                        rule: name, message: "the grant agreement was not attached to this act",
                        remedy: "act through the grant commands")
                }
                let found = body(context, subject)
                guard let first = found.first else { return nil }
                guard found.count > 1 else { return first.guardRefusal }
                return GuardRefusal(
                    rule: name, message: found.map(\.description).joined(separator: "; "),
                    remedy: found.map(\.remedy).joined(separator: "; "))
            }
        }
        check("grant-preconditions-recorded") { _, s in
            GrantRules.checkConditions(s.agreement)
                + (s.attachedDocumentKinds.map { GrantRules.checkAssessmentDocuments(attached: $0) } ?? [])
                + s.agreement.problems()
        }
        check("grant-equals-allocations") { _, s in
            GrantRules.checkAmountMatches(s.agreement, allocationsTotal: s.allocationsTotal).map { [$0] } ?? []
        }
        check("grant-both-parties-signed") { _, s in GrantRules.checkSignatures(s.agreement).map { [$0] } ?? [] }
        check("grant-variation-within-decision") { context, s in
            // A variation of dates or plan lines carries no amount change and needs no new decision.
            guard let text = context.act.payload["amountChangePence"] else { return [] }
            guard let pence = Int64(text) else {
                return [.variationAmountUnreadable(text)]
            }
            let refusal = GrantRules.checkVariation(
                s.agreement, amountChange: SignedMoney(pence: pence), decisionApproved: s.decisionApproved,
                alreadyAllocatedElsewhere: s.allocatedElsewhereUnderDecision)
            return refusal.map { [$0] } ?? []
        }
    }
}
