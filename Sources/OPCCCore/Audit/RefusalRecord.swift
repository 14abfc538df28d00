/// A refused act, kept apart from the audit chain: who tried what, when, and every reason.
public struct RefusalRecord: Hashable, Sendable {
    public var office: String
    public var instanceID: String?
    public var workflow: String?
    public var event: String
    public var actor: String
    public var role: String?
    public var effectiveDay: Day?
    public var attemptedAt: String
    /// Each reason as `rule: message`.
    public var reasons: [String]

    public init(
        office: String, instanceID: String?, workflow: String?, event: String, actor: String, role: String?,
        effectiveDay: Day?, attemptedAt: String, reasons: [String]
    ) {
        self.office = office
        self.instanceID = instanceID
        self.workflow = workflow
        self.event = event
        self.actor = actor
        self.role = role
        self.effectiveDay = effectiveDay
        self.attemptedAt = attemptedAt
        self.reasons = reasons
    }
}
