import Foundation
import OPCCCore
import OPCCStore

extension Commissioning {
    /// Starts a new instance of the newest version of `workflow`, in its initial state, and records its creation.
    @discardableResult
    public func startInstance(
        id: String, office: String, workflow: String, recordRef: String?, by actorName: String, role: Role? = nil,
        on day: Day? = nil, within: ((any StoreTransaction) throws -> Void)? = nil
    ) throws -> WorkflowInstance {
        try store.write { tx in
            try startInstance(
                id: id, office: office, workflow: workflow, recordRef: recordRef, by: actorName, role: role, on: day,
                in: tx, payload: [:], within: within)
        }
    }

    /// `startInstance` inside an open transaction.
    @_spi(Bench) public func startInstance(
        id: String, office: String, workflow: String, recordRef: String?, by actorName: String, role: Role?,
        on day: Day?, in tx: any StoreTransaction, payload extra: [String: String],
        within: ((any StoreTransaction) throws -> Void)? = nil
    ) throws -> WorkflowInstance {
        guard let definition = catalog.latest(workflow) else {
            throw ServiceRefusal.notFound(
                rule: "known-workflow",
                message:
                    "no workflow named '\(workflow)'; known: \(catalog.definitions.keys.sorted().joined(separator: ", "))"
            )
        }
        let effective = day ?? clock.today()
        do {
            let person = try actor(named: actorName, in: tx)
            let startRoles = Set(definition.transitions.filter { $0.from == definition.initial }.flatMap(\.roles))
            let held = person.actor.roles(covering: recordRef)
            // Who may open a case: the role asked for, if held; else a role allowed to act from the initial state.
            // Auditors and the public never change anything.
            let usedRole: Role
            if let role {
                guard held.contains(role), role != .auditor, role != .public else {
                    throw ServiceRefusal.forbidden(
                        rule: "role-required", message: "\(actorName) does not hold the role \(role) for this record")
                }
                usedRole = role
            } else if let first = definition.transitions.filter({ $0.from == definition.initial }).flatMap(\.roles)
                .first(where: held.contains)
            {
                usedRole = first
            } else {
                throw ServiceRefusal.forbidden(
                    rule: "role-required",
                    message: "\(actorName) may not open a \(workflow) record: it needs one of the roles "
                        + startRoles.sorted().map(\.rawValue).joined(separator: ", "))
            }
            guard person.office == office else {
                throw ServiceRefusal.forbidden(
                    rule: "own-office", message: "\(actorName) does not belong to office \(office)")
            }
            try pinIfNeeded(definition, in: tx)
            let instance = WorkflowInstance(
                id: id, office: office, workflow: definition.name, workflowVersion: definition.version,
                state: definition.initial, version: 0, recordRef: recordRef, lastEffectiveDay: effective)
            try tx.insertInstance(instance, createdAt: clock.timestamp())
            try within?(tx)
            try tx.append(
                AuditEventDraft(
                    office: office, instanceID: id, workflow: definition.name, workflowVersion: definition.version,
                    event: "create", fromState: nil, toState: definition.initial, actor: actorName,
                    role: usedRole.rawValue, effectiveDay: effective, recordedAt: clock.timestamp(),
                    payload: extra.merging(recordRef.map { ["record": $0] } ?? [:]) { a, _ in a }))
            return instance
        }
    }

    /// What an accepted act did.
    public struct Fired: Sendable {
        public internal(set) var instance: WorkflowInstance
        public internal(set) var event: AuditEvent
        public let effects: [EffectRequest]
    }

    /// One act to fire: what `fire` takes, as a value, so that many can share one transaction.
    public struct FireRequest: Sendable {
        public var event: String
        public var instanceID: String
        public var actorName: String
        public var role: Role?
        public var day: Day?
        public var expectedVersion: Int?
        public var payload: [String: String]
        public var subject: (any Sendable)?
        /// For a historic import: the person and role the act was originally by, checked by the engine in place of
        /// the importer's own roles; the audit event keeps the importer as actor and names this one in its payload.
        public var historicActor: Actor?
        /// For a historic import: guard failures are accepted as flagged exceptions.
        public var overridingGuards = false

