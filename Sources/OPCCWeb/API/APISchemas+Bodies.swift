import Foundation
import OPCCCore
import OPCCServices

/// The schemas of records and request bodies that several operations share: agreements, decision drafts, split
/// files, plan lines, variations and return content.
extension APISchemas {
    static let grantAgreement = S.object(
        [
            ("id", s), ("office", s), ("decisionID", s), ("recipient", S.anyObject("orgID and name.")),
            ("purpose", s), ("crimeAndDisorderStatement", s), ("period", S.anyObject("start and end days.")),
            ("ringFenced", b), ("allocationIDs", S.array(s)), ("amount", p),
            ("planLines", S.array(S.anyObject("A plan line."))),
            ("spendProfile", S.array(S.anyObject("A quarter's spend."))),
            ("indicators", S.array(S.anyObject("An outcome indicator."))), ("conditions", S.array(s)),
            ("payments", S.array(S.anyObject("An instalment: id, amount, condition, paidOn."))),
            ("signatures", S.array(S.anyObject("A party's signature."))),
            ("variations", S.array(S.anyObject("A variation."))),
        ], required: ["id", "office", "decisionID", "amount"], description: "The agreement's terms (amounts in pence).")

    /// A decision's editable fields; a new record needs at least its title.
    static func decisionDraft(required: [String] = []) -> Node {
        S.object(
            [
                ("title", s), ("executiveSummary", s), ("recommendation", s),
                (
                    "amount",
                    S.text("Pounds as on the form, e.g. \"£100,000\".", pattern: S.moneyPattern, example: "£100,000")
                ),
                (
                    "fundingSource",
                    S.object([("strand", s), ("year", S.year)], required: ["strand", "year"], closed: true)
                ),
                ("introductionAndBackground", s), ("issuesForConsideration", s),
                (
                    "implications",
                    .map([
                        ("type", .string("object")), ("description", .string("Heading → text, e.g. financial.")),
                        ("additionalProperties", S.string()),
                    ])
                ),
                ("backgroundPapers", s), ("significantPublicInterest", b),
                ("publication", S.object([("deferred", b), ("reason", s), ("until", d)], closed: true)),
                (
                    "part2",
                    S.object(
                        [("exists", b), ("reason", s), ("content", s), ("complete", b)], closed: true,
                        description: "Part 2 (confidential): never published, never in the audit trail.")
                ),
                (
                    "media",
                    S.object(
                        [
                            ("pressReleaseRequired", b), ("strategyFormulated", b), ("strategyAttached", b),
                            ("proposedPressReleaseDate", d),
                        ], closed: true)
                ),
            ], required: required, closed: true,
            description: required.isEmpty
                ? "A decision record's editable fields, as in the file `opcc decision raise --file` reads. Every "
                    + "field is optional; an edit changes only those given."
                : "A new decision record's fields, as in the file `opcc decision raise --file` reads: a title at least."
        )
    }

    static let splitFile = S.oneOfForms(
        S.object(
            [
                ("year", S.year), ("strand", s), ("decision", S.string("The approving decision, by number or id.")),
                ("purpose", s), ("method", S.oneOf(["fixed-per-area", "formula", "grant-round"])),
                (
                    "amountEach",
                    S.text(
                        "For fixed-per-area: each area's amount in pounds, more than £0.00.",
                        pattern: S.positiveMoneyPattern, example: "£5,000")
                ),
                (
                    "total",
                    S.text(
                        "For a formula: the total in pounds, more than £0.00.", pattern: S.positiveMoneyPattern,
                        example: "£60,000")
                ),
                (
                    "weights",
                    .map([
                        ("type", .string("object")),
                        ("additionalProperties", S.integer(minimum: 0, maximum: 1_000_000)),
                        ("description", .string("For a formula: each factor's weight, e.g. population: 3.")),
                    ])
                ),
                (
                    "bands",
                    S.array(
                        S.object(
                            [
                                ("name", s),
                                (
                                    "upTo",
                                    S.text(
                                        "The band's largest award in pounds.", pattern: S.moneyPattern,
                                        example: "5000.00")
                                ),
                            ],
                            required: ["name"], closed: true))
                ),
                (
                    "recipients",
                    S.array(
                        S.object(
                            [
                                ("orgId", S.orgID), ("name", s), ("area", s),
                                (
                                    "factors",
                                    .map([
                                        ("type", .string("object")),
                                        ("additionalProperties", S.integer(minimum: 0, maximum: 1_000_000_000)),
                                    ])
                                ),
                                (
                                    "amount",
                                    S.text(
                                        "For a grant round: the award in pounds, more than £0.00.",
                                        pattern: S.positiveMoneyPattern,
                                        example: "£4,000")
                                ),
                                (
                                    "purpose",
                                    S.string("This recipient's own purpose; the split's purpose when left out.")
                                ),
                            ], required: ["orgId", "name"], closed: true))
                ),
            ], required: ["year", "strand", "decision", "purpose", "method", "recipients"], closed: true,
            description: "A split over several recipients, as in the file `opcc finance allocate-split --file` reads."),
        splitForms)

