import Foundation
import OPCCCore
import OPCCServices

/// The named schemas of the API's bodies and answers. Request bodies are closed (`additionalProperties: false`);
/// answers list the fields they carry and may gain new ones.
enum APISchemas {
    static let s = S.string()
    static let i = S.integer()
    static let b = S.boolean()
    static let p = S.pence
    static let d = S.day

    /// Money in a file-shaped body: text in pounds ("£4,500.00") or integer pence. Digits alone are pence, so the
    /// text form has a pound sign, a point or a comma.
    static let fileMoney: Node = .map([
        (
            "anyOf",
            .list([
                S.text(
                    "Pounds as a person writes them, e.g. \"£4,500.00\" (not digits alone: those are pence).",
                    pattern:
                        "^(£\(S.amountPattern)|\(S.poundsPattern)\\.[0-9]{2}|\(S.ceilingPoundsPattern)\\.00"
                        + "|[1-9][0-9]{0,2}(,[0-9]{3}){1,2}|[1-9](,[0-9]{3}){3}|10,000,000,000)$",
                    example: "£4,500.00"),
                S.integer("Integer pence.", minimum: 0, maximum: S.largestPence),
            ])
        )
    ])

    static func answer(_ properties: [(String, Node)], required: [String], _ description: String) -> Node {
        S.object(properties, required: required, description: description)
    }

