/// A posting as stored, with its sequence number and the audit event that records it.
public struct StoredPosting: Hashable, Sendable {
    public let sequence: Int64
    public let auditSequence: Int64
    public let recordedBy: String
    public let posting: Posting

    public init(sequence: Int64, auditSequence: Int64, recordedBy: String, posting: Posting) {
        self.sequence = sequence
        self.auditSequence = auditSequence
        self.recordedBy = recordedBy
        self.posting = posting
    }
}
