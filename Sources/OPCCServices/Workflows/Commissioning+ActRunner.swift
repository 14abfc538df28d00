import Foundation
import OPCCCore
import OPCCStore

/// The act runner: the one path every workflow act and every edit of a record takes. It loads the instance and the
/// typed record, checks the version the person saw, lets the engine decide (or, for an edit, the edit's own rule),
/// performs the typed effects, changes and saves the record, moves the instance (bumping its version) and appends
/// the audit event, all in the caller's transaction. Group commit, bulk imports and the use cases that post money
/// around an act all run it; none has a second way to fire an act.
extension Commissioning {
    /// One act or edit on a record, as the runner takes it.
    public struct ActRequest: Sendable {
        public var event: String
        public var instanceID: String
        public var actorName: String
        public var role: Role?
        public var day: Day?
        /// The record's version the person saw (a form's hidden field, an `If-Match`); nil: last writer wins.
        public var expectedVersion: Int?
        public var payload: [String: String]
        /// What the guards read, when the caller has it already (a benchmark); else the runner loads it.
        public var subject: WorkflowSubject?
        /// For a historic import: the person and role the act was originally by, checked by the engine in place of
        /// the importer's own roles; the audit event keeps the importer as actor and names this one in its payload.
        public var historicActor: Actor?
        /// For a historic import: guard failures are accepted as flagged exceptions.
        public var overridingGuards = false
        /// For an edit (a draft edit, a correction, saved content): its own rule in place of the workflow's.
        var edit: Edit?

        public init(
            _ event: String, on instanceID: String, by actorName: String, role: Role? = nil, on day: Day? = nil,
            expectedVersion: Int? = nil, payload: [String: String] = [:], subject: WorkflowSubject? = nil
        ) {
            self.event = event
            self.instanceID = instanceID
            self.actorName = actorName
            self.role = role
            self.day = day
            self.expectedVersion = expectedVersion
            self.payload = payload
            self.subject = subject
        }
    }

    /// An edit's rule: given the instance, the record as the guards read it, the person and the edit's day, the
    /// role it is made in, or a refusal. An edit changes no state and keeps the record's last act date; it bumps the
    /// version like an act.
    struct Edit: Sendable {
        let authorise: @Sendable (WorkflowInstance, WorkflowSubject?, StoredPerson, Day) throws -> Role
    }

    /// How the runner handles one kind of record: how it loads the typed record and what the guards read of it,
    /// how it saves it, and how it answers an id the person may not see.
    struct RecordKind<Record>: Sendable {
        /// The refusal for a record the person may not see: a missing one and another office's read the same.
        let unseen: @Sendable (String) -> ServiceRefusal
        let load: @Sendable (WorkflowInstance, any StoreTransaction) throws -> Record?
        var subject: @Sendable (Record, WorkflowInstance, any StoreTransaction) throws -> WorkflowSubject?
        let save: @Sendable (Record, WorkflowInstance, any StoreTransaction) throws -> Void
        /// Sets a deadline an effect names, on a kind of record that keeps deadlines.
        var setDeadline: (@Sendable (inout Record, WorkflowEffect.DeadlineKind, Day) -> Void)? = nil
        /// False for a bare instance (the engine's service tests, the benchmarks, the national fixture): it carries
        /// no record, so its effects are recorded in the audit event and not performed.
        var performsEffects = true
    }

    /// A change to the typed record when the act is accepted, returning extra audit payload.
    typealias RecordChange<Record> =
        @Sendable (inout Record, WorkflowEngine.Accepted, Day, any StoreTransaction) throws -> [String: String]

    /// What an accepted act did.
    public struct Fired: Sendable {
        public internal(set) var instance: WorkflowInstance
        public internal(set) var event: AuditEvent
        public let effects: [WorkflowEffect]
    }

    /// What the runner left: the act and the record as saved.
    struct Acted<Record> {
        var fired: Fired
        var record: Record?
    }

