/// Why an act was refused. Every case names the rule it enforces and says what to do.
public enum WorkflowRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The workflow has no such event.
    case unknownEvent(event: String, workflow: String)
    /// The event exists but cannot happen in the instance's current state.
    case eventNotAllowedInState(event: String, state: String, allowedFrom: [String])
    /// The actor holds none of the roles allowed to fire this transition (for this record).
    case notPermitted(actor: String, event: String, allowedRoles: [Role])
    /// The actor asked to act in a role they do not hold for this record.
    case roleNotHeld(actor: String, role: Role)
    /// The actor holds the role asked for, but the transition does not allow it.
    case roleNotPermitted(role: Role, event: String, allowedRoles: [Role])
    /// The act is dated after today.
    case effectiveDateInFuture(day: Day, today: Day)
    /// The act is dated before the instance's previous act: dates along a case never go backwards.
    case effectiveDateBeforePreviousAct(day: Day, previous: Day)
    /// A named guard did not hold.
    case guardFailed(GuardRefusal)

    /// The rule's name, as the refusal log and the tests know it.
    public var rule: String {
        switch self {
        case .unknownEvent: return "unknown-event"
        case .eventNotAllowedInState: return "event-not-allowed-in-state"
        case .notPermitted: return "role-required"
        case .roleNotHeld: return "role-not-held"
        case .roleNotPermitted: return "role-not-permitted"
        case .effectiveDateInFuture: return "effective-date-not-in-future"
        case .effectiveDateBeforePreviousAct: return "effective-dates-never-go-backwards"
        case .guardFailed(let g): return g.rule
        }
    }

    public var description: String {
        switch self {
        case .unknownEvent(let event, let workflow):
            return "'\(event)' is not an event of the \(workflow) workflow"
        case .eventNotAllowedInState(let event, let state, let allowed):
            let whereAllowed = allowed.isEmpty ? "in no state" : "only from " + allowed.joined(separator: ", ")
            return "'\(event)' cannot happen while the record is \(state): it is allowed \(whereAllowed)"
        case .notPermitted(let actor, let event, let roles):
            return "\(actor) may not \(event) this record: it needs one of the roles "
                + roles.map(\.rawValue).joined(separator: ", ")
        case .roleNotHeld(let actor, let role):
            return "\(actor) does not hold the role \(role) for this record"
        case .roleNotPermitted(let role, let event, let roles):
            return "the role \(role) may not \(event): allowed roles are "
                + roles.map(\.rawValue).joined(separator: ", ")
        case .effectiveDateInFuture(let day, let today):
            return "the act is dated \(day.iso), after today (\(today.iso)): date it today or earlier"
        case .effectiveDateBeforePreviousAct(let day, let previous):
            return "the act is dated \(day.iso), before the record's previous act (\(previous.iso)): "
                + "dates along a record never go backwards"
        case .guardFailed(let g):
            return "\(g.message): \(g.remedy)"
        }
    }
}

/// The pure interpreter: `(definition, instance, act, context) → accepted(new state, effects) | refused(reasons)`.
/// It performs no I/O; the services' act runner loads the instance, checks the version the actor saw, calls it, and
/// performs what it returns in one transaction. Versions are the runner's concern, not the workflow's: the
/// interpreter decides on the instance it is given.
public struct WorkflowEngine: Sendable {
    /// What an accepted act does.
    public struct Accepted: Hashable, Sendable {
        public let from: String
        public let to: String
        public let role: Role
        public let effects: [WorkflowEffect]
        /// Guards that did not hold but were overridden (a historic import): each becomes a flagged exception.
        public let exceptions: [GuardRefusal]
        public var changesState: Bool { from != to }

        public init(from: String, to: String, role: Role, effects: [WorkflowEffect], exceptions: [GuardRefusal]) {
            self.from = from
            self.to = to
            self.role = role
            self.effects = effects
            self.exceptions = exceptions
        }
    }

    public enum Outcome: Hashable, Sendable {
        case accepted(Accepted)
        case refused([WorkflowRefusal])
    }

    public let registry: WorkflowRegistry
    public let calendar: WorkingDayCalendar

    public init(registry: WorkflowRegistry = .standard, calendar: WorkingDayCalendar = WorkingDayCalendar()) {
        self.registry = registry
        self.calendar = calendar
    }

