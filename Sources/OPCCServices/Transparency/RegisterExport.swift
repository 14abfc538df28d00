import OPCCCore
import OPCCStore

/// The decision register as CSV and as JSON-ready rows: Part 1 facts only, money in pence, dates ISO 8601.
public enum RegisterExport {
    public static let csvHeader = [
        "office", "number", "title", "status", "amountPence", "strand", "financialYear", "originatingOfficer",
        "decidedOn", "outcome", "part1Deadline", "publishedOn", "deferred", "deferralUntil", "part2Exists",
        "flaggedExceptions",
    ]

    /// The register as CSV: text cells guarded against formula injection, numbers as they are (`CSV.line`).
    public static func csv(_ rows: [DecisionRegisterRow]) -> String {
        var lines = [CSV.header(csvHeader)]
        for r in rows {
            lines.append(
                CSV.line([
                    .text(r.office), .text(r.number ?? ""), .text(r.title), .text(r.status), .integer(r.amountPence),
                    .text(r.strand ?? ""), .text(r.financialYear ?? ""), .text(r.originatingOfficer),
                    .text(r.decidedOn?.iso ?? ""), .text(r.outcome ?? ""), .text(r.part1Deadline?.iso ?? ""),
                    .text(r.publishedOn?.iso ?? ""), .text(r.deferred ? "yes" : "no"),
                    .text(r.deferralUntil?.iso ?? ""), .text(r.part2Exists ? "yes" : "no"),
                    .integer(r.exceptionCount),
                ]))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// The JSON form of a decision as `opcc decision show --json` prints it: no Part 2 content, money in pence.
public struct DecisionJSON: Encodable, Sendable {
    public struct SignOffJSON: Encodable, Sendable {
        var position, name: String
        var initials: String?
        var date: Day
        var recordedBy: String
    }
    public struct DecisionTakenJSON: Encodable, Sendable {
        var outcome, decisionMaker, role, interestsDeclared: String
        var date: Day
    }
    var id, office, title, status, executiveSummary, recommendation, originatingOfficer: String
    var number: String?
    var amountPence: Int64?
    var fundingStrand, fundingFinancialYear: String?
    var introductionAndBackground, issuesForConsideration, backgroundPapers: String
    var implications: [String: String]
    var significantPublicInterest: Bool
    var publicationDeferred: Bool
    var deferralReason: String?
    var deferralUntil: Day?
    var part2Exists: Bool
    var part2Reason: String?
    var pressReleaseRequired: Bool
    var signOffs: [SignOffJSON]
    var decision: DecisionTakenJSON?
    var part1Deadline, publishedOn: Day?
    var flaggedExceptions: [FlaggedException]
    /// The version of the office profile the record was made under (`opcc decision show` sets it; left out
    /// elsewhere, so the API's documented shape is unchanged).
    public var profileVersion: Int?

    public init(_ view: Commissioning.DecisionView, profile: OfficeProfile) {
        let r = view.record
        id = r.id
        office = r.office
        title = r.title
        status = view.status
        number = r.number
        executiveSummary = r.executiveSummary
        recommendation = r.recommendation
        originatingOfficer = r.originatingOfficer
        amountPence = r.amount?.pence
        fundingStrand = r.fundingSource?.strand
        fundingFinancialYear = r.fundingSource?.year.description
        introductionAndBackground = r.introductionAndBackground
        issuesForConsideration = r.issuesForConsideration
        backgroundPapers = r.backgroundPapers
        implications = r.implications
        significantPublicInterest = r.significantPublicInterest
        publicationDeferred = r.publication.deferred
        deferralReason = r.publication.reason
        deferralUntil = r.publication.until
        part2Exists = r.part2.exists
        part2Reason = profile.part2ReasonPrintedOnPart1 ? r.part2.reason : nil
        pressReleaseRequired = r.media.pressReleaseRequired
        signOffs = r.signOffs.map {
            SignOffJSON(
                position: $0.position, name: $0.name, initials: $0.initials, date: $0.day, recordedBy: $0.recordedBy)
        }
        decision = r.decision.map {
            DecisionTakenJSON(
                outcome: $0.outcome.rawValue, decisionMaker: $0.decisionMaker, role: $0.role.rawValue,
                interestsDeclared: $0.interestsDeclared, date: $0.day)
        }
        part1Deadline = r.part1Deadline
        publishedOn = r.publishedOn
        flaggedExceptions = r.exceptions
    }
}