    /// An instance with no record of its own: the subject, if any, comes with the request.
    var bareInstance: RecordKind<WorkflowInstance> {
        RecordKind(
            unseen: { .notFound(rule: .knownRecord, message: "no record with id '\($0)'") },
            load: { _, _ in nil }, subject: { _, _, _ in nil }, save: { _, _, _ in }, performsEffects: false)
    }

    /// The runner on a bare instance inside an open transaction, for the bench's national generator: one act, the
    /// same path as every other.
    @_spi(Bench) public func runBare(
        _ request: ActRequest, in tx: any StoreTransaction, today: Day
    ) throws -> Result<Fired, ActRefused> {
        try run(request, on: bareInstance, in: tx, today: today).map(\.fired)
    }

    /// Runs one act or edit inside `tx`. A refusal by the workflow is returned (nothing was written); a refusal
    /// before it (an unseen record, a stale version, an edit's rule) and a failed change are thrown.
    func run<Record>(
        _ request: ActRequest, on kind: RecordKind<Record>, in tx: any StoreTransaction, today: Day,
        change: RecordChange<Record>? = nil
    ) throws -> Result<Acted<Record>, ActRefused> {
        let effective = request.day ?? today
        guard let instance = try tx.instance(id: request.instanceID) else { throw kind.unseen(request.instanceID) }
        let person = try actor(named: request.actorName, in: tx)
        // Another office's record is not there for this person: the same refusal as a missing one, before anything
        // could name its state or the roles it needs. A historic import acts for a named person instead.
        guard request.historicActor != nil || person.office == instance.office else {
            throw kind.unseen(request.instanceID)
        }
        try requireCurrentVersion(request.expectedVersion, of: instance, in: tx)
        var record = try kind.load(instance, tx)
        let subject = try request.subject ?? record.flatMap { try kind.subject($0, instance, tx) }
        let accepted: WorkflowEngine.Accepted
        switch try decide(request, on: instance, by: person, subject: subject, today: today, in: tx) {
        case .failure(let refused): return .failure(refused)
        case .success(let a): accepted = a
        }
        try move(instance, to: accepted.to, isEdit: request.edit != nil, on: effective, in: tx)
        var recorded = request.payload
        for (k, v) in try perform(accepted.effects, on: &record, of: kind, instance, request, on: effective, in: tx) {
            recorded[k] = v
        }
        if var changed = record {
            if let change {
                for (k, v) in try change(&changed, accepted, effective, tx) { recorded[k] = v }
            }
            // Save the record, then append the event: the event describes the record as saved.
            try kind.save(changed, instance, tx)
            record = changed
        }
        var fired = Fired(instance: instance, event: AuditEvent.placeholder, effects: accepted.effects)
        fired.instance.state = accepted.to
        fired.instance.version += 1
        if request.edit == nil { fired.instance.lastEffectiveDay = effective }
        fired.event = try tx.append(
            AuditEventDraft(
                office: instance.office, instanceID: instance.id, workflow: instance.workflow,
                workflowVersion: instance.workflowVersion, event: request.event, fromState: accepted.from,
                toState: accepted.to, actor: request.actorName, role: accepted.role.rawValue, effectiveDay: effective,
                recordedAt: clock.timestamp(), payload: Self.auditPayload(recorded, request, accepted)))
        // Who is told of the act, in its own transaction. A historic import replays acts long past, an edit is no
        // act, and a bare instance has no record to speak of: none tells anyone.
        if request.edit == nil, request.historicActor == nil, kind.performsEffects {
            try enqueue(
                notificationDrafts(
                    on: request.event, about: fired.instance, occasion: String(fired.event.sequence), in: tx),
                in: tx)
        }
        return .success(Acted(fired: fired, record: record))
    }

