/// Why a decision record may not move on, in the terms of the office's own form. Each case names its rule and says
/// what to do; the guards in `WorkflowRegistry.decisionGuards` turn them into refusals.
public enum DecisionRefusal: Hashable, Sendable, CustomStringConvertible {
    /// Cumbria's form asks for a précis "not more than 100 words".
    case executiveSummaryTooLong(words: Int, limit: Int)
    /// "If Yes, please ensure Part 2 form is completed prior to submission."
    case part2Incomplete
    /// A sign-off names a position the office profile does not require.
    case unknownSignatory(position: String, known: [String])
    /// That position has already signed.
    case alreadySigned(position: String)
    /// The sign-off must be recorded by someone holding the position's role (an approval by the Chief Executive).
    case signatoryRoleRequired(position: String, role: Role)
    /// The signatory's name is missing.
    case signatoryNameMissing(position: String)
    /// The decision must carry the decision-maker's declaration of personal or prejudicial interests.
    case interestsNotDeclared
    /// The actor may not take this decision (not the Commissioner, nor a delegate within their limit).
    case decisionMakerNotAuthorised(actorRole: Role, reason: String)
    /// A prejudicial interest passes the decision to the delegate, or there is none to pass it to.
    case prejudicialInterest(delegate: Role?)
    /// The office requires an until-date for a deferral.
    case deferralNeedsUntilDate
    /// The deferral's until-date is before the decision.
    case deferralDateBeforeDecision(until: Day, decided: Day)
    /// Only a decision the delegate took is noted by the Commissioner.
    case notingOfDelegatedDecisionsOnly
    /// The office's delegation does not ask the Commissioner to note delegated decisions.
    case notingNotRequired
    /// The Commissioner has already noted this decision.
    case alreadyNoted(on: Day)
    /// A delegated decision the office asks the Commissioner to note is published once noted.
    case notNotedYet

    public var rule: String {
        switch self {
        case .executiveSummaryTooLong: return "executive-summary-word-limit"
        case .part2Incomplete: return "part2-complete-before-submission"
        case .unknownSignatory: return "known-signatory-position"
        case .alreadySigned: return "one-sign-off-per-position"
        case .signatoryRoleRequired: return "sign-off-by-role-holder"
        case .signatoryNameMissing: return "signatory-named"
        case .interestsNotDeclared: return "declaration-of-interests"
        case .decisionMakerNotAuthorised: return "decision-maker-authorised"
        case .prejudicialInterest: return "prejudicial-interest-passes-to-delegate"
        case .deferralNeedsUntilDate: return "deferral-needs-until-date"
        case .deferralDateBeforeDecision: return "deferral-date-after-decision"
        case .notingOfDelegatedDecisionsOnly: return "noting-of-delegated-decisions-only"
        case .notingNotRequired: return "noting-where-the-office-requires-it"
        case .alreadyNoted: return "noted-once"
        case .notNotedYet: return "noted-before-publication"
        }
    }

    public var description: String {
        switch self {
        case .executiveSummaryTooLong(let words, let limit):
            return "the executive summary is too long (words: \(words), limit: \(limit))"
        case .part2Incomplete:
            return "the record has a Part 2 whose content is not complete"
        case .unknownSignatory(let position, let known):
            return "'\(position)' is not a sign-off this office requires (it requires: "
                + known.joined(separator: ", ") + ")"
        case .alreadySigned(let position):
            return "'\(position)' has already signed this record"
        case .signatoryRoleRequired(let position, let role):
            return "the \(position) sign-off must be given by someone holding the role \(role)"
        case .signatoryNameMissing(let position):
            return "the \(position) sign-off needs the signatory's name"
        case .interestsNotDeclared:
            return "the decision-maker has not declared their personal or prejudicial interests"
        case .decisionMakerNotAuthorised(let role, let reason):
            return "the role \(role) may not take this decision: \(reason)"
        case .prejudicialInterest(let delegate):
            return delegate.map { "a prejudicial interest was declared, so the decision passes to the \($0)" }
                ?? "a prejudicial interest was declared and the office names no delegate to take the decision"
        case .deferralNeedsUntilDate:
            return "this office requires a date until which publication is deferred"
        case .deferralDateBeforeDecision(let until, let decided):
            return "publication cannot be deferred until \(until.iso), before the decision on \(decided.iso)"
        case .notingOfDelegatedDecisionsOnly:
            return "the Commissioner took this decision: only a decision taken under delegation is noted"
        case .notingNotRequired:
            return "this office's delegation does not ask the Commissioner to note delegated decisions"
        case .alreadyNoted(let day):
            return "the Commissioner has already noted this decision (on \(day.iso))"
        case .notNotedYet:
            return "the Commissioner has not yet noted this delegated decision, and it is published once noted"
        }
    }

