/// A change to a running agreement that a project board asked for in a quarterly return (or finance noted), waiting
/// for finance to decide. It changes nothing by itself: approving it is a variation (with its ledger moves and
/// checks), refusing it needs a reason; either way the proposal keeps who decided and when.
public struct VariationProposal: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable { case proposed, approved, refused }

    /// e.g. `cumbria-VP-0001`.
    public var id: String
    public var office: String
    public var agreementID: String
    /// The quarterly return (and its version) that asked for it, if any.
    public var returnID: String?
    public var returnVersion: Int?
    public var kind: GrantAgreement.Variation.Kind
    public var description: String
    public var amountChange: SignedMoney?
    public var proposedBy: String
    public var proposedOn: Day
    public var status: Status
    public var decidedBy: String?
    public var decidedOn: Day?
    /// Why it was refused (an approval's reason is on the variation it became).
    public var refusalReason: String?

    public init(
        id: String, office: String, agreementID: String, returnID: String? = nil, returnVersion: Int? = nil,
        kind: GrantAgreement.Variation.Kind, description: String, amountChange: SignedMoney? = nil,
        proposedBy: String, proposedOn: Day
    ) {
        self.id = id
        self.office = office
        self.agreementID = agreementID
        self.returnID = returnID
        self.returnVersion = returnVersion
        self.kind = kind
        self.description = description
        self.amountChange = amountChange
        self.proposedBy = proposedBy
        self.proposedOn = proposedOn
        self.status = .proposed
    }
}
