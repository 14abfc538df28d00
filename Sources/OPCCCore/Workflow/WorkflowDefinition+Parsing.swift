/// A workflow file that cannot be used, naming the file, what in it is wrong (a state, event, guard or field), and
/// the problem.
public struct WorkflowDefinitionError: Error, Hashable, Sendable, CustomStringConvertible {
    public let source: String
    public let subject: String
    public let problem: String

    public init(source: String, subject: String, problem: String) {
        self.source = source
        self.subject = subject
        self.problem = problem
    }

    public var description: String { "\(source): \(subject): \(problem)" }
}

extension WorkflowDefinition {
    private struct Raw: Decodable {
        struct RawTransition: Decodable {
            var from: OneOrMany?
            var event: String?
            var to: String?
            var roles: [String]?
            var guards: [String]?
            var effects: [String]?
        }
        var name: String?
        var version: Int?
        var description: String?
        var initial: String?
        var terminal: [String]?
        var states: [String: String]?
        var events: [String: String]?
        var transitions: [RawTransition]?
    }

    /// `from: draft` or `from: [draft, awaiting-sign-offs]`.
    private struct OneOrMany: Decodable {
        var values: [String]
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let one = try? container.decode(String.self) {
                values = [one]
            } else {
                values = try container.decode([String].self)
            }
        }
    }

    /// Reads a definition from YAML text, checking its shape (every field present and of the right kind, every
    /// state and event named in a transition declared). Structural checks that need the registry
    /// (guards, effects, reachability) are `WorkflowValidator`'s.
    ///
    /// The file format:
    /// ```yaml
    /// name: decision-request
    /// version: 1
    /// description: …
    /// initial: draft
    /// terminal: [published, withdrawn]
    /// states: { draft: "why an instance is here", … }
    /// events: { submit: "when it happens", … }
    /// transitions:
    ///   - { from: draft, event: submit, to: awaiting-sign-offs, roles: [officer], guards: [], effects: [] }
    ///   - { from: awaiting-sign-offs, event: sign-off, roles: [officer] }   # no `to`: recorded, state unchanged
    /// ```
    public static func parse(yaml: String, source: String) throws(WorkflowDefinitionError) -> WorkflowDefinition {
        func fail(_ subject: String, _ problem: String) -> WorkflowDefinitionError {
            WorkflowDefinitionError(source: source, subject: subject, problem: problem)
        }
        let raw: Raw
        do { raw = try StrictYAML.decode(Raw.self, from: yaml, source: source) } catch {
            throw fail(error.field, error.problem)
        }
        guard let name = raw.name, !name.isEmpty else { throw fail("name", "missing") }
        guard let version = raw.version, version >= 1 else { throw fail("version", "missing or below 1") }
        guard let stateMap = raw.states, !stateMap.isEmpty else { throw fail("states", "missing") }
        guard let initial = raw.initial else { throw fail("initial", "missing: name the one initial state") }
        guard stateMap[initial] != nil else { throw fail("state '\(initial)'", "the initial state is not declared") }
        guard let terminal = raw.terminal, !terminal.isEmpty else {
            throw fail("terminal", "missing: name the terminal states")
        }
        for t in terminal where stateMap[t] == nil {
            throw fail("state '\(t)'", "listed as terminal but not declared under states")
        }
        guard let eventMap = raw.events, !eventMap.isEmpty else { throw fail("events", "missing") }
        var transitions: [Transition] = []
        for (i, t) in (raw.transitions ?? []).enumerated() {
            let at = "transitions[\(i)]"
            guard let event = t.event else { throw fail(at + ".event", "missing") }
            guard eventMap[event] != nil else { throw fail("event '\(event)'", "used in \(at) but not declared") }
            guard let froms = t.from?.values, !froms.isEmpty else { throw fail(at + ".from", "missing") }
            var roles: [Role] = []
            for roleName in t.roles ?? [] {
                guard let role = Role(rawValue: roleName) else {
                    throw fail("\(at) role '\(roleName)'", "unknown role; the roles are \(Role.namesForHelp)")
                }
                roles.append(role)
            }
            guard !roles.isEmpty else { throw fail(at + ".roles", "missing: name the roles allowed to fire it") }
            for from in froms {
                guard stateMap[from] != nil else { throw fail("state '\(from)'", "used in \(at) but not declared") }
                let to = t.to ?? from
                guard stateMap[to] != nil else { throw fail("state '\(to)'", "used in \(at) but not declared") }
                transitions.append(
                    Transition(
                        from: from, event: event, to: to, roles: roles, guards: t.guards ?? [],
                        effects: t.effects ?? []))
            }
        }
        guard !transitions.isEmpty else { throw fail("transitions", "missing") }
        return WorkflowDefinition(
            name: name, version: version, description: raw.description ?? "",
            states: stateMap.keys.sorted().map { State(name: $0, description: stateMap[$0]!) },
            initial: initial, terminal: terminal,
            events: eventMap.keys.sorted().map { Event(name: $0, description: eventMap[$0]!) },
            transitions: transitions, sourceText: yaml)
    }
}
