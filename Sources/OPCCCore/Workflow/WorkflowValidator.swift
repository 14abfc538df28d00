/// Checks a parsed definition against the rules every workflow must keep, so that a mistake in a file is found when
/// it is loaded rather than when a user is half-way through a case.
public enum WorkflowValidator {
    /// Every problem found, in a stable order; empty when the definition is sound.
    public static func problems(
        in definition: WorkflowDefinition, source: String, registry: WorkflowRegistry
    ) -> [WorkflowDefinitionError] {
        func problem(_ subject: String, _ text: String) -> WorkflowDefinitionError {
            WorkflowDefinitionError(source: source, subject: subject, problem: text)
        }
        var found: [WorkflowDefinitionError] = []
        for t in definition.transitions {
            for g in t.guards where registry.guards[g] == nil {
                found.append(problem("guard '\(g)'", "unknown guard in \(t.from) --\(t.event)--> \(t.to)"))
            }
            for e in t.effects where registry.effects[e] == nil {
                found.append(problem("effect '\(e)'", "unknown effect in \(t.from) --\(t.event)--> \(t.to)"))
            }
        }
        var seen: Set<[String]> = []
        for t in definition.transitions where !seen.insert([t.from, t.event]).inserted {
            found.append(problem("state '\(t.from)'", "two transitions for event '\(t.event)' from this state"))
        }
        for t in definition.transitions where definition.isTerminal(t.from) {
            found.append(problem("state '\(t.from)'", "terminal state has an outgoing transition on '\(t.event)'"))
        }
        let reachable = reach(from: [definition.initial], in: definition.transitions, forward: true)
        for s in definition.states where !reachable.contains(s.name) {
            found.append(problem("state '\(s.name)'", "unreachable from the initial state '\(definition.initial)'"))
        }
        let canFinish = reach(from: definition.terminal, in: definition.transitions, forward: false)
        for s in definition.states where !canFinish.contains(s.name) {
            found.append(problem("state '\(s.name)'", "no terminal state can be reached from it"))
        }
        return found
    }

    private static func reach(
        from start: [String], in transitions: [WorkflowDefinition.Transition], forward: Bool
    ) -> Set<String> {
        var seen = Set(start)
        var queue = start
        while let state = queue.popLast() {
            for t in transitions where (forward ? t.from : t.to) == state {
                let next = forward ? t.to : t.from
                if seen.insert(next).inserted { queue.append(next) }
            }
        }
        return seen
    }
}
