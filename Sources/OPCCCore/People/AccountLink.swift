/// What a one-time account link is for: the person sets a password with it, either their first (an invitation) or a
/// new one (a reset). The raw value is stored and is the mail's notification kind.
public enum AccountLinkPurpose: String, CaseIterable, Hashable, Sendable {
    /// A new person's first password: issued by their office's chief executive while they have none.
    case invitation
    /// A forgotten password: asked for on the sign-in page, or sent by the person or their chief executive.
    case passwordReset = "password-reset"
}

/// A one-time account link as stored: never its token, only the token's SHA-256 (a reader of the database cannot
/// use a link). Instants are milliseconds since 1970, so expiry is a comparison.
public struct StoredAccountLink: Hashable, Sendable {
    public let id: Int64
    public let office: String
    public let person: String
    public let purpose: AccountLinkPurpose
    public let createdAtMs: Int64
    public let expiresAtMs: Int64
    /// When the link set a password; a used link never works again.
    public let usedAtMs: Int64?
    /// A newer link for the same person and purpose, or a password set by another link, made this one void.
    public let superseded: Bool

    public init(
        id: Int64, office: String, person: String, purpose: AccountLinkPurpose, createdAtMs: Int64,
        expiresAtMs: Int64, usedAtMs: Int64?, superseded: Bool
    ) {
        self.id = id
        self.office = office
        self.person = person
        self.purpose = purpose
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
        self.usedAtMs = usedAtMs
        self.superseded = superseded
    }

    /// A link lives one hour: long enough to read the mail, short enough that an old mailbox is no key.
    public static let lifetimeSeconds = 60 * 60

    /// Why a link does not work now, or nil when it does. The visitor is told only that it no longer works; the
    /// reason goes to the audit log and the server's log.
    public func refusal(atMs nowMs: Int64) -> AccountLinkRefusal? {
        if usedAtMs != nil { return .used }
        if superseded { return .superseded }
        if nowMs >= expiresAtMs { return .expired }
        return nil
    }
}

/// Why a one-time link was refused: a complete list. The raw value is the reason the audit log records.
public enum AccountLinkRefusal: String, CaseIterable, Hashable, Sendable {
    /// No link has this token (mistyped, cut short, or never issued).
    case unknown
    /// The link's hour has passed.
    case expired
    /// The link already set a password.
    case used
    /// A newer link was sent, or another link set the password.
    case superseded
}
