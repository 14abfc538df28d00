/// An API token as stored (never its secret).
public struct StoredAPIToken: Hashable, Sendable, Codable {
    public let id: Int64
    public let person: String
    public let label: String
    public let createdAt: String
    public let revokedAt: String?

    public init(id: Int64, person: String, label: String, createdAt: String, revokedAt: String?) {
        self.id = id
        self.person = person
        self.label = label
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
