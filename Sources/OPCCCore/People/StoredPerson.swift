/// A person and the roles they hold in their office.
public struct StoredPerson: Hashable, Sendable {
    public let name: String
    public let displayName: String
    public let office: String
    public let grants: [RoleGrant]
    /// Where notifications are sent; nil until one is recorded (`EmailAddress` checks its form).
    public let email: String?

    public var actor: Actor { Actor(name: name, grants: grants) }

    public init(name: String, displayName: String, office: String, grants: [RoleGrant], email: String? = nil) {
        self.name = name
        self.displayName = displayName
        self.office = office
        self.grants = grants
        self.email = email
    }
}
