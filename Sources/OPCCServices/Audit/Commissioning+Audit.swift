import OPCCCore
import OPCCStore

extension Commissioning {
    public func auditHead() throws -> AuditHead { try store.read { try $0.auditHead() } }

    public func auditLog(instance: String? = nil, office: String? = nil) throws -> [AuditEvent] {
        try store.read { try $0.auditEvents(instance: instance, office: office) }
    }

    /// The audit log as a person may read it: the events of their own office, for the office's staff and auditors
    /// (project board members and the public do not read the log). Payloads never hold Part 2 content.
    public func auditLog(instance: String? = nil, by actorName: String) throws -> [AuditEvent] {
        try store.read { tx in
            let person = try actor(named: actorName, in: tx)
            let roles = person.actor.roles(covering: nil)
            guard !roles.subtracting([.public, .projectBoardMember]).isEmpty else {
                throw ServiceRefusal.forbidden(
                    rule: "audit-log-readers", message: "\(actorName) may not read the audit log of \(person.office)")
            }
            return try tx.auditEvents(instance: instance, office: person.office)
        }
    }

    /// The outcome of `verifyAudit`: how much was checked and the first thing found wrong.
    public struct AuditVerification: Sendable {
        public let eventsChecked: Int
        public let instancesRebuilt: Int
        public let head: AuditHead
        public let problems: [String]
        public var isIntact: Bool { problems.isEmpty }
    }

    /// Checks the chain (every hash and link, and that it still reaches `head` if one is given), then rebuilds every
    /// instance's current state from its events and compares it with the stored state.
    public func verifyAudit(head minuted: AuditHead? = nil) throws -> AuditVerification {
        try store.read { tx in
            var verifier = AuditChainVerifier(head: minuted)
            var transitions: [String: [(from: String, to: String)]] = [:]
            var created: [String: String] = [:]
            try tx.forEachAuditEvent { event in
                guard verifier.check(event) else { return false }
                if let id = event.instanceID, let to = event.toState {
                    if let from = event.fromState {
                        transitions[id, default: []].append((from, to))
                    } else {
                        created[id] = to
                    }
                }
                return true
            }
            var problems: [String] = []
            if let problem = verifier.finish() { problems.append(problem.description) }
            let instances = try tx.instances(office: nil)
            if problems.isEmpty {
                problems += try rebuildProblems(instances, created: created, transitions: transitions, tx: tx)
            }
            return AuditVerification(
                eventsChecked: verifier.count, instancesRebuilt: instances.count, head: try tx.auditHead(),
                problems: problems)
        }
    }

    private func rebuildProblems(
        _ instances: [WorkflowInstance], created: [String: String],
        transitions: [String: [(from: String, to: String)]], tx: any StoreTransaction
    ) throws -> [String] {
        for instance in instances {
            let definition = try definition(for: instance, in: tx)
            guard created[instance.id] == definition.initial else {
                return [
                    "instance \(instance.id): its creation event is missing or does not start in "
                        + "'\(definition.initial)'"
                ]
            }
            switch WorkflowEngine.replay(transitions[instance.id] ?? [], definition: definition) {
            case .failure(let mismatch):
                return [
                    "instance \(instance.id): its event \(mismatch.index + 1) leaves '\(mismatch.recordedFrom)' "
                        + "but the record was in '\(mismatch.expectedFrom)'"
                ]
            case .success(let state) where state != instance.state:
                return [
                    "instance \(instance.id): stored state is '\(instance.state)' but its events lead to '\(state)'"
                ]
            case .success:
                continue
            }
        }
        return []
    }
}
