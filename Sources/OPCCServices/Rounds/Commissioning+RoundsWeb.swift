import Foundation
import OPCCCore
import OPCCStore

/// One award of a decided round as its public page lists it.
public struct RoundAward: Hashable, Sendable {
    public let organisation: String
    public let orgID: String
    public let area: String
    public let amount: Money
    /// The number of the decision that approved it (`014/2016`).
    public let decisionNumber: String

    public init(organisation: String, orgID: String, area: String, amount: Money, decisionNumber: String) {
        self.organisation = organisation
        self.orgID = orgID
        self.area = area
        self.amount = amount
        self.decisionNumber = decisionNumber
    }
}

/// What the web front end of the grant rounds reads beyond the rounds' own services (issue 29, written for the web).
extension Commissioning {
    /// The awards of a decided round as the public may read them: the allocations its decision record made, and only
    /// once that decision's Part 1 is published, as for the grants register (nothing reaches the public before the
    /// decision that approved it does). Never an application, a score or a declined applicant. Largest first.
    public func publishedAwards(of roundID: String) async throws -> [RoundAward] {
        let round = try await round(roundID, by: nil)
        guard round.state == .decided, let decisionID = round.decisionID else { return [] }
        return try await store.read { tx in
            guard let instance = try tx.instance(id: decisionID), instance.state == "published",
                let record = try tx.decision(id: decisionID)?.withoutPart2Content, record.publishedOn != nil,
                let number = record.number
            else { return [] }
            return try tx.allocations(office: round.office).map(\.allocation).filter {
                $0.decisionID == decisionID && $0.method == .grantRound
            }.sorted { ($0.amount, $1.recipientName) > ($1.amount, $0.recipientName) }.map {
                RoundAward(
                    organisation: $0.recipientName, orgID: $0.recipientOrgID, area: $0.area ?? "", amount: $0.amount,
                    decisionNumber: number)
            }
        }
    }
}