    /// The engine's decision on a workflow act, or an edit's own rule (which refuses by throwing).
    private func decide(
        _ request: ActRequest, on instance: WorkflowInstance, by person: StoredPerson, subject: WorkflowSubject?,
        today: Day, in tx: any StoreTransaction
    ) throws -> Result<WorkflowEngine.Accepted, ActRefused> {
        let effective = request.day ?? today
        if let edit = request.edit {
            let role = try edit.authorise(instance, subject, person, effective)
            return .success(.init(from: instance.state, to: instance.state, role: role, effects: [], exceptions: []))
        }
        let definition = try definition(for: instance, in: tx)
        let profile = try? profile(of: instance.office, in: tx)
        let act = Act(
            event: request.event, actor: request.historicActor ?? person.actor, role: request.role,
            effectiveDay: effective, today: today, payload: request.payload)
        switch engine.fire(
            act, on: instance, definition: definition, subject: subject, profile: profile,
            overridingGuards: request.overridingGuards)
        {
        case .refused(let reasons): return .failure(ActRefused(reasons: reasons))
        case .accepted(let accepted): return .success(accepted)
        }
    }

    /// Moves the instance (an act) or bumps its version alone (an edit), only if it is still at the version read.
    private func move(
        _ instance: WorkflowInstance, to state: String, isEdit: Bool, on effective: Day, in tx: any StoreTransaction
    ) throws {
        do {
            if isEdit {
                try tx.bumpInstanceVersion(id: instance.id, expectedVersion: instance.version)
            } else {
                try tx.updateInstance(
                    id: instance.id, from: instance.state, state: state, expectedVersion: instance.version,
                    lastEffectiveDay: effective)
            }
        } catch StoreError.staleVersion {
            // Another writer moved it after it was read: the same refusal as a version seen stale on arrival.
            let now = try tx.instance(id: instance.id) ?? instance
            try requireCurrentVersion(instance.version, of: now, in: tx)
            throw StoreError.staleVersion(instance: instance.id, expected: instance.version)
        }
    }

    /// Performs the accepted act's effects: every case of `WorkflowEffect` is handled here, so an effect nobody
    /// performs does not compile. Returns what they add to the audit payload.
    private func perform<Record>(
        _ effects: [WorkflowEffect], on record: inout Record?, of kind: RecordKind<Record>,
        _ instance: WorkflowInstance,
        _ request: ActRequest, on effective: Day, in tx: any StoreTransaction
    ) throws -> [String: String] {
        var recorded: [String: String] = [:]
        for effect in effects where kind.performsEffects {
            switch effect {
            case .setDeadline(let deadline, let day):
                guard var changed = record, let set = kind.setDeadline else {
                    throw ServiceRefusal(
                        rule: .effectFitsRecord,
                        message: "the \(instance.workflow) workflow sets a deadline on a record that keeps none")
                }
                set(&changed, deadline, day)
                record = changed
            case .scheduleQuarterlyReturns:
                guard let agreement = try tx.agreement(id: instance.id) else { continue }
                let ids = try scheduleReturns(for: agreement, by: request.actorName, on: effective, in: tx)
                recorded["returns"] = ids.joined(separator: ", ")
            case .releasePayment:
                guard let quarterly = try tx.returnRecord(id: instance.id) else { continue }
                let released = try releaseInstalments(
                    forAccepted: quarterly, by: request.actorName, on: effective, in: tx)
                if !released.isEmpty { recorded["released"] = released.joined(separator: ", ") }
            case .performedByTheAct:
                continue
            }
        }
        return recorded
    }

    /// The audit event's payload: the act's own fields, what the change and the effects added, the effects by name,
    /// who a historic act was by, and the guards it overrode.
    private static func auditPayload(
        _ recorded: [String: String], _ request: ActRequest, _ accepted: WorkflowEngine.Accepted
    ) -> [String: String] {
        var payload = recorded
        if !accepted.effects.isEmpty {
            payload["effects"] = accepted.effects.map(\.description).joined(separator: "; ")
        }
        if let historic = request.historicActor { payload["onBehalfOf"] = historic.name }
        if !accepted.exceptions.isEmpty {
            payload["exceptions"] = accepted.exceptions.map { "\($0.rule): \($0.message)" }.joined(separator: "; ")
        }
        return payload
    }

