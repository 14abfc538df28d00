import OPCCCore
import OPCCStore

extension Commissioning {
    public func auditHead() async throws -> AuditHead { try await store.read { try $0.auditHead() } }

    /// The newest event of `office`'s own chain; nil when the office has none.
    public func auditHead(office: String) async throws -> AuditHead? {
        try await store.read { try $0.auditHead(office: office) }
    }

    public func auditLog(instance: String? = nil, office: String? = nil) async throws -> [AuditEvent] {
        try await store.read { try $0.auditEvents(instance: instance, office: office) }
    }

    /// The audit log as a person may read it: the events of their own office, for the office's staff and auditors
    /// (project board members and the public do not read the log). Payloads never hold Part 2 content.
    public func auditLog(instance: String? = nil, by actorName: String) async throws -> [AuditEvent] {
        try await store.read { tx in
            let person = try actor(named: actorName, in: tx)
            let roles = person.actor.roles(covering: nil)
            guard !roles.subtracting([.public, .projectBoardMember]).isEmpty else {
                throw ServiceRefusal.forbidden(
                    rule: .auditLogReaders, message: "\(actorName) may not read the audit log of \(person.office)")
            }
            return try tx.auditEvents(instance: instance, office: person.office)
        }
    }

    /// The outcome of `verifyAudit`: how much was checked, the first thing found wrong in the chain, and every
    /// record whose content differs from its last seal.
    public struct AuditVerification: Sendable {
        public let eventsChecked: Int
        public let instancesRebuilt: Int
        /// How many records' seals were recomputed from the tables.
        public let recordsSealed: Int
        public let head: AuditHead
        public let problems: [String]
        public var isIntact: Bool { problems.isEmpty }
    }

    /// Checks the chains (every hash and link, and that the log still reaches `head` if one is given), rebuilds
    /// every instance's current state from its events and compares it with the stored state, and recomputes every
    /// record's seal from the tables and compares it with the seal of the record's last sealed event. With `office`,
    /// only that office's own chain, instances and records.
    /// Then reads every document's stored file back and names each one missing or no longer the one attached.
    public func verifyAudit(head minuted: AuditHead? = nil, office: String? = nil) async throws -> AuditVerification {
        let tables = try await verifyAuditTables(head: minuted, office: office)
        let files = try await documentFileProblems(office: office)
        return AuditVerification(
            eventsChecked: tables.eventsChecked, instancesRebuilt: tables.instancesRebuilt,
            recordsSealed: tables.recordsSealed, head: tables.head, problems: tables.problems + files)
    }

    /// The chains, instances and seals without the documents' files (a restore checks those on their own).
    func verifyAuditTables(head minuted: AuditHead?, office: String?) async throws -> AuditVerification {
        try await store.read { tx in try self.verifyAuditTables(head: minuted, office: office, in: tx) }
    }

    /// The same checks inside a transaction the caller holds (an import checks what it wrote before it commits).
    func verifyAuditTables(
        head minuted: AuditHead?, office: String?, in tx: any StoreTransaction
    ) throws -> AuditVerification {
        if let office, try tx.office(id: office) == nil {
            throw ServiceRefusal.notFound(rule: .knownOffice, message: "no office '\(office)' to verify")
        }
        var verifier = AuditChainVerifier(
            head: minuted, office: office, anchor: office == nil ? nil : try tx.globalChainHead().hash)
        var transitions: [String: [(from: String, to: String)]] = [:]
        var created: [String: String] = [:]
        // Records an import made in the state its register gave (no acts were taken in the product).
        var historic: Set<String> = []
        var lastSeals: [String: (sequence: Int64, seal: String?)] = [:]
        try tx.forEachAuditEvent(office: office) { event in
            guard verifier.check(event) else { return false }
            if let key = event.sealedRecord { lastSeals[key] = (event.sequence, event.seal) }
            if let id = event.instanceID, let to = event.toState {
                if let from = event.fromState {
                    transitions[id, default: []].append((from, to))
                } else {
                    created[id] = to
                    if event.event == DecisionRegisterImport.event { historic.insert(id) }
                }
            }
            return true
        }
        var problems: [String] = []
        if let problem = verifier.finish() { problems.append(problem.description) }
        let instances = try tx.instances(office: office)
        if problems.isEmpty {
            problems += try rebuildProblems(
                instances, created: created, historic: historic, transitions: transitions, tx: tx)
        }
        let seals = try tx.recordSeals(office: office)
        if problems.isEmpty { problems += Self.sealProblems(seals, lastSeals: lastSeals, office: office) }
        let head =
            try office.map { try tx.auditHead(office: $0) ?? AuditHead(sequence: 0, hash: AuditEvent.genesisHash) }
            ?? tx.auditHead()
        return AuditVerification(
            eventsChecked: verifier.count, instancesRebuilt: instances.count, recordsSealed: seals.count,
            head: head, problems: problems)
    }

    /// Each record whose content now differs from the seal of its last sealed event, that no event sealed, or that
    /// an event sealed and the tables no longer hold.
    static func sealProblems(
        _ seals: [RecordSeal], lastSeals: [String: (sequence: Int64, seal: String?)], office: String?
    ) -> [String] {
        var problems: [String] = []
        var present: Set<String> = []
        for seal in seals {
            let key = seal.record.key
            present.insert(key)
            guard let last = lastSeals[key] else {
                problems.append("\(seal.name): no audit event seals it (it was written behind the product's back)")
                continue
            }
            if last.seal != seal.hash {
                problems.append("\(seal.name): content differs from its last sealed event #\(last.sequence)")
            }
        }
        for (key, last) in lastSeals.sorted(by: { $0.value.sequence < $1.value.sequence })
        where last.seal != nil && !present.contains(key) {
            let name = SealedRecord(key: key)?.description ?? key
            problems.append(
                "\(name): sealed by event #\(last.sequence) but missing from the tables"
                    + (office.map { " of \($0)" } ?? "") + " (it was deleted or moved)")
        }
        return problems
    }

    private func rebuildProblems(
        _ instances: [WorkflowInstance], created: [String: String], historic: Set<String>,
        transitions: [String: [(from: String, to: String)]], tx: any StoreTransaction
    ) throws -> [String] {
        for instance in instances {
            let definition = try definition(for: instance, in: tx)
            // A historic import starts its record in any state of the workflow; every other record in the initial.
            let start =
                historic.contains(instance.id) && definition.states.contains { $0.name == created[instance.id] }
                ? created[instance.id]! : definition.initial
            guard created[instance.id] == start else {
                return [
                    "instance \(instance.id): its creation event is missing or does not start in "
                        + "'\(definition.initial)'"
                ]
            }
            switch WorkflowEngine.replay(transitions[instance.id] ?? [], definition: definition, from: start) {
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
