import OPCCCore
import OPCCStore

/// The workflow acts on a decision (submit, sign, refer, decide), each through the one act runner, and the number
/// a decision is given when it is decided.
extension Commissioning {
    // MARK: Workflow acts

    /// A decision record for the act runner: the record and its office's profile for the guards; the Part 1
    /// deadline set by the workflow's effect; another office's record answered as `unseen`.
    func decisionKind(_ unseen: ServiceRefusal) -> RecordKind<DecisionRecord> {
        RecordKind(
            unseen: { _ in unseen },
            load: { instance, tx in try tx.decision(id: instance.id) },
            subject: { record, instance, tx in
                .decision(DecisionSubject(record: record, profile: try self.profile(of: instance.office, in: tx)))
            },
            save: { record, instance, tx in try tx.saveDecision(record, instanceID: instance.id) },
            setDeadline: { record, kind, day in
                switch kind {
                case .part1Publication: record.part1Deadline = day
                }
            })
    }

    /// One act on a decision record, as data: what the CLI, the web and the historic import all perform.
    public enum DecisionAct: Sendable {
        /// Submit; the first submission allocates the number (an import gives the historic one).
        case submit(number: String?)
        case signOff(position: String, name: String, initials: String?)
        case refer
        case returnForRevision(reason: String)
        /// `urgency`: the recorded reason a key decision is taken without the forward plan's notice (nil: none).
        case decide(approve: Bool, interests: String, prejudicialInterest: Bool, urgency: String? = nil)
        case deferPublication(reason: String, until: Day?)
        case publish
        case withdraw(reason: String)
        /// The Commissioner notes a decision the delegate took (decision-request version 2, where the office's
        /// delegation asks for it).
        case note

        var event: String {
            switch self {
            case .submit: return "submit"
            case .signOff: return "sign-off"
            case .refer: return "refer"
            case .returnForRevision: return "return-for-revision"
            case .decide(let approve, _, _, _): return approve ? "approve" : "decline"
            case .deferPublication: return "defer"
            case .publish: return "publish"
            case .withdraw: return "withdraw"
            case .note: return "note"
            }
        }

        var payload: [String: String] {
            switch self {
            case .submit, .refer, .publish, .note: return [:]
            case .signOff(let position, let name, let initials):
                return ["position": position, "name": name].merging(initials.map { ["initials": $0] } ?? [:]) { a, _ in
                    a
                }
            case .returnForRevision(let reason), .withdraw(let reason): return ["reason": reason]
            case .decide(_, let interests, let prejudicial, let urgency):
                return ["interests": interests, "prejudicialInterest": prejudicial ? "true" : "false"]
                    .merging(urgency.map { ["urgency": $0] } ?? [:]) { a, _ in a }
            case .deferPublication(let reason, let until):
                return ["reason": reason].merging(until.map { ["until": $0.iso] } ?? [:]) { a, _ in a }
            }
        }
    }

    /// Performs an act on a decision record: the workflow decides, and on acceptance the record changes with it in
    /// the same transaction (its own, or `open` when an import replays many acts as one).
    @discardableResult
    public func perform(
        _ act: DecisionAct, on id: String, by actorName: String, role: Role? = nil, on day: Day? = nil,
        expectedVersion: Int? = nil
    ) async throws -> DecisionView {
        let (request, kind, change) = try decisionRun(
            act, on: id, by: actorName, role: role, on: day, historic: nil, expectedVersion: expectedVersion)
        return Self.view(try await runLogged(request, on: kind, change: change))
    }

    /// `perform` inside an open transaction, when an import replays many acts as one.
    func perform(
        _ act: DecisionAct, on id: String, by actorName: String, role: Role?, on day: Day?, historic: Actor?,
        in open: any StoreTransaction
    ) throws -> DecisionView {
        let (request, kind, change) = try decisionRun(
            act, on: id, by: actorName, role: role, on: day, historic: historic, expectedVersion: nil)
        return Self.view(try runInside(request, on: kind, in: open, logged: false, change: change))
    }

