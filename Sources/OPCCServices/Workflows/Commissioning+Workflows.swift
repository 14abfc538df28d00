import Foundation
import OPCCCore
import OPCCStore

extension Commissioning {
    /// Starts a new instance of the newest version of `workflow`, in its initial state, and records its creation.
    @discardableResult
    public func startInstance(
        id: String, office: String, workflow: String, recordRef: String?, by actorName: String, role: Role? = nil,
        on day: Day? = nil, within: (@Sendable (any StoreTransaction) throws -> Void)? = nil
    ) async throws -> WorkflowInstance {
        try await store.write { tx in
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
                rule: .knownWorkflow,
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
                        rule: .roleRequired, message: "\(actorName) does not hold the role \(role) for this record")
                }
                usedRole = role
            } else if let first = definition.transitions.filter({ $0.from == definition.initial }).flatMap(\.roles)
                .first(where: held.contains)
            {
                usedRole = first
            } else {
                throw ServiceRefusal.forbidden(
                    rule: .roleRequired,
                    message: "\(actorName) may not open a \(workflow) record: it needs one of the roles "
                        + startRoles.sorted().map(\.rawValue).joined(separator: ", "))
            }
            guard person.office == office else {
                throw ServiceRefusal.forbidden(
                    rule: .ownOffice, message: "\(actorName) does not belong to office \(office)")
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

    /// Fires an event on an instance through the act runner, in its own transaction: on refusal nothing about the
    /// instance changes; the attempt and every reason go to the refusal log.
    @discardableResult
    public func fire(
        _ event: String, on instanceID: String, by actorName: String, role: Role? = nil, on day: Day? = nil,
        expectedVersion: Int? = nil, payload: [String: String] = [:], subject: WorkflowSubject? = nil
    ) async throws -> Fired {
        let request = ActRequest(
            event, on: instanceID, by: actorName, role: role, on: day, expectedVersion: expectedVersion,
            payload: payload, subject: subject)
        return try await runLogged(request, on: bareInstance).fired
    }

    /// Fires many acts in one transaction (a bulk import, a batch of reminders), each through the act runner and
    /// decided on the state the ones before it left. Accepted acts commit together; refused ones change nothing and
    /// go to the refusal log.
    public func fireAll(_ requests: [ActRequest]) async throws -> [Result<Fired, ActRefused>] {
        let today = clock.today()
        let kind = bareInstance
        let results = try await store.write { tx in
            try requests.map { try run($0, on: kind, in: tx, today: today).map { $0.fired } }
        }
        let refused = zip(requests, results).compactMap { request, result -> (ActRequest, ActRefused)? in
            if case .failure(let r) = result { return (request, r) }
            return nil
        }
        if !refused.isEmpty { try await logRefusals(refused) }
        return results
    }

    /// Keeps refused acts in the refusal log, apart from the audit chain and without touching the instances.
    func logRefusals(_ refused: [(ActRequest, ActRefused)]) async throws {
        let today = clock.today()
        try await store.write { tx in
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
    ) async throws -> AuditEvent {
        let effective = day ?? clock.today()
        return try await store.write { tx in
            guard let instance = try tx.instance(id: instanceID) else {
                throw ServiceRefusal.notFound(rule: .knownRecord, message: "no record with id '\(instanceID)'")
            }
            let person = try actor(named: actorName, in: tx)
            guard person.office == instance.office, person.actor.roles(covering: instance.recordRef).contains(role)
            else {
                throw ServiceRefusal.forbidden(
                    rule: .roleNotHeld, message: "\(actorName) does not hold \(role) here")
            }
            guard effective <= clock.today() else {
                throw ServiceRefusal(
                    rule: .effectiveDateNotInFuture, message: "the act is dated \(effective.iso), after today")
            }
            return try tx.append(
                AuditEventDraft(
                    office: instance.office, instanceID: instance.id, workflow: instance.workflow,
                    workflowVersion: instance.workflowVersion, event: event, fromState: instance.state,
                    toState: instance.state, actor: actorName, role: role.rawValue, effectiveDay: effective,
                    recordedAt: clock.timestamp(), payload: payload))
        }
    }

    public func instance(_ id: String) async throws -> WorkflowInstance? {
        try await store.read { try $0.instance(id: id) }
    }

    public func refusals(instance: String?) async throws -> [RefusalRecord] {
        try await store.read { try $0.refusals(instance: instance) }
    }
}