    static var named: [(String, Node)] {
        [
            ("Done", answer([("done", s)], required: ["done"], "What was done.")),
            ("DecisionDraft", decisionDraft().nonBlankStrings),
            ("NewDecision", decisionDraft(required: ["title"]).nonBlankStrings),
            (
                "Decision",
                answer(
                    [
                        ("id", s), ("office", s), ("number", s), ("title", s), ("status", s), ("executiveSummary", s),
                        ("recommendation", s), ("originatingOfficer", s), ("amountPence", p), ("fundingStrand", s),
                        ("fundingFinancialYear", s), ("introductionAndBackground", s), ("issuesForConsideration", s),
                        ("backgroundPapers", s), ("implications", .map([("type", .string("object"))])),
                        ("significantPublicInterest", b), ("publicationDeferred", b), ("deferralReason", s),
                        ("deferralUntil", d), ("part2Exists", b), ("part2Reason", s), ("pressReleaseRequired", b),
                        (
                            "signOffs",
                            S.array(
                                S.object([
                                    ("position", s), ("name", s), ("initials", s), ("date", d), ("recordedBy", s),
                                ]))
                        ),
                        (
                            "decision",
                            S.object([
                                ("outcome", s), ("decisionMaker", s), ("role", s), ("interestsDeclared", s),
                                ("date", d),
                            ])
                        ),
                        ("part1Deadline", d), ("publishedOn", d),
                        ("flaggedExceptions", S.array(S.anyObject("A flagged exception."))),
                        (
                            "permittedActs",
                            S.array(
                                S.object(
                                    [("event", s), ("to", s), ("roles", S.array(s))],
                                    required: ["event", "to", "roles"],
                                    description:
                                        "An act the caller may take now, by the workflow's roles, scope and state; "
                                        + "its guards are tried when it is taken."))
                        ),
                    ], required: ["id", "office", "title", "status", "part2Exists", "signOffs"],
                    "A decision record's Part 1 (never Part 2 content).")
            ),
            (
                "DecisionRow",
                answer(
                    [
                        ("id", s), ("office", s), ("number", s), ("title", s), ("status", s), ("amountPence", p),
                        ("strand", s), ("financialYear", s), ("originatingOfficer", s), ("decidedOn", d),
                        ("outcome", s), ("part1Deadline", d), ("publishedOn", d), ("deferred", b),
                        ("deferralUntil", d), ("part2Exists", b), ("exceptionCount", i),
                    ], required: ["id", "office", "title", "status", "deferred", "part2Exists", "exceptionCount"],
                    "One line of the decision register: Part 1 facts only.")
            ),
            (
                "Budget",
                answer(
                    [("office", s), ("year", S.year), ("strand", s), ("name", s), ("amountPence", p)],
                    required: ["office", "year", "strand", "name", "amountPence"], "A budget strand for a year.")
            ),
            (
                "Allocation",
                answer(
                    [
                        ("id", s), ("office", s), ("year", S.year), ("strand", s), ("recipientOrgID", s),
                        ("recipientName", s), ("purpose", s), ("area", s), ("decisionID", s), ("amount", p),
                        ("spendKind", S.oneOf(["revenue", "capital"])), ("revenueContributionToCapital", b),
                        ("method", S.oneOf(["single", "fixed-per-area", "formula", "grant-round"])),
                        ("overCommitmentPercent", i), ("day", d), ("sizeBand", s),
                    ], required: ["id", "office", "year", "strand", "recipientOrgID", "amount", "decisionID"],
                    "Money allocated to a recipient under a decision (amount in pence).")
            ),
            (
                "AllocationShare",
                answer(
                    [
                        ("recipientOrgId", s), ("recipientName", s), ("purpose", s), ("area", s), ("amountPence", p),
                        ("sizeBand", s),
                    ],
                    required: ["recipientOrgId", "recipientName", "purpose", "amountPence"],
                    "One recipient's share of a split.")
            ),
            ("SplitFile", splitFile.nonBlankStrings),
            (
                "ReconciliationRow",
                answer(
                    [
                        ("office", s), ("financialYear", s), ("strand", s), ("recipient", s), ("budgetPence", p),
                        ("allocatedPence", p), ("committedPence", p), ("paidPence", p), ("returnedPence", p),
                        ("carriedInPence", p), ("carriedOutPence", p), ("availablePence", p),
                        ("clawbackDuePence", p), ("writtenOffPence", p), ("unallocatedPence", p),
                    ], required: ["office", "financialYear", "allocatedPence", "paidPence"],
                    "One line of the reconciliation: a strand, or a recipient within it.")
            ),
            (
                "CarryForward",
                answer(
                    [
                        ("id", s), ("office", s), ("year", S.year), ("strand", s), ("recipientOrgId", s),
                        ("reason", s), ("state", s), ("forecastPence", p), ("actualPence", p), ("decisionId", s),
                        ("decisionNumber", s),
                    ], required: ["id", "office", "year", "strand", "recipientOrgId", "state", "forecastPence"],
                    "A request to carry an underspend into the next year.")
            ),
            (
                "AgreementEntry",
                answer(
                    [
                        ("agreement", grantAgreement), ("state", s), ("decisionNumber", s),
                        ("paidPence", p),
                    ], required: ["agreement", "state", "paidPence"], "A grant agreement with its state.")
            ),
            ("AgreementTerms", agreementTerms.nonBlankStrings),
            (
                "GrantQuarter",
                answer(
                    [
                        ("quarter", s), ("returnID", s), ("state", s), ("profiledPence", p),
                        ("spendInQuarterPence", p), ("profiledToDatePence", p), ("spendToDatePence", p),
                        ("varianceBasisPoints", i), ("red", i), ("amber", i), ("green", i),
                        ("indicators", .map([("type", .string("object"))])),
                        ("context", .map([("type", .string("object"))])),
                    ], required: ["quarter", "returnID", "state", "profiledPence"],
                    "One quarter of a grant: spend against profile, RAG counts and indicators.")
            ),
            ("Variation", variation.nonBlankStrings),
            (
                "VariationProposal",
                answer(
                    [
                        ("id", s), ("office", s), ("agreementID", s), ("returnID", s), ("returnVersion", i),
                        ("kind", S.oneOf(["amount", "dates", "plan-lines"])), ("description", s),
                        ("amountChange", i), ("proposedBy", s), ("proposedOn", d), ("status", s),
                        ("decidedBy", s), ("decidedOn", d), ("refusalReason", s),
                    ], required: ["id", "agreementID", "kind", "status"], "A change a project board asked for.")
            ),
            (
                "ReturnRow",
                answer(
                    [
                        ("id", s), ("office", s), ("agreement", s), ("recipient", s), ("quarter", s), ("dueOn", d),
                        ("state", s), ("due", b), ("overdue", b), ("reminded", b), ("escalated", b),
                        ("awaitingReview", b), ("version", i),
                    ], required: ["id", "office", "agreement", "quarter", "dueOn", "state"], "One quarterly return.")
            ),
            (
                "Return",
                answer(
                    [
                        ("id", s), ("agreement", s), ("quarter", s), ("start", d), ("end", d), ("dueOn", d),
                        ("state", s),
                        ("versions", S.array(S.anyObject("A version: number, content, submission and review."))),
                    ], required: ["id", "agreement", "quarter", "dueOn", "state", "versions"],
                    "A quarterly return with every version and its review.")
            ),
            ("ReturnContent", returnContent.nonBlankStrings),
            (
                "VLIWard",
                answer(
                    [
                        ("run", s), ("code", s), ("name", s), ("areas", i), ("overThreshold", i),
                        ("meanVLI", .map([("type", .string("number"))])),
                        ("maxVLI", .map([("type", .string("number"))])),
                        ("population", i), ("status", s), ("decisionNumber", s),
                    ], required: ["run", "code", "name", "areas"], "A ward as the latest VLI run ranks it.")
            ),
            (
                "VLIWardView",
                answer(
                    [
                        ("run", s), ("scheme", s), ("proxies", S.array(s)), ("ward", S.anyObject("The ward's scores.")),
                        ("lsoas", S.array(S.anyObject("An LSOA with its VLI score."))), ("status", s),
                        ("notes", S.array(S.anyObject("A moderation note."))), ("decision", s),
                        ("decisionTitle", s), ("decisionAmountPence", p),
                        ("allocations", S.array(S.anyObject("Money allocated to the ward."))),
                        ("agreements", S.array(S.anyObject("An agreement paying for the ward, with its returns."))),
                    ], required: ["run", "scheme", "ward", "lsoas"],
                    "One ward's chain: evidence, decision, money, agreements, returns.")
            ),
            (
                "VLIRun",
                answer(
                    [
                        ("id", s), ("office", s), ("scheme", s), ("schemeVersion", i), ("schemeSHA256", s),
                        ("inputsSHA256", s), ("runOn", d), ("runBy", s),
                    ], required: ["id", "office", "scheme", "runOn"], "A stored VLI run.")
            ),
            (
                "PriorityAssessmentRow",
                answer(
                    [
                        ("id", s), ("office", s), ("partnership", s), ("partnershipName", s), ("financialYear", s),
                        ("state", s), ("threats", i), ("high", i), ("medium", i), ("low", i), ("priorities", i),
                    ], required: ["id", "office", "partnership", "financialYear", "state"], "A strategic assessment.")
            ),
            (
                "PriorityAssessmentView",
                answer(
                    [
                        ("id", s), ("office", s), ("partnership", s), ("partnershipName", s), ("financialYear", s),
                        ("state", s), ("source", s), ("method", S.anyObject("The declared scoring method.")),
                        ("agencies", S.array(s)),
                        ("threats", S.array(S.anyObject("A threat with its scores and band."))),
                        ("totalsDiffering", i), ("priorities", S.array(S.anyObject("A priority."))),
                        ("boardDecisions", S.array(S.anyObject("A board decision with its reason."))),
                    ], required: ["id", "office", "partnership", "financialYear", "state", "threats"],
                    "A strategic assessment on the risk/harm matrix.")
            ),
        ]
    }
}
