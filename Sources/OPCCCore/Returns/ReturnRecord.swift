/// One quarter's return under one agreement as kept: what was scheduled and every version since. Its workflow state
/// (scheduled, draft, submitted, returned-for-revision, accepted, waived) lives in its workflow instance.
public struct ReturnRecord: Hashable, Sendable {
    /// e.g. `cumbria-QR-0003`.
    public var id: String
    public var office: String
    public var agreementID: String
    public var schedule: ScheduledReturn
    /// Oldest first; the last is the one being written, under review, or accepted.
    public var versions: [ReturnVersion]

    public init(id: String, office: String, agreementID: String, schedule: ScheduledReturn, versions: [ReturnVersion]) {
        self.id = id
        self.office = office
        self.agreementID = agreementID
        self.schedule = schedule
        self.versions = versions
    }

    public var quarter: Quarter { schedule.quarter }
    public var dueOn: Day { schedule.dueOn }
    /// "end-of-grant report" or the quarter, as people read it.
    public var label: String { schedule.label }
    public var current: ReturnVersion? { versions.last }
    /// The accepted version (a later correction is a new version with a reason, after it).
    public var accepted: ReturnVersion? { versions.last { $0.review?.outcome == .accepted } }
}

/// What the return guards see: the due day (for `past-due-date`), the version being submitted with the agreement it
/// reports against, and who submitted the version under review. Attached by the services.
public struct ReturnSubject: Sendable {
    public let dueDay: Day
    public let quarter: Quarter
    public let agreement: GrantAgreement
    /// The version as it stands (being submitted, or under review).
    public let content: ReturnContent?
    /// Spend to date reported for the previous quarter (zero for the first).
    public let previousSpendToDate: Money
    public let submittedBy: String?

    public init(
        dueDay: Day, quarter: Quarter, agreement: GrantAgreement, content: ReturnContent?,
        previousSpendToDate: Money, submittedBy: String?
    ) {
        self.dueDay = dueDay
        self.quarter = quarter
        self.agreement = agreement
        self.content = content
        self.previousSpendToDate = previousSpendToDate
        self.submittedBy = submittedBy
    }
}

extension WorkflowRegistry {
    /// The quarterly return's rules as guards: a submission must be complete (`ReturnRules.checkSubmission`), and
    /// the person reviewing may not be the one who submitted it.
    mutating func registerReturnGuards() {
        register(guard: "return-complete") { context in
            guard let subject = context.subject?.quarterlyReturn else {
                return GuardRefusal(
                    rule: "return-complete", message: "the return was not attached to this act",
                    remedy: "act through the return commands")
            }
            guard let content = subject.content else {
                return GuardRefusal(
                    rule: "return-complete", message: "nothing has been written for the \(subject.quarter) return yet",
                    remedy: "save the return's content first")
            }
            let found = ReturnRules.checkSubmission(
                content: content, agreement: subject.agreement, quarter: subject.quarter,
                previousSpendToDate: subject.previousSpendToDate)
            guard let first = found.first else { return nil }
            guard found.count > 1 else { return first.guardRefusal }
            var rules: [String] = []
            for rule in found.map(\.rule) where !rules.contains(rule) { rules.append(rule) }
            return GuardRefusal(
                rule: rules.joined(separator: ", "),
                message: found.map(\.description).joined(separator: "; "),
                remedy: found.map(\.remedy).joined(separator: "; "))
        }
        register(guard: "reviewer-not-submitter") { context in
            guard let subject = context.subject?.quarterlyReturn, let submitter = subject.submittedBy else {
                return nil
            }
            guard submitter == context.act.actor.name else { return nil }
            return GuardRefusal(
                rule: "reviewer-not-submitter",
                message: "\(submitter) submitted this return and may not review it",
                remedy: "ask another officer or finance to review it")
        }
    }
}
