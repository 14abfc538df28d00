/// A person's calendar feed as stored (never its secret).
public struct StoredCalendarFeed: Hashable, Sendable {
    public let id: Int64
    public let person: String
    public let createdAt: String
    public let revokedAt: String?

    public init(id: Int64, person: String, createdAt: String, revokedAt: String?) {
        self.id = id
        self.person = person
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
