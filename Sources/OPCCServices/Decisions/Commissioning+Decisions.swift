import OPCCCore
import OPCCStore

/// Decision records end to end: raise, edit, submit, sign off, refer, return, decide, defer, publish, withdraw,
/// correct; Part 2 kept sealed; the register. Each use case is one transaction; the `decision-request` workflow and
/// its guards decide what may happen.
extension Commissioning {
    /// A decision as a reader sees it: the record (Part 2 content removed) and its workflow state.
    public struct DecisionView: Sendable {
        public let record: DecisionRecord
        public let status: String
        public let version: Int
        /// The version of the office profile the record's instance was created under (set where a record's details
        /// are shown; nil elsewhere).
        public var profileVersion: Int? = nil
    }

    // MARK: Finding records

    /// Finds a record by id (`cumbria-DR-0001`) or by decision number in the office's own form, treating `44/2020`
    /// and `044/2020` as one.
    public func decisionID(_ reference: String, office: String?) async throws -> String {
        try await store.read { tx in try decisionID(reference, office: office, in: tx) }
    }

    func decisionID(_ reference: String, office: String?, in tx: any StoreTransaction) throws -> String {
        // An existence check only: decoding the record's Part 1 here cost as much as the read that follows.
        if try tx.decisionInstanceID(recordID: reference) != nil { return reference }
        let offices = try office.map { [$0] } ?? tx.offices().map(\.id)
        var found: [String] = []
        for id in offices {
            let profile = try self.profile(of: id, in: tx)
            let canonical = profile.numbering.parse(reference)?.text ?? reference
            if let recordID = try tx.decisionID(office: id, number: canonical) { found.append(recordID) }
        }
        guard !found.isEmpty else { throw noDecision(reference, office: office) }
        guard found.count == 1 else {
            throw ServiceRefusal(
                rule: .officeRequired, message: "'\(reference)' names a record in several offices: say which office")
        }
        return found[0]
    }

    /// The refusal for a decision record that is not there for the reader: missing, or one they may not see (another
    /// office's, or unpublished to the public). Both read the same, word for word.
    func noDecision(_ reference: String, office: String?) -> ServiceRefusal {
        .notFound(
            rule: .knownDecision, message: "no decision record '\(reference)'\(office.map { " in \($0)" } ?? "")")
    }

    /// The record for a reader, without Part 2 content. The public sees published records only.
    public func showDecision(
        _ reference: String, office: String? = nil, by actorName: String?
    ) async throws -> DecisionView {
        try await store.read { tx in
            let id = try decisionID(reference, office: office, in: tx)
            guard let record = try tx.decision(id: id), let instance = try tx.instance(id: id) else {
                throw noDecision(reference, office: office)
            }
            // No name is the public, who read published records only; so do people outside the office.
            let person = try actorName.map { try actor(named: $0, in: tx) }
            let roles = person?.actor.roles(covering: nil) ?? [.public]
            let insider = person?.office == record.office && !roles.subtracting([.public, .projectBoardMember]).isEmpty
            // A record the reader may not see answers exactly as a missing one does: nothing tells an outsider
            // that the office holds it, nor in what state.
            guard insider || instance.state == "published" else {
                throw noDecision(reference, office: office)
            }
            return DecisionView(
                record: record.withoutPart2Content, status: instance.state, version: instance.version,
                profileVersion: try tx.instanceProfileVersion(id: instance.id))
        }
    }

    // MARK: Raising and editing

    /// Raises a new draft record for `office`, written by `actorName` (an officer).
    @discardableResult
    public func raiseDecision(
        office: String, draft: DecisionDraft, by actorName: String, on day: Day? = nil
    ) async throws -> DecisionRecord {
        let profile = try await self.profile(of: office)
        guard let title = draft.title else {
            throw ServiceRefusal(rule: .validDecisionField, message: "title: a new record needs a title")
        }
        var record = DecisionRecord(id: "", office: office, title: title, originatingOfficer: actorName)
        try draft.apply(to: &record, profile: profile)
        return try await store.write { [record] tx in
            var record = record
            // The id is taken inside the write transaction, so two raises at once cannot take the same one.
            record.id = try nextRecordID(office: office, in: tx)
            _ = try startInstance(
                id: record.id, office: office, workflow: "decision-request", recordRef: record.id, by: actorName,
                role: .officer, on: day, in: tx, payload: [:]
            ) { [record] tx in try tx.saveDecision(record, instanceID: record.id) }
            return record
        }
    }

    /// The next record id of an office: `cumbria-DR-0001`, `cumbria-DR-0002`, …
    func nextRecordID(office: String, in tx: any StoreTransaction) throws -> String {
        Self.recordID(office: office, kind: "DR", existing: try tx.decisionCount(office: office))
    }

