import OPCCCore
import OPCCStore

/// What pages read to offer a record's forms: its version and the acts the definition permits the reader now.
extension Commissioning {
    /// A record's version (every form of an act or edit carries it) and the acts `WorkflowEngine.permittedActs`
    /// allows the reader on it now, by role, scope and state. Guards are not tried: they refuse when the act is.
    public struct RecordActs: Sendable {
        public let version: Int
        public let acts: [WorkflowEngine.PermittedAct]

        public init(version: Int, acts: [WorkflowEngine.PermittedAct]) {
            self.version = version
            self.acts = acts
        }

        /// Whether the definition lets the reader take any of `events` now.
        public func permits(_ events: String...) -> Bool { acts.contains { events.contains($0.event) } }
    }

    /// The version and permitted acts of each record in `ids` the reader's office holds, in one read; another
    /// office's record, or a missing one, is left out.
    public func recordActs(_ ids: [String], by actorName: String) async throws -> [String: RecordActs] {
        try await store.read { tx in
            let person = try actor(named: actorName, in: tx)
            var found: [String: RecordActs] = [:]
            for id in ids {
                guard let instance = try tx.instance(id: id), instance.office == person.office else { continue }
                found[id] = RecordActs(
                    version: instance.version,
                    acts: engine.permittedActs(
                        on: instance, definition: try definition(for: instance, in: tx), actor: person.actor))
            }
            return found
        }
    }

    /// `recordActs` of one record: another office's, or a missing one, has none (version 0, no acts).
    public func recordActs(_ id: String, by actorName: String) async throws -> RecordActs {
        try await recordActs([id], by: actorName)[id] ?? RecordActs(version: 0, acts: [])
    }

    /// The events the reader may take on some record of `workflow` (its newest definition) in each state, by role
    /// alone: a role scoped to some records counts, as it covers some record. For lists of work ("your drafts",
    /// "returns to write") and forms that start a record.
    public func permittedEvents(workflow: String, by actorName: String) async throws -> [String: Set<String>] {
        guard let definition = catalog.latest(workflow) else { return [:] }
        let person = try await store.read { tx in try actor(named: actorName, in: tx) }
        let unscoped = Actor(name: person.name, grants: person.actor.grants.map { RoleGrant(role: $0.role) })
        var events: [String: Set<String>] = [:]
        for state in Set(definition.transitions.map(\.from)) {
            let instance = WorkflowInstance(
                id: "", office: person.office, workflow: definition.name, workflowVersion: definition.version,
                state: state, version: 0, recordRef: nil, lastEffectiveDay: nil)
            events[state] = Set(
                engine.permittedActs(on: instance, definition: definition, actor: unscoped).map(\.event))
        }
        return events
    }
}
