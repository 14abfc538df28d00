/// What a guard or an effect sees: the definition, the instance before the act, the transition, the act, and the
/// domain subject the services attach (a decision record's sign-off status, a return's due date).
public struct WorkflowContext: Sendable {
    public let definition: WorkflowDefinition
    public let instance: WorkflowInstance
    public let transition: WorkflowDefinition.Transition
    public let act: Act
    public let subject: WorkflowSubject?
    public let profile: OfficeProfile?
    public let calendar: WorkingDayCalendar

    public init(
        definition: WorkflowDefinition, instance: WorkflowInstance, transition: WorkflowDefinition.Transition,
        act: Act, subject: WorkflowSubject?, profile: OfficeProfile?, calendar: WorkingDayCalendar
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

/// A named guard: returns nil when it holds.
public typealias WorkflowGuard = @Sendable (WorkflowContext) -> GuardRefusal?
/// A named effect rule: which typed effects the accepted act asks the services to perform.
public typealias WorkflowEffectRule = @Sendable (WorkflowContext) -> [WorkflowEffect]

/// The Swift implementations behind the names that workflow files use. Validation refuses a file naming a guard or
/// effect that is not registered here.
public struct WorkflowRegistry: Sendable {
    public private(set) var guards: [String: WorkflowGuard]
    public private(set) var effects: [String: WorkflowEffectRule]

    public init(guards: [String: WorkflowGuard] = [:], effects: [String: WorkflowEffectRule] = [:]) {
        self.guards = guards
        self.effects = effects
    }

    public mutating func register(guard name: String, _ body: @escaping WorkflowGuard) { guards[name] = body }
    public mutating func register(effect name: String, _ body: @escaping WorkflowEffectRule) { effects[name] = body }
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
            guard let missing = context.subject?.missingSignOffs else {
                return GuardRefusal(
                    rule: "all-required-sign-offs-in", message: "the record's sign-offs are not known",
                    remedy: "record the sign-offs the office profile requires")
            }
            guard !missing.isEmpty else { return nil }
            return GuardRefusal(
                rule: "all-required-sign-offs-in",
                message: "sign-offs still missing: " + missing.joined(separator: "; "),
                remedy: "record each missing sign-off before referring to the decision-maker")
        }
        r.register(guard: "past-due-date") { context in
            guard let dueDay = context.subject?.dueDay else {
                return GuardRefusal(
                    rule: "past-due-date", message: "this record has no due date", remedy: "schedule it first")
            }
            guard context.act.effectiveDay <= dueDay else { return nil }
            return GuardRefusal(
                rule: "past-due-date", message: "not yet overdue: due \(dueDay.iso)",
                remedy: "escalate only after the due date")
        }
        r.registerDecisionGuards()
        r.registerGrantGuards()
        r.registerCarryForwardGuards()
        r.registerReturnGuards()
        r.registerPriorityGuards()
        // Names older definitions carry for work their acts do by themselves: kept so pinned definitions load.
        r.register(effect: "allocate-decision-number") { _ in [.performedByTheAct("allocate-decision-number")] }
        r.register(effect: "settle-carry-forward") { _ in [.performedByTheAct("settle-carry-forward")] }
        r.register(effect: "start-publication-clock") { context in
            guard let profile = context.profile else { return [] }
            let due = context.calendar.adding(
                workingDays: profile.part1DeadlineWorkingDays, to: context.act.effectiveDay)
            return [.setDeadline(.part1Publication, due)]
        }
        r.register(effect: "set-deferral-deadline") { context in
            // An undated (or unreadable) until-date sets no deadline: the record goes on the review list instead.
            guard let until = context.act.payload["until"].flatMap({ try? Day(iso: $0) }) else { return [] }
            return [.setDeadline(.part1Publication, until)]
        }
        r.register(effect: "schedule-quarterly-returns") { _ in [.scheduleQuarterlyReturns] }
        r.register(effect: "release-payment") { _ in [.releasePayment] }
        return r
    }()
}
