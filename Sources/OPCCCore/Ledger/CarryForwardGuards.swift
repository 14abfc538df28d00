/// Why someone may not decide a carry-forward: only the Commissioner, or the office's delegate below its threshold
/// (seed 002: carried forward "only with PCC permission").
public enum CarryForwardRefusal: Hashable, Sendable, CustomStringConvertible {
    case onlyTheCommissioner(role: Role)
    case aboveDelegation(role: Role, forecast: Money, below: Money)

    public var rule: String { "carry-forward-decided-by-commissioner-or-delegate" }

    public var description: String {
        switch self {
        case .onlyTheCommissioner(let role):
            return "the role \(role) may not decide a carry-forward: this office delegates none"
        case .aboveDelegation(let role, let forecast, let below):
            return "the \(role) decides carry-forwards below \(below) only; this one is \(forecast)"
        }
    }

    public var guardRefusal: GuardRefusal {
        GuardRefusal(rule: rule, message: description, remedy: "the Commissioner decides it")
    }

    /// Whether `role` may decide a carry-forward of `forecast` under `profile`.
    public static func check(role: Role, forecast: Money, profile: OfficeProfile) -> CarryForwardRefusal? {
        if role == .commissioner { return nil }
        guard let delegation = profile.carryForwardDelegation, delegation.role == role else {
            return .onlyTheCommissioner(role: role)
        }
        return forecast < delegation.below
            ? nil : .aboveDelegation(role: role, forecast: forecast, below: delegation.below)
    }
}

extension WorkflowRegistry {
    /// The carry-forward workflow's decision-maker rule, reading the forecast from the act's payload
    /// (`forecastPence`) and the office profile.
    mutating func registerCarryForwardGuards() {
        register(guard: "carry-forward-decided-by-commissioner-or-delegate") { context in
            let held = context.act.actor.roles(covering: context.instance.recordRef)
            if let asked = context.act.role, !(held.contains(asked) && context.transition.roles.contains(asked)) {
                return nil  // the engine refuses that role itself
            }
            guard let role = context.act.role ?? context.transition.roles.first(where: held.contains) else {
                return nil
            }
            guard let profile = context.profile,
                let forecast = context.act.payload["forecastPence"].flatMap(Int64.init).flatMap(Money.init(pence:))
            else {
                return GuardRefusal(
                    rule: "carry-forward-decided-by-commissioner-or-delegate",
                    message: "the forecast or the office profile is not known", remedy: "act through the services")
            }
            return CarryForwardRefusal.check(role: role, forecast: forecast, profile: profile)?.guardRefusal
        }
    }
}