    /// What to do about it, in the words of the form (the field's label), never a command-line flag: the web shows
    /// this to people filling in a page.
    public var remedy: String {
        switch self {
        case .executiveSummaryTooLong(_, let limit): return "shorten the summary to \(limit) words or fewer"
        case .part2Incomplete: return "complete the Part 2 content and mark it complete before submitting"
        case .unknownSignatory: return "record one of the positions the office profile lists"
        case .alreadySigned: return "a correction to a sign-off is recorded as a correction, not a second sign-off"
        case .signatoryRoleRequired(_, let role): return "ask a person holding \(role) to record it"
        case .signatoryNameMissing: return "give the signatory's name as it appears on the form"
        case .interestsNotDeclared:
            return "fill in the declaration of interests (\"none\" when there are none)"
        case .decisionMakerNotAuthorised: return "refer it to the Commissioner"
        case .prejudicialInterest(let delegate):
            return delegate.map { "the \($0) takes the decision instead" } ?? "record who will decide, then retry"
        case .deferralNeedsUntilDate: return "give the date until which publication is deferred"
        case .deferralDateBeforeDecision: return "give a date on or after the decision"
        case .notingOfDelegatedDecisionsOnly, .notingNotRequired: return "nothing needs noting"
        case .alreadyNoted: return "a noting is recorded once; correct Part 1 if it needs a change"
        case .notNotedYet: return "ask the Commissioner to note it, then publish"
        }
    }

    public var guardRefusal: GuardRefusal { GuardRefusal(rule: rule, message: description, remedy: remedy) }
}

