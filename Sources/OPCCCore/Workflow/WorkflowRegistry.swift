/// What a guard or an effect sees: the definition, the instance before the act, the transition, the act, and the
/// domain subject the services attach (a decision record's sign-off status, a return's due date).
public struct WorkflowContext: Sendable {
    public let definition: WorkflowDefinition
    public let instance: WorkflowInstance
    public let transition: WorkflowDefinition.Transition
    public let act: Act
    public let subject: (any Sendable)?
    public let profile: OfficeProfile?
    public let calendar: WorkingDayCalendar

    public init(
        definition: WorkflowDefinition, instance: WorkflowInstance, transition: WorkflowDefinition.Transition,
        act: Act, subject: (any Sendable)?, profile: OfficeProfile?, calendar: WorkingDayCalendar
    ) {
        self.definition = definition
        self.instance = instance
        self.transition = transition
        self.act = act
        self.subject = subject
        self.profile = profile
        self.calendar = calendar
    }
}

/// Why a guard did not hold: the rule's name, what is wrong and what to do about it.
public struct GuardRefusal: Error, Hashable, Sendable, Codable {
    public let rule: String
    public let message: String
    public let remedy: String

    public init(rule: String, message: String, remedy: String) {
        self.rule = rule
        self.message = message
        self.remedy = remedy
    }
}

/// Something an accepted act asks the services to do, described as data (the engine performs no I/O).
public struct EffectRequest: Hashable, Sendable, Codable {
    public let name: String
    public let parameters: [String: String]

    public init(name: String, parameters: [String: String] = [:]) {
        self.name = name
        self.parameters = parameters
    }
}

/// A named guard: returns nil when it holds.
public typealias WorkflowGuard = @Sendable (WorkflowContext) -> GuardRefusal?
/// A named effect: what the accepted act asks the services to do.
public typealias WorkflowEffect = @Sendable (WorkflowContext) -> [EffectRequest]

/// The Swift implementations behind the names that workflow files use. Validation refuses a file naming a guard or
/// effect that is not registered here.
public struct WorkflowRegistry: Sendable {
    public private(set) var guards: [String: WorkflowGuard]
    public private(set) var effects: [String: WorkflowEffect]

    public init(guards: [String: WorkflowGuard] = [:], effects: [String: WorkflowEffect] = [:]) {
        self.guards = guards
        self.effects = effects
    }

    public mutating func register(guard name: String, _ body: @escaping WorkflowGuard) { guards[name] = body }
    public mutating func register(effect name: String, _ body: @escaping WorkflowEffect) { effects[name] = body }
}

/// A subject that knows which required sign-offs are still missing (a decision record).
public protocol SignOffProgress: Sendable {
    /// Titles of the signatory positions not yet signed, in form order.
    var missingSignOffs: [String] { get }
}

/// A subject with a due date (a quarterly return).
public protocol DueDated: Sendable {
    var dueDay: Day { get }
}

extension WorkflowRegistry {
    /// The guards and effects the shipped workflows use. Later features add to this list.
    public static let standard: WorkflowRegistry = {
        var r = WorkflowRegistry()
        r.register(guard: "reason-given") { context in
            guard (context.act.payload["reason"] ?? "").isBlank else { return nil }
            return GuardRefusal(
                rule: "reason-given", message: "\(context.act.event) needs a reason",
                remedy: "give the reason")
        }
        r.register(guard: "all-required-sign-offs-in") { context in
            guard let progress = context.subject as? any SignOffProgress else {
                return GuardRefusal(
                    rule: "all-required-sign-offs-in", message: "the record's sign-offs are not known",
                    remedy: "record the sign-offs the office profile requires")
            }
            guard !progress.missingSignOffs.isEmpty else { return nil }
            return GuardRefusal(
                rule: "all-required-sign-offs-in",
                message: "sign-offs still missing: " + progress.missingSignOffs.joined(separator: "; "),
                remedy: "record each missing sign-off before referring to the decision-maker")
        }
        r.register(guard: "past-due-date") { context in
            guard let dated = context.subject as? any DueDated else {
                return GuardRefusal(
                    rule: "past-due-date", message: "this record has no due date", remedy: "schedule it first")
            }
            guard context.act.effectiveDay <= dated.dueDay else { return nil }
            return GuardRefusal(
                rule: "past-due-date", message: "not yet overdue: due \(dated.dueDay.iso)",
                remedy: "escalate only after the due date")
        }
        r.registerDecisionGuards()
        r.registerGrantGuards()
        r.registerCarryForwardGuards()
        r.registerReturnGuards()
        r.registerPriorityGuards()
        r.register(effect: "allocate-decision-number") { _ in [EffectRequest(name: "allocate-decision-number")] }
        r.register(effect: "start-publication-clock") { context in
            guard let profile = context.profile else { return [] }
            let due = context.calendar.adding(
                workingDays: profile.part1DeadlineWorkingDays, to: context.act.effectiveDay)
            return [EffectRequest(name: "set-deadline", parameters: ["kind": "part1-publication", "day": due.iso])]
        }
        r.register(effect: "set-deferral-deadline") { context in
            // An undated (or unreadable) until-date sets no deadline: the record goes on the review list instead.
            guard let until = context.act.payload["until"].flatMap({ try? Day(iso: $0) }) else { return [] }
            return [EffectRequest(name: "set-deadline", parameters: ["kind": "part1-publication", "day": until.iso])]
        }
        r.register(effect: "schedule-quarterly-returns") { _ in [EffectRequest(name: "schedule-quarterly-returns")] }
        r.register(effect: "settle-carry-forward") { _ in [EffectRequest(name: "settle-carry-forward")] }
        r.register(effect: "release-payment") { _ in [EffectRequest(name: "release-payment")] }
        return r
    }()
}
