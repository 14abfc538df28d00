import OPCCCore
import OPCCStore

/// Quarterly returns (the `quarterly-return` workflow): scheduled when an agreement becomes active, written and
/// submitted by the grant's own project board, reviewed by officers or finance, and tied to payments.
extension Commissioning {
    // MARK: Scheduling

    /// Schedules a return for every financial quarter the agreement covers, or its one end-of-grant report when it asks
    /// for one, inside the activation's transaction.
    func scheduleReturns(
        for agreement: GrantAgreement, by actorName: String, on day: Day, in tx: any StoreTransaction
    ) throws -> [String] {
        let profile = try profile(of: agreement.office, in: tx)
        let schedule = ReturnSchedule.returns(
            owedUnder: agreement, calendar: engine.calendar, returnDueWorkingDays: profile.returnDueWorkingDays)
        var ids: [String] = []
        for scheduled in schedule {
            let id = Self.recordID(
                office: agreement.office, kind: "QR", existing: try tx.returnCount(office: agreement.office))
            _ = try startInstance(
                id: id, office: agreement.office, workflow: "quarterly-return", recordRef: agreement.id, by: actorName,
                role: .finance, on: day, in: tx,
                payload: [
                    "agreement": agreement.id, "quarter": scheduled.label, "due": scheduled.dueOn.iso,
                ]
            ) { tx in
                try tx.insertReturn(
                    ReturnRecord(
                        id: id, office: agreement.office, agreementID: agreement.id, schedule: scheduled, versions: []))
            }
            ids.append(id)
        }
        return ids
    }

    // MARK: Who may see a return

    /// The role the person reads or writes returns of `agreementID` in: a project board member only for its own
    /// grants; the office's officers, finance, chief executive, Commissioner and auditors for all of them.
    /// A return (or agreement) the person may not see is refused exactly as a missing one is: `returnID` names the
    /// return asked for, if it was one.
    func returnAccess(
        _ actorName: String, office: String, agreementID: String, returnID: String? = nil, in tx: any StoreTransaction
    ) throws -> Role {
        let person = try actor(named: actorName, in: tx)
        let roles = person.actor.roles(covering: agreementID)
        let readers: [Role] = [.finance, .officer, .chiefExecutive, .commissioner, .auditor, .projectBoardMember]
        guard person.office == office, let role = readers.first(where: roles.contains) else {
            if let returnID {
                throw ServiceRefusal.notFound(rule: .knownReturn, message: "no quarterly return '\(returnID)'")
            }
            throw ServiceRefusal.notFound(rule: .knownAgreement, message: "no agreement '\(agreementID)'")
        }
        return role
    }

    func loadReturn(_ id: String, in tx: any StoreTransaction) throws -> (ReturnRecord, WorkflowInstance) {
        guard let record = try tx.returnRecord(id: id), let instance = try tx.instance(id: id) else {
            throw ServiceRefusal.notFound(rule: .knownReturn, message: "no quarterly return '\(id)'")
        }
        return (record, instance)
    }

    /// One return with its state, for someone allowed to see it.
    public func quarterlyReturn(
        _ id: String, as actorName: String
    ) async throws -> (record: ReturnRecord, state: String) {
        try await store.read { tx in
            let (record, instance) = try loadReturn(id, in: tx)
            _ = try returnAccess(
                actorName, office: record.office, agreementID: record.agreementID, returnID: record.id, in: tx)
            return (record, instance.state)
        }
    }

    /// What stops the return's current version being submitted, one rule at a time (the submit guard reports them
    /// together): for a form that shows each problem beside its field. Empty when it may be submitted.
    public func submissionProblems(_ id: String, as actorName: String) async throws -> [(rule: String, message: String)]
    {
        try await store.read { tx in
            let (record, _) = try loadReturn(id, in: tx)
            _ = try returnAccess(
                actorName, office: record.office, agreementID: record.agreementID, returnID: record.id, in: tx)
            guard let content = record.current?.content else { return [] }
            let subject = try returnSubject(record, in: tx)
            return ReturnRules.checkSubmission(
                content: content, agreement: subject.agreement, quarter: record.quarter,
                previousSpendToDate: subject.previousSpendToDate
            ).map { ($0.rule, $0.description) }
        }
    }

    /// Spend to date reported for the quarter before `quarter` under the same agreement: the accepted version, else
    /// the latest submitted one; zero for the first quarter.
    func previousSpendToDate(_ record: ReturnRecord, in tx: any StoreTransaction) throws -> Money {
        let earlier = try tx.returnRecords(office: record.office, agreement: record.agreementID).filter {
            $0.quarter < record.quarter
        }
        guard let previous = earlier.last else { return .zero }
        let version = previous.accepted ?? previous.versions.last { $0.submittedOn != nil }
        return version?.content.spendToDate ?? .zero
    }