    /// The runner's request, record kind and change for one act on a decision record.
    private func decisionRun(
        _ act: DecisionAct, on id: String, by actorName: String, role: Role?, on day: Day?, historic: Actor?,
        expectedVersion: Int?
    ) throws -> (ActRequest, RecordKind<DecisionRecord>, RecordChange<DecisionRecord>) {
        let act = try act.checkedTexts()
        var request = ActRequest(
            act.event, on: id, by: actorName, role: role, on: day, expectedVersion: expectedVersion,
            payload: act.payload)
        request.historicActor = historic
        request.overridingGuards = historic != nil
        let update = decisionChange(act, by: actorName, historic: historic)
        let change: RecordChange<DecisionRecord> = { record, accepted, day, tx in
            let extra = try update(&record, accepted, day, tx)
            for exception in accepted.exceptions {
                record.exceptions.append(
                    FlaggedException(rule: exception.rule, message: exception.message, act: act.event, day: day))
            }
            return extra
        }
        return (request, decisionKind(noDecision(id, office: nil)), change)
    }

    private static func view(_ acted: Acted<DecisionRecord>) -> DecisionView {
        DecisionView(
            record: acted.record!.withoutPart2Content, status: acted.fired.instance.state,
            version: acted.fired.instance.version)
    }

    /// What an accepted act changes in the decision record (the effects, such as the Part 1 deadline, are performed
    /// by the act runner before it), returning extra audit payload.
    private func decisionChange(
        _ act: DecisionAct, by actorName: String, historic: Actor?
    ) -> RecordChange<DecisionRecord> {
        let recordedBy = historic?.name ?? actorName
        return { record, accepted, day, tx in
            switch act {
            case .submit(let number):
                guard record.number == nil else { return [:] }
                let allocated = try self.allocateNumber(for: record, on: day, given: number, in: tx)
                record.number = allocated.text
                // A given number's year or term must be its date's: refused when given by hand, and flagged like
                // the other historic exceptions when an import replays a past record.
                if let disagreement = allocated.disagreement {
                    guard historic != nil else {
                        throw ServiceRefusal(
                            coreRule: NumberDateDisagreement.rule,
                            message: "\(disagreement.description): \(disagreement.remedy)")
                    }
                    record.exceptions.append(
                        FlaggedException(
                            rule: NumberDateDisagreement.rule, message: disagreement.description, act: act.event,
                            day: day))
                }
                return ["number": allocated.text]
            case .signOff(let position, let name, let initials):
                record.signOffs.append(
                    SignOff(position: position, name: name, initials: initials, day: day, recordedBy: recordedBy))
            case .refer, .withdraw:
                break
            case .returnForRevision:
                // The sign-offs were given to another text; the number is kept.
                record.signOffs = []
            case .decide(let approve, let interests, _, let urgency):
                try self.checkForwardPlanNotice(
                    &record, decidedOn: day, urgency: urgency, historic: historic != nil, in: tx)
                // The notice says who decided as the form would: the person's name ("Police and Crime Commissioner
                // for Cumbria"), never their sign-in name ("cumbria.pcc"), which the audit log keeps.
                let displayName = try tx.person(named: actorName)?.displayName ?? ""
                let decisionMaker = historic?.name ?? (displayName.isBlank ? actorName : displayName)
                record.decision = DecisionTaken(
                    outcome: approve ? .approved : .notApproved, decisionMaker: decisionMaker, role: accepted.role,
                    day: day, interestsDeclared: interests,
                    delegation: try self.delegationUsed(by: accepted.role, on: record, in: tx))
                // A grant round's decision allocates its awards and drafts their agreements in this transaction.
                if historic == nil {
                    try self.roundDecided(
                        record, approved: approve, by: actorName, role: accepted.role, on: day, in: tx)
                }
                // The workflow's `start-publication-clock` effect has set the Part 1 deadline already.
                return ["part1Deadline": record.part1Deadline?.iso ?? ""]
            case .deferPublication(let reason, let until):
                record.publication = PublicationChoice(deferred: true, reason: reason, until: until)
                record.part1Deadline = until
            case .publish:
                record.publishedOn = day
            case .note:
                let displayName = try tx.person(named: actorName)?.displayName ?? ""
                record.noting = DecisionNoting(
                    notedBy: historic?.name ?? (displayName.isBlank ? actorName : displayName), day: day,
                    recordedBy: recordedBy)
            }
            return [:]
        }
    }