    /// Runs one act in its own transaction; a refusal goes to the refusal log and is thrown.
    func runLogged<Record: Sendable>(
        _ request: ActRequest, on kind: RecordKind<Record>, change: RecordChange<Record>? = nil
    ) async throws -> Acted<Record> {
        let attempt = try await store.write { tx in
            try run(request, on: kind, in: tx, today: clock.today(), change: change)
        }
        switch attempt {
        case .success(let acted): return acted
        case .failure(let refused):
            try await logRefusals([(request, refused)])
            throw refused
        }
    }

    /// Runs one act inside a use case's transaction. A refusal is carried out of it, so that the transaction rolls
    /// back and `writeKeepingRefusals` around it logs the refusal; `logged: false` throws it as it is.
    @discardableResult
    func runInside<Record>(
        _ request: ActRequest, on kind: RecordKind<Record>, in tx: any StoreTransaction, logged: Bool = true,
        change: RecordChange<Record>? = nil
    ) throws -> Acted<Record> {
        switch try run(request, on: kind, in: tx, today: clock.today(), change: change) {
        case .success(let acted): return acted
        case .failure(let refused):
            if logged { throw RefusedInTransaction(request: request, refused: refused) }
            throw refused
        }
    }

    /// Refuses a change prepared against an older version of a record (a form opened, or an `ETag` read, before
    /// someone else acted), saying what changed since: the version now, and the last act or edit and who made it,
    /// from the audit log. The one version check of every act and edit; no expected version (a caller that sends
    /// none) is not checked: last writer wins.
    func requireCurrentVersion(_ expected: Int?, of instance: WorkflowInstance, in tx: any StoreTransaction) throws {
        guard let expected, expected != instance.version else { return }
        let last = try tx.auditEvents(instance: instance.id, office: nil).last
        let since = last.map { " (last: \($0.event) by \($0.actor), dated \($0.effectiveDay.iso))" } ?? ""
        throw ServiceRefusal(
            rule: .currentVersion,
            message: "the record changed since you opened it at version \(expected): it is now at version "
                + "\(instance.version)\(since); nothing was changed: look at it again and redo your change",
            kind: .conflict)
    }

    /// A record's version (what the API answers as its `ETag`); another office's record, or a missing one, is not
    /// found.
    public func version(of id: String, by actorName: String) async throws -> Int {
        try await store.read { tx in
            guard let instance = try tx.instance(id: id), try actor(named: actorName, in: tx).office == instance.office
            else { throw ServiceRefusal.notFound(rule: .knownRecord, message: "no record with id '\(id)'") }
            return instance.version
        }
    }

    /// The acts `actorName` may take on a record now, by the workflow definition (role, scope and state; guards
    /// are tried only when the act is). Another office's record, or a missing one, is not found.
    public func permittedActs(record id: String, by actorName: String) async throws -> [WorkflowEngine.PermittedAct] {
        try await store.read { tx in try permittedActs(record: id, by: actorName, in: tx) }
    }

    /// `permittedActs`, for a record the reader has already been shown (another office's published decision): one
    /// of another office is not theirs to act on, so it has none.
    public func permittedActs(shown id: String, by actorName: String) async throws -> [WorkflowEngine.PermittedAct] {
        do {
            return try await permittedActs(record: id, by: actorName)
        } catch let refusal as ServiceRefusal where refusal.kind == .notFound {
            return []
        }
    }

    func permittedActs(
        record id: String, by actorName: String, in tx: any StoreTransaction
    ) throws -> [WorkflowEngine.PermittedAct] {
        let person = try actor(named: actorName, in: tx)
        guard let instance = try tx.instance(id: id), person.office == instance.office else {
            throw ServiceRefusal.notFound(rule: .knownRecord, message: "no record with id '\(id)'")
        }
        return engine.permittedActs(
            on: instance, definition: try definition(for: instance, in: tx), actor: person.actor)
    }
}

/// What the runner left crosses the store's boundary when its record can.
extension Commissioning.Acted: Sendable where Record: Sendable {}
