import OPCCCore

/// The list of quarterly returns, with its status filters.
struct ReturnsPage: Encodable, Sendable {
    var heading = "Quarterly returns"
    var filters: [NavLink]
    var rows: [ReturnListItem]
    var errors: [FieldError] = []
    var paging: RegisterPaging? = nil

    /// The rows as `RowHTML.returns` writes them, and whether there are any, in place of the rows themselves
    /// (Mustache's lookups of each value of 50 rows were a third of the list's time at national scale).
    private enum CodingKeys: String, CodingKey {
        case heading, filters, errors, paging, rowsHTML, hasRows
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(heading, forKey: .heading)
        try c.encode(filters, forKey: .filters)
        try c.encode(errors, forKey: .errors)
        try c.encodeIfPresent(paging, forKey: .paging)
        try c.encode(RowHTML.returns(rows), forKey: .rowsHTML)
        try c.encode(!rows.isEmpty, forKey: .hasRows)
    }
}

/// A return's page: its facts and versions, the board's form while it is outstanding, the reviewer's accept and
/// send back once submitted, the lifecycle and the indicators' trends.
struct ReturnPage: Encodable, Sendable {
    var id: String
    var heading: String
    var recipient: String
    var state: String
    var stateClass: String
    var overdue: Bool
    var facts: [Fact]
    var versions: [VersionRow]
    var reviewer: Bool
    /// The return's version when the page was read: every form carries it, so a change since refuses the post.
    var version: String
    var errors: [FieldError]
    var lifecycle: [LifecycleRow]
    var trends: [Trend]
    /// The reviewer's entries, kept when the review is refused.
    var reasons: String
    var note: String
    var form: BoardForm?
    var notice: String?
    /// Its evidence and other documents, for its readers (the grant's own board and the office's staff).
    var documents: [DocumentLink] = []
    /// The forms to attach and withdraw them, for their attachers (its board among them).
    var documentForms: DocumentsSection?

    /// One version of the return, newest first; `review` and its `reasons` once it was reviewed.
    struct VersionRow: Encodable, Sendable {
        var number: String
        var submitted: String
        var spend: String
        var narrative: String
        var correction: String
        var review: String?
        var reasons: String?

        init(_ v: ReturnVersion) {
            number = String(v.number)
            submitted = v.submittedOn.map { "\($0.iso) by \(v.submittedBy ?? "")" } ?? "Not submitted"
            spend = spendText(v.content)
            narrative = v.content.narrative
            correction = v.correctionReason ?? ""
            if let review = v.review {
                self.review =
                    "\(review.outcome == .accepted ? "Accepted" : "Sent back") by \(review.by) on \(review.on.iso)"
                reasons = review.reasons ?? ""
            }
        }
    }

    struct LifecycleRow: Encodable, Sendable {
        var day: String
        var event: String
        var to: String
        var actor: String
    }

    /// One outcome indicator's readings: the chart and its table.
    struct Trend: Encodable, Sendable {
        var svg: String
        var name: String
        var unit: String
        var baseline: String
        var target: String
        var rows: [Reading]

        struct Reading: Encodable, Sendable {
            var quarter: String
            var reading: String
        }
    }
}

/// The project board's form on a return.
struct BoardForm: Encodable, Sendable {
    var spendInQuarter: String
    var spendToDate: String
    var varianceExplanation: String
    var narrative: String
    var risks: String
    var issues: String
    var milestones: [Milestone]
    var indicators: [Indicator]
    var id: String
    /// The variances the saved figures need explained, when there are any.
    var varianceNeeded: String?

    struct Milestone: Encodable, Sendable {
        var index: Int
        var number: Int
        var name: String
        var reason: String
        var options: [Choice]
    }

    struct Indicator: Encodable, Sendable {
        var index: Int
        var name: String
        var unit: String
        var baseline: String
        var target: String
        var actual: String
    }
}

func spendText(_ content: ReturnContent) -> String {
    "\(content.spendInQuarter.formatted) in the quarter, \(content.spendToDate.formatted) to date"
}