/// The rules of the decision form, as pure functions of the record, the office profile and the act.
public enum DecisionRules {
    /// Words are whitespace-separated tokens (how Cumbria's 100-word précis limit is counted).
    public static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }

    public static func checkSummary(_ record: DecisionRecord, profile: OfficeProfile) -> DecisionRefusal? {
        guard let limit = profile.executiveSummaryWordLimit else { return nil }
        let words = wordCount(record.executiveSummary)
        return words > limit ? .executiveSummaryTooLong(words: words, limit: limit) : nil
    }

    public static func checkPart2(_ record: DecisionRecord) -> DecisionRefusal? {
        guard record.part2.exists else { return nil }
        let content = record.part2.content ?? ""
        return record.part2.complete && !content.isBlank ? nil : .part2Incomplete
    }

    /// The required sign-offs not yet recorded, as the form titles them.
    public static func missingSignOffs(_ record: DecisionRecord, profile: OfficeProfile) -> [String] {
        profile.signatories.filter { s in !record.signOffs.contains { $0.position == s.position } }.map(\.title)
    }

    /// Whether `actorRoles` may record the sign-off for `position` named `name`.
    public static func checkSignOff(
        position: String, name: String, actorRoles: Set<Role>, record: DecisionRecord, profile: OfficeProfile
    ) -> DecisionRefusal? {
        guard let signatory = profile.signatories.first(where: { $0.position == position }) else {
            return .unknownSignatory(position: position, known: profile.signatories.map(\.position))
        }
        if record.signOffs.contains(where: { $0.position == position }) { return .alreadySigned(position: position) }
        if name.isBlank { return .signatoryNameMissing(position: position) }
        guard actorRoles.contains(signatory.role) else {
            return .signatoryRoleRequired(position: position, role: signatory.role)
        }
        return nil
    }

    /// Whether someone acting in `role` may take the decision on `record`, given their declaration.
    public static func checkDecisionMaker(
        role: Role, prejudicialInterest: Bool, record: DecisionRecord, profile: OfficeProfile
    ) -> DecisionRefusal? {
        let delegation = profile.decisionDelegation
        if role == .commissioner {
            return prejudicialInterest ? .prejudicialInterest(delegate: delegation?.role) : nil
        }
        guard let delegation, delegation.role == role else {
            return .decisionMakerNotAuthorised(actorRole: role, reason: "only the Commissioner decides in this office")
        }
        if let limit = delegation.upTo, let amount = record.amount, amount > limit {
            return .decisionMakerNotAuthorised(
                actorRole: role, reason: "the delegation covers decisions up to \(limit), and this one is \(amount)")
        }
        return nil
    }

    public static func checkDeferral(
        until: Day?, record: DecisionRecord, profile: OfficeProfile
    ) -> DecisionRefusal? {
        guard let until else { return profile.deferralNeedsUntilDate ? .deferralNeedsUntilDate : nil }
        if let decided = record.decision?.day, until < decided {
            return .deferralDateBeforeDecision(until: until, decided: decided)
        }
        return nil
    }

    /// Whether the Commissioner may note `record` now: a decision taken under delegation whose delegation asked for
    /// noting (as the decision recorded it on the day, so a later profile change rewrites nothing; a record decided
    /// before noting existed, or on version 1 of the workflow, has none to give), not noted yet.
    public static func checkNoting(_ record: DecisionRecord) -> DecisionRefusal? {
        guard let decision = record.decision, decision.isDelegated else { return .notingOfDelegatedDecisionsOnly }
        guard decision.delegation?.notingRequired == true else { return .notingNotRequired }
        if let noting = record.noting { return .alreadyNoted(on: noting.day) }
        return nil
    }

    /// Whether a delegated decision may be published: not while it waits for the Commissioner's noting.
    public static func checkNotedBeforePublication(_ record: DecisionRecord) -> DecisionRefusal? {
        awaitsNoting(record) ? .notNotedYet : nil
    }

    /// Whether a delegated decision still waits for the Commissioner's noting (shown on the record and the notice).
    public static func awaitsNoting(_ record: DecisionRecord) -> Bool {
        record.noting == nil && record.decision?.delegation?.notingRequired == true
    }

    /// Part 1 overdue: the record has a Part 1 deadline, is not published nor withdrawn, and the deadline was before
    /// `today` (on the deadline day itself it is still in time). The one statement of the rule: the store's
    /// `overdueOn` filter is the same rule in SQL, and a test checks the two agree on the days around a deadline.
    public static func isPart1Overdue(state: String, part1Deadline: Day?, publishedOn: Day?, today: Day) -> Bool {
        guard let part1Deadline, publishedOn == nil else { return false }
        return !["published", "withdrawn"].contains(state) && part1Deadline < today
    }

    /// The Part 1 publication deadline: the decision's effective date plus the office's working days.
    public static func part1Deadline(decidedOn day: Day, profile: OfficeProfile, calendar: WorkingDayCalendar) -> Day {
        calendar.adding(workingDays: profile.part1DeadlineWorkingDays, to: day)
    }
}

/// What the decision guards see: the record and its office's profile.
public struct DecisionSubject: Sendable {
    public let record: DecisionRecord
    public let profile: OfficeProfile

    public init(record: DecisionRecord, profile: OfficeProfile) {
        self.record = record
        self.profile = profile
    }

    public var missingSignOffs: [String] { DecisionRules.missingSignOffs(record, profile: profile) }
}