    /// Changes a draft. Only drafts change this way: once submitted, a record moves by its workflow, and after a
    /// decision a change is a `correct` act. An edit runs through the act runner: it bumps the version.
    @discardableResult
    public func editDecision(
        _ reference: String, office: String? = nil, draft: DecisionDraft, by actorName: String, on day: Day? = nil,
        expectedVersion: Int? = nil
    ) async throws -> DecisionRecord {
        let id = try await decisionID(reference, office: office)
        var request = ActRequest(
            "edit", on: id, by: actorName, on: day, expectedVersion: expectedVersion,
            payload: ["fields": draft.fieldNames.joined(separator: ", ")])
        request.edit = Edit { instance, _, person, _ in
            switch DecisionEdit.draft.role(
                state: instance.state, decided: false, held: person.actor.roles(covering: instance.id))
            {
            case .success(let role): return role
            case .failure(.notNow):
                throw ServiceRefusal(
                    rule: .editOnlyInDraft,
                    message: "the record is \(instance.state): only drafts are edited; return it for revision first, "
                        + "or after a decision record a correction")
            case .failure(.roleRequired):
                throw ServiceRefusal.forbidden(rule: .roleRequired, message: "editing a draft needs the officer role")
            }
        }
        return try await store.write { [request] tx in
            let acted = try runInside(
                request, on: decisionKind(noDecision(reference, office: office)), in: tx, logged: false
            ) { record, _, _, tx in
                try draft.apply(to: &record, profile: try self.profile(of: record.office, in: tx))
                return [:]
            }
            return acted.record!
        }
    }