    /// What each method of split needs besides the shared fields.
    static let splitForms: [Node] = [
        S.form(
            "fixed-per-area: amountEach and recipients (at least one area)",
            [
                ("method", S.oneOf(["fixed-per-area"])),
                ("recipients", .map([("type", .string("array")), ("minItems", .int(1))])),
            ], required: ["amountEach"]),
        S.form(
            "formula: total and weights (at least one factor)",
            [
                ("method", S.oneOf(["formula"])),
                ("weights", .map([("type", .string("object")), ("minProperties", .int(1))])),
            ],
            required: ["total", "weights"]),
        S.form(
            "grant-round: bands (at least one) and recipients (at least one award)",
            [
                ("method", S.oneOf(["grant-round"])),
                ("bands", .map([("type", .string("array")), ("minItems", .int(1))])),
                ("recipients", .map([("type", .string("array")), ("minItems", .int(1))])),
            ], required: ["bands"]),
    ]

    static let planLine = S.object(
        [("priority", s), ("description", s), ("amount", fileMoney)], required: ["priority", "description", "amount"],
        closed: true)
    static let quarterSpend = S.object(
        [("quarter", S.quarter), ("amount", fileMoney)], required: ["quarter", "amount"],
        closed: true)
    static let instalment = S.object(
        [
            ("id", s), ("amount", fileMoney),
            (
                "condition",
                S.oneOfForms(
                    S.object(
                        [
                            ("kind", S.oneOf(["on-signature", "on-date", "on-accepted-return"])), ("day", d),
                            ("quarter", S.quarter),
                        ],
                        required: ["kind"], closed: true),
                    [
                        S.form("on-signature", [("kind", S.oneOf(["on-signature"]))]),
                        S.form("on-date: day", [("kind", S.oneOf(["on-date"]))], required: ["day"]),
                        S.form(
                            "on-accepted-return: quarter", [("kind", S.oneOf(["on-accepted-return"]))],
                            required: ["quarter"]),
                    ])
            ),
            ("paidOn", d),
        ], required: ["id", "amount", "condition"], closed: true)
    static let indicator = S.object(
        [("name", s), ("unit", s), ("baseline", s), ("target", s)], required: ["name", "unit", "baseline", "target"],
        closed: true, description: "An outcome indicator: what is counted, in what unit, from where to where.")

    static let agreementTerms = S.object(
        [
            ("allocations", S.array(s, "The allocations the agreement pays out.")), ("recipientName", s),
            (
                "accountableBody",
                S.object([("orgID", S.orgID), ("name", s)], required: ["orgID", "name"], closed: true)
            ),
            ("purpose", s), ("crimeAndDisorderStatement", s), ("start", d), ("end", d), ("ringFenced", b),
            ("planLines", S.array(planLine)), ("spendProfile", S.array(quarterSpend)),
            ("indicators", S.array(indicator)), ("fixedTermPostsEnd", d), ("payments", S.array(instalment)),
        ], required: ["allocations", "purpose", "crimeAndDisorderStatement", "start", "end"], closed: true,
        description: "Terms for a new agreement, as in the file `opcc finance agreement draft --file` reads.")

    static let variation = S.object(
        [
            ("kind", S.oneOf(["amount", "dates", "plan-lines"])), ("reason", s),
            ("amountChange", S.signedMoney),
            ("newDecision", S.string("The decision approving an increase beyond the first.")),
            ("start", d), ("end", d), ("fixedTermPostsEnd", d),
            ("planLines", S.array(planLine)), ("spendProfile", S.array(quarterSpend)),
            ("payments", S.array(instalment)),
            ("proposal", S.string("The variation proposal (from a quarterly return) this approves.")),
        ], required: ["kind", "reason"], closed: true, description: "A variation of an active agreement.")

    static let returnContent = S.object(
        [
            ("spendInQuarter", fileMoney), ("spendToDate", fileMoney),
            ("varianceExplanation", S.string("Needed when spend differs from the profile by 10% or more.")),
            ("narrative", s),
            (
                "milestones",
                S.array(
                    S.object(
                        [("name", s), ("rag", S.oneOf(["red", "amber", "green"])), ("reason", s)],
                        required: ["name", "rag"], closed: true))
            ),
            (
                "indicators",
                S.array(S.object([("name", s), ("actual", s)], required: ["name", "actual"], closed: true))
            ),
            ("risks", S.array(s)), ("issues", S.array(s)),
            (
                "requestedChanges",
                S.array(
                    S.object(
                        [
                            ("kind", S.oneOf(["amount", "dates", "plan-lines"])), ("description", s),
                            ("amountChange", S.signedMoney),
                        ], required: ["kind", "description"], closed: true))
            ),
        ], required: ["spendInQuarter", "spendToDate", "narrative"], closed: true,
        description: "A return's content, as in the file `opcc return save --file` reads.")
}