    /// The delegation a decision by `role` is taken under, as the office profile states it today: nil when the
    /// Commissioner decides. Noting is asked for only where the record's workflow version has the `note` act, so a
    /// record pinned to version 1 is never left waiting for an act it cannot take.
    private func delegationUsed(
        by role: Role, on record: DecisionRecord, in tx: any StoreTransaction
    ) throws -> DelegationUsed? {
        guard role != .commissioner, let delegation = try profile(of: record.office, in: tx).decisionDelegation,
            delegation.role == role
        else { return nil }
        let instance = try tx.instance(id: record.id)
        let notes =
            instance.flatMap { catalog.definition($0.workflow, version: $0.workflowVersion) }?.transitions
            .contains { $0.event == "note" } ?? false
        return DelegationUsed(
            role: role, upTo: delegation.upTo, notingRequired: delegation.notedByCommissioner && notes)
    }

    @discardableResult
    public func submitDecision(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws -> DecisionView {
        try await perform(.submit(number: nil), on: id, by: actorName, on: day, expectedVersion: expectedVersion)
    }

    /// Records one required sign-off: a declaration, an initialled consultation or an officer approval.
    @discardableResult
    public func signDecision(
        _ id: String, position: String, name: String, initials: String? = nil, by actorName: String,
        on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws -> DecisionView {
        try await perform(
            .signOff(position: position, name: name, initials: initials), on: id, by: actorName, on: day,
            expectedVersion: expectedVersion)
    }

    @discardableResult
    public func referDecision(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws -> DecisionView {
        try await perform(.refer, on: id, by: actorName, on: day, expectedVersion: expectedVersion)
    }

    /// The decision-maker's decision, with their declaration of interests. Starts the Part 1 publication clock.
    @discardableResult
    public func decide(
        _ id: String, approve: Bool, interests: String, prejudicialInterest: Bool = false, urgency: String? = nil,
        by actorName: String, role: Role? = nil, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws -> DecisionView {
        try await perform(
            .decide(
                approve: approve, interests: interests, prejudicialInterest: prejudicialInterest, urgency: urgency),
            on: id,
            by: actorName, role: role, on: day, expectedVersion: expectedVersion)
    }

    /// The Commissioner's noting of a decision the delegate took: a dated act of its own, where the office's
    /// delegation asks for it (`decisionDelegation.notedByCommissioner`).
    @discardableResult
    public func noteDecision(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws -> DecisionView {
        try await perform(.note, on: id, by: actorName, on: day, expectedVersion: expectedVersion)
    }

    /// The record's number: the next in its period's sequence, or the one given (an import's historic number), with
    /// where the given one disagrees with the day.
    func allocateNumber(
        for record: DecisionRecord, on day: Day, given: String?, in tx: any StoreTransaction
    ) throws
        -> (text: String, disagreement: NumberDateDisagreement?)
    {
        let template = try profile(of: record.office, in: tx).numbering
        if let given {
            guard let parsed = template.parse(given) else {
                throw ServiceRefusal(
                    rule: .decisionNumberForm,
                    message: "'\(given)' is not a number in this office's form (\(template.text))")
            }
            try tx.noteDecisionSequence(
                office: record.office, key: template.sequenceKey(for: parsed.period), sequence: parsed.sequence)
            return (parsed.text, template.disagreement(of: parsed, on: day))
        }
        let period = try template.period(on: day)
        let sequence = try tx.nextDecisionSequence(
            office: record.office, key: template.sequenceKey(for: period), atLeast: 1)
        return (template.format(sequence: sequence, period: period).text, nil)
    }
}