    /// Corrects Part 1 after a decision. Nothing is overwritten silently: the correction is a new audited event
    /// (state unchanged) naming the fields changed and the reason; the earlier text stays in the audit trail of
    /// the act that set it.
    @discardableResult
    public func correctDecision(
        _ reference: String, office: String? = nil, draft: DecisionDraft, reason: String, by actorName: String,
        on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws -> DecisionView {
        guard !reason.isBlank else {
            throw ServiceRefusal(rule: .reasonGiven, message: "a correction needs a reason")
        }
        let reason = try checkedText(reason, "reason", .short)
        guard draft.part2 == nil else {
            throw ServiceRefusal(rule: .part2NotCorrectedHere, message: "Part 2 is not corrected through Part 1")
        }
        let id = try await decisionID(reference, office: office)
        var request = ActRequest(
            "correct", on: id, by: actorName, on: day, expectedVersion: expectedVersion,
            payload: ["fields": draft.fieldNames.joined(separator: ", "), "reason": reason])
        let today = clock.today()
        request.edit = Edit { instance, subject, person, effective in
            let role: Role
            switch DecisionEdit.correction.role(
                state: instance.state, decided: subject?.decision?.record.decision != nil,
                held: person.actor.roles(covering: instance.id))
            {
            case .success(let r): role = r
            case .failure(.notNow):
                throw ServiceRefusal(
                    rule: .correctionsAfterDecision,
                    message: "the record is \(instance.state): before a decision, return it for revision and edit it")
            case .failure(.roleRequired):
                throw ServiceRefusal.forbidden(
                    rule: .roleRequired, message: "a correction needs the officer or chief-executive role")
            }
            guard effective <= today, effective >= (instance.lastEffectiveDay ?? effective) else {
                throw ServiceRefusal(
                    rule: .effectiveDatesNeverGoBackwards,
                    message: "a correction is dated on or after the record's last act and not after today")
            }
            return role
        }
        return try await store.write { [request] tx in
            let acted = try runInside(
                request, on: decisionKind(noDecision(reference, office: office)), in: tx, logged: false
            ) { record, _, _, tx in
                try draft.apply(to: &record, profile: try self.profile(of: record.office, in: tx))
                return [:]
            }
            return DecisionView(
                record: acted.record!.withoutPart2Content, status: acted.fired.instance.state,
                version: acted.fired.instance.version)
        }
    }

    // MARK: Part 2

    /// Reads Part 2's content. Only the roles the office profile names may; every read is an audited event (which
    /// records the read, never the content).
    public func readPart2(
        _ reference: String, office: String? = nil, by actorName: String, on day: Day? = nil
    ) async throws
        -> String
    {
        try await store.write { tx in
            let id = try decisionID(reference, office: office, in: tx)
            let person = try actor(named: actorName, in: tx)
            // Another office's Part 2 is not there for this person: the answer is a missing record's, and no
            // message names that office's readers.
            guard let record = try tx.decision(id: id), let instance = try tx.instance(id: id),
                person.office == record.office
            else {
                throw noDecision(reference, office: office)
            }
            let readers = try profile(of: record.office, in: tx).part2Readers
            guard let role = readers.first(where: person.actor.roles(covering: id).contains) else {
                throw ServiceRefusal.forbidden(
                    rule: .part2ReadersOnly,
                    message: "Part 2 may be read only by " + readers.map(\.rawValue).joined(separator: ", ")
                        + " of \(record.office)")
            }
            guard record.part2.exists, let content = record.part2.content else {
                throw ServiceRefusal(rule: .part2Exists, message: "record \(record.number ?? id) has no Part 2")
            }
            try tx.append(
                AuditEventDraft(
                    office: record.office, instanceID: id, workflow: instance.workflow,
                    workflowVersion: instance.workflowVersion, event: "part2-read", fromState: instance.state,
                    toState: instance.state, actor: actorName, role: role.rawValue, effectiveDay: day ?? clock.today(),
                    recordedAt: clock.timestamp(), payload: ["record": record.number ?? id]))
            return content
        }
    }

    // MARK: Register

    /// The register: Part 1 facts only, filtered. People outside the office, and the public, see published records.
    /// A search that reads as a decision number of an office, in any spelling it accepts, also finds that record.
    public func decisionRegister(_ filter: DecisionFilter, by actorName: String?) async throws -> [DecisionRegisterRow]
    {
        try await store.read { tx in try tx.decisionRegister(try readable(filter, by: actorName, in: tx)) }
    }

    /// One page of the register as `decisionRegister` filters it: `limit` rows (1 to 500) after `cursor` (the
    /// previous page's `next`), then `offset` skipped, with how many rows the whole filter holds. Only the page is
    /// read, so a page of the national register costs what a page of one office's does. A `filter.sort` other than
    /// the register's own order is paged by `offset` only: the cursor is ignored and `next` is nil.
    public func decisionRegisterPage(
        _ filter: DecisionFilter, limit: Int = 50, offset: Int = 0, after cursor: RegisterCursor? = nil,
        by actorName: String?
    ) async throws -> DecisionRegisterPage {
        try await store.read { tx in
            try decisionRegisterPage(filter, limit: limit, offset: offset, after: cursor, by: actorName, in: tx)
        }
    }

    /// A page of the register as `decisionRegisterPage` gives it and every office's id and name, in one read
    /// transaction: what a public register shows (each row's office by name, and a link to every office's register).
    /// With `forwardPlanOf`, also whether that office publishes a forward plan (false for an office there is not).
    public func decisionRegisterPageAndOffices(
        _ filter: DecisionFilter, limit: Int = 50, offset: Int = 0, after cursor: RegisterCursor? = nil,
        by actorName: String?, forwardPlanOf office: String? = nil
    ) async throws -> (page: DecisionRegisterPage, offices: [(id: String, name: String)], forwardPlan: Bool) {
        try await store.read { tx in
            let offices = try tx.officeNames()
            let plan =
                try office.map { id in
                    try offices.contains { $0.id == id } && profile(of: id, in: tx).forwardPlan != nil
                } ?? false
            return (
                try decisionRegisterPage(filter, limit: limit, offset: offset, after: cursor, by: actorName, in: tx),
                offices, plan
            )
        }
    }

    private func decisionRegisterPage(
        _ filter: DecisionFilter, limit: Int, offset: Int, after cursor: RegisterCursor?, by actorName: String?,
        in tx: any StoreTransaction
    ) throws -> DecisionRegisterPage {
        let limit = min(max(limit, 1), 500)
        let offset = max(offset, 0)
        // One row more than the page says whether another page follows.
        let (rows, total) = try tx.decisionRegisterPage(
            try readable(filter, by: actorName, in: tx), limit: limit + 1, offset: offset, after: cursor)
        let page = Array(rows.prefix(limit))
        return DecisionRegisterPage(
            rows: page, total: total,
            next: rows.count > limit && filter.sort == .register ? page.last.map(RegisterCursor.init(after:)) : nil)
    }

    /// `filter` narrowed to what `actorName` may read (people outside the office and the public: published records
    /// only), with the decision numbers its search text spells.
    private func readable(
        _ filter: DecisionFilter, by actorName: String?, in tx: any StoreTransaction
    ) throws -> DecisionFilter {
        let person = try actorName.map { try actor(named: $0, in: tx) }
        let roles = person?.actor.roles(covering: nil) ?? [.public]
        let insider = !roles.subtracting([.public, .projectBoardMember]).isEmpty
        var filter = filter
        if let text = filter.text { filter.numbers = try decisionNumbers(in: SearchText(text), filter, in: tx) }
        filter.readableBy = insider ? person.map { .insider(office: $0.office) } ?? .published : .published
        return filter
    }

    /// The number `search` spells in each office the filter covers (an unknown office covers none), in the
    /// office's own spelling.
    private func decisionNumbers(
        in search: SearchText, _ filter: DecisionFilter, in tx: any StoreTransaction
    ) throws -> [(office: String, number: String)] {
        // Most searches are words: only a text with a digit can be a number, and only then is each office's
        // profile read for its numbering.
        guard !search.isEmpty, search.mayBeADecisionNumber else { return [] }
        return try tx.offices().map(\.id).filter { filter.office == nil || filter.office == $0 }.compactMap { office in
            try search.decisionNumber(in: profile(of: office, in: tx).numbering).map { (office, $0.text) }
        }
    }
}
