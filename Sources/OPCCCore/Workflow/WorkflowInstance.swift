/// One running case of a workflow: a decision record's request, a grant agreement, a carry-forward, a return.
/// It stays on the definition version it started on; `version` counts every accepted act and edit of the record, so
/// that a change prepared against an older view is refused as stale (by the services' act runner) rather than
/// applied twice.
public struct WorkflowInstance: Hashable, Sendable, Codable {
    public let id: String
    public let office: String
    public let workflow: String
    public let workflowVersion: Int
    public var state: String
    /// Optimistic concurrency counter: increases by one with every accepted act and every edit of the record.
    public var version: Int
    /// The record this instance is about (a decision number, a grant reference): what role scopes name.
    public let recordRef: String?
    /// Effective date of the latest act; a later act may not be dated before it.
    public var lastEffectiveDay: Day?

    public init(
        id: String, office: String, workflow: String, workflowVersion: Int, state: String, version: Int,
        recordRef: String?, lastEffectiveDay: Day?
    ) {
        self.id = id
        self.office = office
        self.workflow = workflow
        self.workflowVersion = workflowVersion
        self.state = state
        self.version = version
        self.recordRef = recordRef
        self.lastEffectiveDay = lastEffectiveDay
    }
}

/// What someone is trying to do to an instance.
public struct Act: Sendable {
    public let event: String
    public let actor: Actor
    /// The role the actor says they act in; nil lets the engine pick the first of the transition's roles they hold.
    public let role: Role?
    /// The day the act took effect (a signature dated 7 March 2016 entered weeks later).
    public let effectiveDay: Day
    /// Today in Europe/London, from the clock: an act may not be dated after it.
    public let today: Day
    /// Free-form details recorded with the act (a reason, a sign-off's initials).
    public let payload: [String: String]

    public init(
        event: String, actor: Actor, role: Role? = nil, effectiveDay: Day, today: Day,
        payload: [String: String] = [:]
    ) {
        self.event = event
        self.actor = actor
        self.role = role
        self.effectiveDay = effectiveDay
        self.today = today
        self.payload = payload
    }
}