        public init(
            _ event: String, on instanceID: String, by actorName: String, role: Role? = nil, on day: Day? = nil,
            expectedVersion: Int? = nil, payload: [String: String] = [:], subject: (any Sendable)? = nil
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

    /// Fires an event on an instance: loads it, lets the engine decide, and on acceptance moves it (only if it is
    /// still at the version loaded) and appends the audit event, in one transaction. On refusal nothing about the
    /// instance changes; the attempt and every reason go to the refusal log.
    @discardableResult
    public func fire(
        _ event: String, on instanceID: String, by actorName: String, role: Role? = nil, on day: Day? = nil,
        expectedVersion: Int? = nil, payload: [String: String] = [:], subject: (any Sendable)? = nil
    ) throws -> Fired {
        let request = FireRequest(
            event, on: instanceID, by: actorName, role: role, on: day, expectedVersion: expectedVersion,
            payload: payload, subject: subject)
        return try fire(request)
    }

    /// Fires one request in its own transaction, with the optional subject loader and record update of `apply`;
    /// a refusal is logged and thrown.
    func fire(
        _ request: FireRequest,
        subject load: ((any StoreTransaction, WorkflowInstance) throws -> (any Sendable)?)? = nil,
        onAccepted: ((any StoreTransaction, Fired, WorkflowEngine.Accepted) throws -> [String: String])? = nil
    ) throws -> Fired {
        let attempt = try store.write { tx in
            try apply(
                request, today: clock.today(), in: tx, subject: load.map { load in { try load(tx, $0) } },
                onAccepted: onAccepted.map { hook in { try hook(tx, $0, $1) } })
        }
        switch attempt {
        case .success(let fired): return fired
        case .failure(let refused):
            try logRefusals([(request, refused)])
            throw refused
        }
    }

    /// Fires many acts in one transaction (a bulk import, a batch of reminders): each is decided on the state the
    /// ones before it left. Accepted acts commit together; refused ones change nothing and go to the refusal log.
    public func fireAll(_ requests: [FireRequest]) throws -> [Result<Fired, ActRefused>] {
        let today = clock.today()
        let results = try store.write { tx in try requests.map { try apply($0, today: today, in: tx) } }
        let refused = zip(requests, results).compactMap { request, result -> (FireRequest, ActRefused)? in
            if case .failure(let r) = result { return (request, r) }
            return nil
        }
        if !refused.isEmpty { try logRefusals(refused) }
        return results
    }

    /// Decides one act inside an open transaction and, if accepted, applies it. `subject` loads the domain record
    /// the guards read, inside the same transaction; `onAccepted` writes what the act changes in that record, also
    /// inside it, so the record, the instance and the audit event commit together.
    @_spi(Bench) public func apply(
        _ request: FireRequest, today: Day, in tx: any StoreTransaction,
        subject load: ((WorkflowInstance) throws -> (any Sendable)?)? = nil,
        onAccepted: ((Fired, WorkflowEngine.Accepted) throws -> [String: String])? = nil
    ) throws -> Result<Fired, ActRefused> {
        let effective = request.day ?? today
        guard let instance = try tx.instance(id: request.instanceID) else {
            throw ServiceRefusal.notFound(rule: "known-record", message: "no record with id '\(request.instanceID)'")
        }
        let person = try actor(named: request.actorName, in: tx)
        // Another office's record is not there for this person: the same refusal as a missing one, before the
        // engine could name its state or the roles it needs. A historic import acts for a named person instead.
        guard request.historicActor != nil || person.office == instance.office else {
            throw ServiceRefusal.notFound(rule: "known-record", message: "no record with id '\(request.instanceID)'")
        }
        let definition = try definition(for: instance, in: tx)
        let profile = try? profile(of: instance.office, in: tx)
        let expected = request.expectedVersion ?? instance.version
        let actingActor =
            request.historicActor
            ?? (person.office == instance.office ? person.actor : Actor(name: request.actorName, grants: []))
        let act = Act(
            event: request.event, actor: actingActor,
            role: request.role, effectiveDay: effective, today: today, expectedVersion: expected,
            payload: request.payload)
        let accepted: WorkflowEngine.Accepted
        let subject = try load?(instance) ?? request.subject
        switch engine.fire(
            act, on: instance, definition: definition, subject: subject, profile: profile,
            overridingGuards: request.overridingGuards)
        {
        case .refused(let reasons): return .failure(ActRefused(reasons: reasons))
        case .accepted(let a): accepted = a
        }
        do {
            try tx.updateInstance(
                id: instance.id, state: accepted.to, expectedVersion: expected, lastEffectiveDay: effective)
        } catch StoreError.staleVersion {
            return .failure(ActRefused(reasons: [.staleVersion(expected: expected, actual: expected + 1)]))
        }
        var recorded = request.payload
        if !accepted.effects.isEmpty {
            recorded["effects"] = accepted.effects.map(Self.describe).joined(separator: "; ")
        }
        if let historic = request.historicActor {
            recorded["onBehalfOf"] = historic.name
        }
        if !accepted.exceptions.isEmpty {
            recorded["exceptions"] = accepted.exceptions.map { "\($0.rule): \($0.message)" }.joined(separator: "; ")
        }
        var fired = Fired(instance: instance, event: AuditEvent.placeholder, effects: accepted.effects)
        fired.instance.state = accepted.to
        fired.instance.version += 1
        fired.instance.lastEffectiveDay = effective
        if let onAccepted {
            for (k, v) in try onAccepted(fired, accepted) { recorded[k] = v }
        }
        let appended = try tx.append(
            AuditEventDraft(
                office: instance.office, instanceID: instance.id, workflow: instance.workflow,
                workflowVersion: instance.workflowVersion, event: request.event, fromState: accepted.from,
                toState: accepted.to, actor: request.actorName, role: accepted.role.rawValue,
                effectiveDay: effective, recordedAt: clock.timestamp(), payload: recorded))
        fired.event = appended
        return .success(fired)
    }

    /// Refuses a change prepared against an older version of a record (a form opened, or an `ETag` read, before
    /// someone else acted), saying what changed since: the version now, and the last act or edit and who made it,
    /// from the audit log. No expected version (a caller that sends none) is checked as today: last writer wins.
    func requireCurrentVersion(_ expected: Int?, of instance: WorkflowInstance, in tx: any StoreTransaction) throws {
        guard let expected, expected != instance.version else { return }
        let last = try tx.auditEvents(instance: instance.id, office: nil).last
        let since = last.map { " (last: \($0.event) by \($0.actor), dated \($0.effectiveDay.iso))" } ?? ""
        throw ServiceRefusal(
            rule: "current-version",
            message: "the record changed since you opened it at version \(expected): it is now at version "
                + "\(instance.version)\(since); nothing was changed: look at it again and redo your change",
            kind: .conflict)
    }

    /// Runs an act on a record of one kind, answering the runner's `known-record` refusal (a missing instance, or
    /// another office's) with `unseen`, the refusal that kind gives for a missing id; so an act on another office's
    /// record and one on a record that does not exist read the same, word for word.
    func answeringAsMissing<T>(_ unseen: @autoclosure () -> ServiceRefusal, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let refusal as ServiceRefusal where refusal.rule == "known-record" {
            throw unseen()
        }
    }

    static func describe(_ effect: EffectRequest) -> String {
        effect.parameters.isEmpty
            ? effect.name
            : effect.name + "("
                + effect.parameters.keys.sorted().map { "\($0)=\(effect.parameters[$0]!)" }
                .joined(separator: ", ") + ")"
    }

    /// Keeps refused acts in the refusal log, apart from the audit chain and without touching the instances.
    func logRefusals(_ refused: [(FireRequest, ActRefused)]) throws {
        let today = clock.today()
        try store.write { tx in
            for (request, refusal) in refused {
                let instance = try tx.instance(id: request.instanceID)
                try tx.appendRefusal(
                    RefusalRecord(
                        office: instance?.office ?? "", instanceID: request.instanceID, workflow: instance?.workflow,
                        event: request.event, actor: request.actorName, role: request.role?.rawValue,
                        effectiveDay: request.day ?? today, attemptedAt: clock.timestamp(),
                        reasons: refusal.reasons.map { "\($0.rule): \($0.description)" }))
            }
        }
    }

    /// Records an act that changes no state (a Part 2 read, a reminder, a correction): allowed in any state,
    /// terminal ones included; chained like every other event, with from = to.
    @discardableResult
    public func recordAct(
        _ event: String, on instanceID: String, by actorName: String, role: Role, on day: Day? = nil,
        payload: [String: String] = [:]
    ) throws -> AuditEvent {
        let effective = day ?? clock.today()
        return try store.write { tx in
            guard let instance = try tx.instance(id: instanceID) else {
                throw ServiceRefusal.notFound(rule: "known-record", message: "no record with id '\(instanceID)'")
            }
            let person = try actor(named: actorName, in: tx)
            guard person.office == instance.office, person.actor.roles(covering: instance.recordRef).contains(role)
            else {
                throw ServiceRefusal.forbidden(
                    rule: "role-not-held", message: "\(actorName) does not hold \(role) here")
            }
            guard effective <= clock.today() else {
                throw ServiceRefusal(
                    rule: "effective-date-not-in-future", message: "the act is dated \(effective.iso), after today")
            }
            return try tx.append(
                AuditEventDraft(
                    office: instance.office, instanceID: instance.id, workflow: instance.workflow,
                    workflowVersion: instance.workflowVersion, event: event, fromState: instance.state,
                    toState: instance.state, actor: actorName, role: role.rawValue, effectiveDay: effective,
                    recordedAt: clock.timestamp(), payload: payload))
        }
    }

    public func instance(_ id: String) throws -> WorkflowInstance? { try store.read { try $0.instance(id: id) } }

    public func refusals(instance: String?) throws -> [RefusalRecord] {
        try store.read { try $0.refusals(instance: instance) }
    }
}