    func returnSubject(_ record: ReturnRecord, in tx: any StoreTransaction) throws -> ReturnSubject {
        guard let agreement = try tx.agreement(id: record.agreementID) else {
            throw ServiceRefusal.notFound(rule: .knownAgreement, message: "no agreement '\(record.agreementID)'")
        }
        return ReturnSubject(
            dueDay: record.dueOn, quarter: record.quarter, agreement: agreement, content: record.current?.content,
            previousSpendToDate: try previousSpendToDate(record, in: tx), submittedBy: record.current?.submittedBy)
    }

    /// A quarterly return for the act runner: the return with its agreement and previous spend for the guards;
    /// another office's answered as a missing one. A return is saved version by version, by the act's change.
    var returnKind: RecordKind<ReturnRecord> {
        RecordKind(
            unseen: { .notFound(rule: .knownReturn, message: "no quarterly return '\($0)'") },
            load: { instance, tx in try tx.returnRecord(id: instance.id) },
            subject: { record, _, tx in .quarterlyReturn(try self.returnSubject(record, in: tx)) },
            save: { _, _, _ in })
    }

    // MARK: The project board's steps

    /// Saves what the board has written (its own grant's return only). The first save starts the return; after a
    /// return for revision it opens a new version (the reviewed one is kept as it was).
    @discardableResult
    public func saveReturn(
        _ id: String, content: ReturnContent, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws -> ReturnRecord {
        let content = try content.checkedTexts()
        let effective = day ?? clock.today()
        return try await store.write { tx in
            let (record, instance) = try loadReturn(id, in: tx)
            _ = try returnAccess(
                actorName, office: record.office, agreementID: record.agreementID, returnID: record.id, in: tx)
            let role = Role.projectBoardMember
            guard try actor(named: actorName, in: tx).actor.roles(covering: record.agreementID).contains(role) else {
                throw ServiceRefusal.forbidden(
                    rule: .boardWritesItsReturn,
                    message: "only the grant's own project board writes its return; \(actorName) reviews it")
            }
            var expected = expectedVersion
            if instance.state == "scheduled" {
                let start = ActRequest("start", on: id, by: actorName, on: effective, expectedVersion: expected)
                try runInside(start, on: returnKind, in: tx, logged: false)
                expected = nil
            }
            var save = ActRequest("content-saved", on: id, by: actorName, on: effective, expectedVersion: expected)
            save.edit = Edit { instance, _, _, _ in
                guard ["draft", "returned-for-revision"].contains(instance.state) else {
                    throw ServiceRefusal(
                        rule: .returnEditable,
                        message: "the \(record.quarter) return is \(instance.state): "
                            + (instance.state == "accepted"
                                ? "record a correction as a new version with a reason"
                                : "it can be changed only while in draft or returned for revision"))
                }
                return role
            }
            return try runInside(save, on: returnKind, in: tx, logged: false) { record, _, _, tx in
                let number: Int
                if let current = record.current, current.submittedOn == nil {
                    number = current.number
                } else {
                    number = (record.current?.number ?? 0) + 1
                }
                let version = ReturnVersion(number: number, content: content)
                try tx.saveReturnVersion(returnID: id, version)
                record.versions.removeAll { $0.number == number }
                record.versions.append(version)
                return ["version": String(number)]
            }.record!
        }
    }

    /// Submits the return (its own project board only): refused, naming each rule, while a variance of 10% or more
    /// is unexplained, a red or amber milestone has no reason, the narrative is missing, or the figures do not add up.
    public func submitReturn(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let effective = day ?? clock.today()
        try await writeKeepingRefusals { tx in
            let (record, _) = try loadReturn(id, in: tx)
            _ = try returnAccess(
                actorName, office: record.office, agreementID: record.agreementID, returnID: record.id, in: tx)
            let submit = ActRequest("submit", on: id, by: actorName, on: effective, expectedVersion: expectedVersion)
            try runInside(submit, on: returnKind, in: tx) { _, _, _, tx in
                guard var version = record.current else { return [:] }
                version.submittedBy = actorName
                version.submittedOn = effective
                try tx.saveReturnVersion(returnID: id, version)
                return ["version": String(version.number)]
            }
        }
    }

    /// Accepts the submitted version (an officer or finance who did not submit it): it becomes immutable, the
    /// instalments tied to this quarter's accepted return are released, and each requested change becomes a
    /// variation proposal for finance to decide. The audit event names the instalments and proposals.
    public func acceptReturn(
        _ id: String, note: String? = nil, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await review(id, accept: true, reasons: note, by: actorName, on: day, expectedVersion: expectedVersion)
    }

    /// Sends the submitted version back with the reviewer's reasons; the board's next save opens a new version.
    public func returnForRevision(
        _ id: String, reasons: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await review(id, accept: false, reasons: reasons, by: actorName, on: day, expectedVersion: expectedVersion)
    }

    /// Accepts or returns a submitted version; on acceptance the workflow's `release-payment` effect releases the
    /// instalments this quarter's accepted return makes payable (performed by the act runner).
    private func review(
        _ id: String, accept: Bool, reasons: String?, by actorName: String, on day: Day?, expectedVersion: Int?
    ) async throws {
        let reasons = try checkedOptionalText(reasons, accept ? "note" : "reasons", .short)
        let effective = day ?? clock.today()
        try await writeKeepingRefusals { tx in
            let (record, _) = try loadReturn(id, in: tx)
            _ = try returnAccess(
                actorName, office: record.office, agreementID: record.agreementID, returnID: record.id, in: tx)
            var payload: [String: String] = [:]
            if let reasons { payload["reason"] = reasons }
            try runInside(
                ActRequest(
                    accept ? "accept" : "return-for-revision", on: id, by: actorName, on: effective,
                    expectedVersion: expectedVersion, payload: payload), on: returnKind, in: tx
            ) { _, _, _, tx in
                guard var version = record.current else { return [:] }
                version.review = ReturnReview(
                    outcome: accept ? .accepted : .returnedForRevision, by: actorName, on: effective, reasons: reasons)
                try tx.saveReturnVersion(returnID: id, version)
                var recorded = ["version": String(version.number)]
                guard accept else { return recorded }
                let proposals = try self.propose(
                    version.content.requestedChanges, from: record, version: version.number,
                    by: version.submittedBy ?? actorName, on: effective, in: tx)
                if !proposals.isEmpty { recorded["proposals"] = proposals.joined(separator: ", ") }
                return recorded
            }
        }
    }

    /// Records a correction to an accepted return as a new version with a reason (the board or an officer); the
    /// accepted version stays as it was.
    public func correctReturn(
        _ id: String, content: ReturnContent, reason: String, by actorName: String, on day: Day? = nil,
        expectedVersion: Int? = nil
    ) async throws {
        let effective = day ?? clock.today()
        guard !reason.isBlank else {
            throw ServiceRefusal(rule: .reasonGiven, message: "a correction needs a reason")
        }
        let reason = try checkedText(reason, "reason", .short)
        let content = try content.checkedTexts()
        try await store.write { tx in
            let (record, _) = try loadReturn(id, in: tx)
            let role = try returnAccess(
                actorName, office: record.office, agreementID: record.agreementID, returnID: record.id, in: tx)
            var request = ActRequest(
                "correction-recorded", on: id, by: actorName, on: effective, expectedVersion: expectedVersion,
                payload: ["reason": reason])
            request.edit = Edit { instance, subject, _, _ in
                guard [.projectBoardMember, .officer, .finance].contains(role) else {
                    throw ServiceRefusal.forbidden(
                        rule: .roleRequired,
                        message: "a correction is recorded by the project board, an officer or finance")
                }
                guard instance.state == "accepted", record.current != nil, let subject = subject?.quarterlyReturn
                else {
                    throw ServiceRefusal(
                        rule: .correctionAfterAcceptance,
                        message: "the \(record.quarter) return is \(instance.state): it is changed by saving its "
                            + "content while in draft or returned for revision")
                }
                let problems = ReturnRules.checkSubmission(
                    content: content, agreement: subject.agreement, quarter: record.quarter,
                    previousSpendToDate: subject.previousSpendToDate)
                if let first = problems.first {
                    throw ServiceRefusal(
                        coreRule: first.rule, message: problems.map(\.description).joined(separator: "; "))
                }
                return role
            }
            try runInside(request, on: returnKind, in: tx, logged: false) { record, _, _, tx in
                let version = ReturnVersion(
                    number: (record.current?.number ?? 0) + 1, content: content, submittedBy: actorName,
                    submittedOn: effective, correctionReason: reason)
                try tx.saveReturnVersion(returnID: id, version)
                record.versions.append(version)
                return ["version": String(version.number)]
            }
        }
    }

    /// Waives a return with a reason (an officer or finance).
    public func waiveReturn(
        _ id: String, reason: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let reason = try checkedText(reason, "reason", .short)
        try await writeKeepingRefusals { tx in
            let (record, _) = try loadReturn(id, in: tx)
            _ = try returnAccess(
                actorName, office: record.office, agreementID: record.agreementID, returnID: record.id, in: tx)
            try runInside(
                ActRequest(
                    "waive", on: id, by: actorName, on: day, expectedVersion: expectedVersion,
                    payload: ["reason": reason]), on: returnKind, in: tx)
        }
    }

    /// Escalates an overdue return by hand (an officer or finance; refused before the due day).
    public func escalateReturn(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        try await writeKeepingRefusals { tx in
            let (record, _) = try loadReturn(id, in: tx)
            _ = try returnAccess(
                actorName, office: record.office, agreementID: record.agreementID, returnID: record.id, in: tx)
            try runInside(
                ActRequest("escalate", on: id, by: actorName, on: day, expectedVersion: expectedVersion),
                on: returnKind, in: tx)
        }
    }
}
