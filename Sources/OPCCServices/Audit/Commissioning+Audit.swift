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
        try await verifyAudit(head: minuted, office: office, chunk: 1_000)
    }

    /// The same, reading instances and records `chunk` at a time (the tests make chunks small to cross their edges).
    @_spi(Bench) public func verifyAudit(
        head minuted: AuditHead? = nil, office: String? = nil, chunk: Int
    ) async throws -> AuditVerification {
        let tables = try await verifyAuditTablesOnTwoReads(head: minuted, office: office, chunk: chunk)
        let files = try await documentFileProblems(office: office)
        return AuditVerification(
            eventsChecked: tables.eventsChecked, instancesRebuilt: tables.instancesRebuilt,
            recordsSealed: tables.recordsSealed, head: tables.head, problems: tables.problems + files)
    }

    /// The chains, instances and seals without the documents' files (a restore checks those on their own).
    func verifyAuditTables(head minuted: AuditHead?, office: String?) async throws -> AuditVerification {
        try await verifyAuditTablesOnTwoReads(head: minuted, office: office, chunk: 1_000)
    }

    /// The chains and the instances on one read transaction and, at the same time on a second (the other core), the
    /// records' seals: the two halves of `verifyAuditTables`, which share nothing but the snapshot. Each read notes
    /// its `auditSnapshotMark` (the newest event, and on PostgreSQL every office's head); when the two differ a write
    /// came between their starts, and the whole check is done again in one read, so the outcome is always that of
    /// one snapshot. `twoReads: false` (for the tests) goes straight to that one read.
    @_spi(Bench) public func verifyAuditTablesOnTwoReads(
        head minuted: AuditHead?, office: String?, chunk: Int, twoReads: Bool = true
    ) async throws -> AuditVerification {
        if twoReads,
            let halves = try await onOneSnapshot(
                { tx in try self.checkChains(head: minuted, office: office, in: tx, chunk: chunk) },
                { tx in try self.checkSeals(office: office, in: tx, chunk: chunk) })
        {
            return Self.verification(halves.0, halves.1)
        }
        return try await store.read { tx in
            try self.verifyAuditTables(head: minuted, office: office, in: tx, chunk: chunk)
        }
    }

    /// `first` and `second` on two read transactions at once (the two cores), each noting its
    /// `auditSnapshotMark`: their results when both marks are the same, so that both saw one snapshot; nil when a
    /// write came between their starts (the caller then does the work again in one read).
    func onOneSnapshot<First: Sendable, Second: Sendable>(
        _ first: @escaping @Sendable (any StoreTransaction) throws -> First,
        _ second: @escaping @Sendable (any StoreTransaction) throws -> Second
    ) async throws -> (First, Second)? {
        async let firstRead = store.read { tx in (mark: try tx.auditSnapshotMark(), value: try first(tx)) }
        async let secondRead = store.read { tx in (mark: try tx.auditSnapshotMark(), value: try second(tx)) }
        let (a, b) = try await (firstRead, secondRead)
        return a.mark == b.mark ? (a.value, b.value) : nil
    }

    /// The same checks inside a transaction the caller holds (an import checks what it wrote before it commits).
    ///
    /// Streamed in bounded memory: the events are read in sequence order in chunks and only the chain's running
    /// state is kept; the instances are rebuilt `chunk` at a time, each chunk's events read through the instance
    /// index; the events that seal records are read again, alone, keeping each sealed record's last seal (its key,
    /// the event's number and the seal), and the records' seals are recomputed `chunk` records of one kind at a time
    /// and compared as they come.
    func verifyAuditTables(
        head minuted: AuditHead?, office: String?, in tx: any StoreTransaction, chunk: Int = 1_000
    ) throws -> AuditVerification {
        let chains = try checkChains(head: minuted, office: office, in: tx, chunk: chunk)
        return Self.verification(chains, try checkSeals(office: office, in: tx, chunk: chunk))
    }

    /// What the chains' half of the check found: the events checked and the first problem of the chains, the
    /// instances rebuilt and the first found wrong (sought only when the chains are sound), and the head.
    struct ChainCheck: Sendable {
        let eventsChecked: Int
        let instancesRebuilt: Int
        let problems: [String]
        let head: AuditHead
    }

    /// What the seals' half found: how many records it sealed, and every record that differs from its last seal,
    /// that no event seals, or that an event sealed and the tables no longer hold.
    struct SealCheck: Sendable {
        let recordsSealed: Int
        let problems: [String]
    }

    /// Every hash and link of the chains (`office`'s only when given), that the log still reaches `minuted`, and
    /// every instance rebuilt from its events.
    func checkChains(
        head minuted: AuditHead?, office: String?, in tx: any StoreTransaction, chunk: Int
    ) throws -> ChainCheck {
        if let office, try tx.office(id: office) == nil {
            throw ServiceRefusal.notFound(rule: .knownOffice, message: "no office '\(office)' to verify")
        }
        var verifier = AuditChainVerifier(
            head: minuted, office: office, anchor: office == nil ? nil : try tx.globalChainHead().hash)
        try tx.forEachAuditEventBytes(office: office) { verifier.check($0) }
        var problems: [String] = []
        if let problem = verifier.finish() { problems.append(problem.description) }
        var instancesRebuilt = 0
        var rebuildProblem: String?
        try tx.forEachInstanceHistory(office: office, chunk: chunk) { histories in
            instancesRebuilt += histories.count
            // Only the first instance found wrong is named (as when the whole log was replayed at once); the count
            // goes on.
            if problems.isEmpty, rebuildProblem == nil {
                rebuildProblem = try self.rebuildProblem(histories, tx: tx)
            }
            return true
        }
        if let rebuildProblem { problems.append(rebuildProblem) }
        let head =
            try office.map { try tx.auditHead(office: $0) ?? AuditHead(sequence: 0, hash: AuditEvent.genesisHash) }
            ?? tx.auditHead()
        return ChainCheck(
            eventsChecked: verifier.count, instancesRebuilt: instancesRebuilt, problems: problems, head: head)
    }

    /// Every record's seal (`office`'s only when given) recomputed from the tables and compared with the seal of
    /// the last event that sealed it.
    func checkSeals(office: String?, in tx: any StoreTransaction, chunk: Int) throws -> SealCheck {
        var lastSeals: [String: LastSeal] = [:]
        try tx.forEachSealingEvent(office: office) { sequence, key, seal in
            lastSeals[String(decoding: key, as: UTF8.self)] = LastSeal(sequence: sequence, seal: seal)
        }
        var recordsSealed = 0
        var problems: [String] = []
        try tx.forEachRecordSealChunk(office: office, chunk: chunk) { seals in
            recordsSealed += seals.count
            problems += Self.sealProblems(seals, lastSeals: &lastSeals)
        }
        return SealCheck(
            recordsSealed: recordsSealed, problems: problems + Self.missingSealedRecords(lastSeals, office: office))
    }

    /// The two halves together: the chains' and instances' problems, or (only when there are none, since the
    /// records are then what the log says they were) the seals'.
    static func verification(_ chains: ChainCheck, _ seals: SealCheck) -> AuditVerification {
        AuditVerification(
            eventsChecked: chains.eventsChecked, instancesRebuilt: chains.instancesRebuilt,
            recordsSealed: seals.recordsSealed, head: chains.head,
            problems: chains.problems.isEmpty ? seals.problems : chains.problems)
    }

    /// Each record of `seals` whose content now differs from the seal of its last sealed event, or that no event
    /// sealed. Each record seen is taken out of `lastSeals`, so that what is left there is what the tables no
    /// longer hold.
    static func sealProblems(_ seals: [RecordSealHash], lastSeals: inout [String: LastSeal]) -> [String] {
        var problems: [String] = []
        for seal in seals {
            guard let last = lastSeals.removeValue(forKey: seal.record.key) else {
                problems.append("\(seal.name): no audit event seals it (it was written behind the product's back)")
                continue
            }
            if !last.matches(seal) {
                problems.append("\(seal.name): content differs from its last sealed event #\(last.sequence)")
            }
        }
        return problems
    }

    /// Each record an event sealed that the tables no longer hold (what `sealProblems` left in `lastSeals`), by the
    /// sealing event's number.
    static func missingSealedRecords(_ lastSeals: [String: LastSeal], office: String?) -> [String] {
        lastSeals.filter { $0.value.seal != nil }.sorted(by: { $0.value.sequence < $1.value.sequence }).map {
            key, last in
            let name = SealedRecord(key: key)?.description ?? key
            return "\(name): sealed by event #\(last.sequence) but missing from the tables"
                + (office.map { " of \($0)" } ?? "") + " (it was deleted or moved)"
        }
    }

    /// The last seal an event gave a record: the event's number and its seal, kept as the 64 bytes of its hex
    /// (no string per record) unless it is some other text.
    struct LastSeal {
        enum Seal {
            case hex(SIMD64<UInt8>)
            case text(String)
        }

        let sequence: Int64
        let seal: Seal?

        init(sequence: Int64, seal: UnsafeRawBufferPointer?) {
            self.sequence = sequence
            guard let seal else {
                self.seal = nil
                return
            }
            if seal.count == 64 {
                self.seal = .hex(seal.loadUnaligned(as: SIMD64<UInt8>.self))
            } else {
                self.seal = .text(String(decoding: seal, as: UTF8.self))
            }
        }

        /// Whether `record`'s seal now is this one: the seal's text equal to the record's hash, as strings compare.
        func matches(_ record: RecordSealHash) -> Bool {
            switch seal {
            case nil: false
            case .hex(let bytes): record.hashHex == bytes
            case .text(let text): text == record.hash
            }
        }
    }

    /// The first instance of `histories` whose events do not lead to its stored state, described; nil when all do.
    private func rebuildProblem(_ histories: [InstanceHistory], tx: any StoreTransaction) throws -> String? {
        for history in histories {
            let instance = history.instance
            let definition = try definition(for: instance, in: tx)
            // A historic import starts its record in any state of the workflow; every other record in the initial.
            let historic = history.creationEvents.contains(DecisionRegisterImport.event)
            let start =
                historic && definition.states.contains { $0.name == history.created }
                ? history.created! : definition.initial
            guard history.created == start else {
                return "instance \(instance.id): its creation event is missing or does not start in "
                    + "'\(definition.initial)'"
            }
            switch WorkflowEngine.replay(history.transitions, definition: definition, from: start) {
            case .failure(let mismatch):
                return "instance \(instance.id): its event \(mismatch.index + 1) leaves '\(mismatch.recordedFrom)' "
                    + "but the record was in '\(mismatch.expectedFrom)'"
            case .success(let state) where state != instance.state:
                return "instance \(instance.id): stored state is '\(instance.state)' but its events lead to '\(state)'"
            case .success:
                continue
            }
        }
        return nil
    }
}
