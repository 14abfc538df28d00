/// A person and the roles they hold in their office.
public struct StoredPerson: Hashable, Sendable {
    public let name: String
    public let displayName: String
    public let office: String
    public let grants: [RoleGrant]
    /// Where notifications are sent; nil until one is recorded (`EmailAddress` checks its form).
    public let email: String?
    /// When the person was disabled (they cannot sign in, act or use a token), nil while active. Never deleted.
    public let disabledAt: String?
    /// When the person last signed in to the web, nil if never.
    public let lastSignInAt: String?

    public var isDisabled: Bool { disabledAt != nil }

    public var actor: Actor { Actor(name: name, grants: grants) }

    public init(
        name: String, displayName: String, office: String, grants: [RoleGrant], email: String? = nil,
        disabledAt: String? = nil, lastSignInAt: String? = nil
    ) {
        self.disabledAt = disabledAt
        self.lastSignInAt = lastSignInAt
        self.name = name
        self.displayName = displayName
        self.office = office
        self.grants = grants
        self.email = email
    }
}