    /// Decides an act. All reasons for refusal are collected, so a user can fix them in one go.
    public func fire(
        _ act: Act, on instance: WorkflowInstance, definition: WorkflowDefinition,
        subject: WorkflowSubject? = nil, profile: OfficeProfile? = nil, overridingGuards: Bool = false
    ) -> Outcome {
        guard definition.events.contains(where: { $0.name == act.event }) else {
            return .refused([.unknownEvent(event: act.event, workflow: definition.name)])
        }
        guard let transition = definition.transition(from: instance.state, on: act.event) else {
            let allowed = definition.transitions.filter { $0.event == act.event }.map(\.from)
            return .refused([.eventNotAllowedInState(event: act.event, state: instance.state, allowedFrom: allowed)])
        }
        var reasons: [WorkflowRefusal] = []
        let role = chooseRole(for: act, transition: transition, instance: instance, reasons: &reasons)
        if act.effectiveDay > act.today {
            reasons.append(.effectiveDateInFuture(day: act.effectiveDay, today: act.today))
        }
        if let previous = instance.lastEffectiveDay, act.effectiveDay < previous {
            reasons.append(.effectiveDateBeforePreviousAct(day: act.effectiveDay, previous: previous))
        }
        let context = WorkflowContext(
            definition: definition, instance: instance, transition: transition, act: act, subject: subject,
            profile: profile, calendar: calendar)
        var guardRefusals: [GuardRefusal] = []
        for name in transition.guards {
            guard let check = registry.guards[name] else {
                reasons.append(
                    .guardFailed(
                        GuardRefusal(
                            rule: "known-guard", message: "guard '\(name)' is not registered",
                            remedy: "run opcc workflow lint")))
                continue
            }
            if let refusal = check(context) { guardRefusals.append(refusal) }
        }
        if !overridingGuards { reasons += guardRefusals.map(WorkflowRefusal.guardFailed) }
        guard reasons.isEmpty, let role else { return .refused(reasons) }
        let effects = transition.effects.flatMap { registry.effects[$0]?(context) ?? [] }
        return .accepted(
            Accepted(
                from: transition.from, to: transition.to, role: role, effects: effects,
                exceptions: overridingGuards ? guardRefusals : []))
    }

    private func chooseRole(
        for act: Act, transition: WorkflowDefinition.Transition, instance: WorkflowInstance,
        reasons: inout [WorkflowRefusal]
    ) -> Role? {
        let held = act.actor.roles(covering: instance.recordRef)
        if let asked = act.role {
            if !held.contains(asked) {
                reasons.append(.roleNotHeld(actor: act.actor.name, role: asked))
                return nil
            }
            if !transition.roles.contains(asked) {
                reasons.append(.roleNotPermitted(role: asked, event: act.event, allowedRoles: transition.roles))
                return nil
            }
            return asked
        }
        guard let role = transition.roles.first(where: held.contains) else {
            reasons.append(.notPermitted(actor: act.actor.name, event: act.event, allowedRoles: transition.roles))
            return nil
        }
        return role
    }

    /// An act someone may take on an instance now, by the definition alone: a transition from its current state
    /// whose roles include one the actor holds for this record. Guards are not evaluated: they still refuse, with
    /// their own messages, when the act is tried.
    public struct PermittedAct: Hashable, Sendable {
        public let event: String
        /// The state the act moves the record to (the same state for an act that changes none).
        public let to: String
        /// The roles the actor holds that the transition allows, in the transition's order.
        public let roles: [Role]
        /// The guards the act must pass when tried.
        public let guards: [String]
    }

    /// The acts `actor` may take on `instance` now, by role, scope and state, in the definition's order. The
    /// services check the office; pages, the API and the CLI draw their forms and links from this.
    public func permittedActs(
        on instance: WorkflowInstance, definition: WorkflowDefinition, actor: Actor
    ) -> [PermittedAct] {
        let held = actor.roles(covering: instance.recordRef)
        return definition.transitions.compactMap { transition in
            guard transition.from == instance.state else { return nil }
            let roles = transition.roles.filter(held.contains)
            guard !roles.isEmpty else { return nil }
            return PermittedAct(event: transition.event, to: transition.to, roles: roles, guards: transition.guards)
        }
    }

    /// A point at which an instance's recorded history does not fit its definition.
    public struct ReplayMismatch: Error, Hashable, Sendable {
        public let index: Int
        public let expectedFrom: String
        public let recordedFrom: String
    }

    /// Rebuilds the state an instance must be in from its state-changing events (`from`, `to`) in order, starting at
    /// the definition's initial state. Events with `from == to` change nothing and are skipped. Restoring never runs
    /// effects.
    public static func replay(
        _ events: [(from: String, to: String)], definition: WorkflowDefinition, from start: String? = nil
    ) -> Result<String, ReplayMismatch> {
        var state = start ?? definition.initial
        for (index, event) in events.enumerated() where event.from != event.to {
            guard event.from == state else {
                return .failure(ReplayMismatch(index: index, expectedFrom: state, recordedFrom: event.from))
            }
            state = event.to
        }
        return .success(state)
    }
}
