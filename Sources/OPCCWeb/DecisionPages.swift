import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// The home page: what needs the person today, a section per kind of work their roles do.
struct HomePage: Encodable, Sendable {
    var heading = "What needs you today"
    var name: String
    var roles: String
    var office: String
    var today: String
    var sections: [Section]
    /// The person's newest notifications and unread count.
    var notifications: HomeNotifications?
    /// The demo without a relay: a link to the outbox page.
    var demoOutbox: Bool?

    /// A list of decisions (`rows`), or of returns (`returnRows`, with `returns` set).
    struct Section: Encodable, Sendable {
        var heading: String
        var rows: [RegisterRow]?
        var returnRows: [ReturnListItem]?
        var returns: Bool?

        static func decisionList(_ heading: String, _ rows: [RegisterRow]) -> Self {
            Self(heading: heading, rows: rows)
        }

        static func returnList(_ heading: String, _ rows: [Commissioning.ReturnListRow]) -> Self {
            Self(heading: heading, returnRows: rows.map(ReturnListItem.init), returns: true)
        }
    }
}

/// The decision register for staff, with its filters; the public register has no filters.
struct RegisterPage: Encodable, Sendable {
    var heading: String
    var intro: String?
    var transparency: Bool?
    var errors: [FieldError]?
    var filters: Filters?
    var rows: [RegisterRow]
    /// Where this page sits in the whole register, and links to its neighbours.
    var paging: RegisterPaging? = nil

    struct Filters: Encodable, Sendable {
        var action: String
        var q: String
        var year: String
        var overdue: Bool
        var statuses: [Choice]

        /// The statuses' options as `RowHTML.options` writes them.
        private enum CodingKeys: String, CodingKey {
            case action, q, year, overdue, statusesHTML
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(action, forKey: .action)
            try c.encode(q, forKey: .q)
            try c.encode(year, forKey: .year)
            try c.encode(overdue, forKey: .overdue)
            try c.encode(RowHTML.options(statuses), forKey: .statusesHTML)
        }
    }

    /// The rows as `RowHTML` writes them, and whether there are any, in place of the rows themselves.
    private enum CodingKeys: String, CodingKey {
        case heading, intro, transparency, errors, filters, paging, rowsHTML, hasRows
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(heading, forKey: .heading)
        try c.encodeIfPresent(intro, forKey: .intro)
        try c.encodeIfPresent(transparency, forKey: .transparency)
        try c.encodeIfPresent(errors, forKey: .errors)
        try c.encodeIfPresent(filters, forKey: .filters)
        try c.encodeIfPresent(paging, forKey: .paging)
        try c.encode(RowHTML.staffRegister(rows), forKey: .rowsHTML)
        try c.encode(!rows.isEmpty, forKey: .hasRows)
    }
}

/// Which page of the register a request asks for: `page=N` (50 rows to a page), or `after=CURSOR` from a "Next page"
/// link (the rows after that one, however many were added meanwhile), with the filters to keep in every link.
struct RegisterPaging: Encodable, Sendable {
    static let pageSize = 50

    var summary: String
    var previous: String?
    var next: String?

    /// The page a query asks for, or the field error saying what is wrong with it.
    struct Request {
        var number = 1
        var cursor: RegisterCursor?
        var offset: Int { cursor == nil ? (number - 1) * RegisterPaging.pageSize : 0 }

        init(_ query: [String: String], errors: inout [FieldError]) {
            if let text = query["page"], !text.isEmpty {
                if let n = Int(text), (1...1_000_000).contains(n) {
                    number = n
                } else {
                    errors.append(FieldError(field: "page", message: "Page numbers are whole numbers from 1"))
                }
            }
            if let text = query["after"], !text.isEmpty {
                if let cursor = RegisterCursor(text: text) {
                    self.cursor = cursor
                } else {
                    errors.append(
                        FieldError(
                            field: "after",
                            message:
                                "This link to the next page is not one the register made: start from the first page"))
                }
            }
        }
    }

    /// The summary and links of `page`, requested as `request`, at `path` with the filters `kept`.
    init(_ page: DecisionRegisterPage, request: Request, path: String, kept: [(String, String)]) {
        self.init(
            shown: page.rows.count, total: page.total, next: page.next.map { [("after", $0.text)] }, request: request,
            path: path, kept: kept, noun: "decisions")
    }

    /// The summary and links of a page showing `shown` of `total` things, with `next` the query of the page after
    /// it beside its number (nil on the last page).
    init(
        shown: Int, total: Int, next: [(String, String)]?, request: Request, path: String, kept: [(String, String)],
        noun: String
    ) {
        let first = (request.number - 1) * Self.pageSize + 1
        let last = first + shown - 1
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        summary =
            shown == 0
            ? "No \(noun) on page \(request.number) of \(pages)."
            : "Showing \(first)–\(last) of \(total) \(noun) (page \(request.number) of \(pages))."
        func link(_ extra: [(String, String)]) -> String {
            var items = URLComponents()
            items.queryItems = (kept + extra).map { URLQueryItem(name: $0.0, value: $0.1) }
            let query = items.percentEncodedQuery ?? ""
            return query.isEmpty ? path : path + "?" + query
        }
        previous =
            request.number > 1 ? link(request.number == 2 ? [] : [("page", String(request.number - 1))]) : nil
        self.next = next.map { link([("page", String(request.number + 1))] + $0) }
    }
}

/// A decision's page: its Part 1, sign-off chain, Part 2 (when the reader may), the steps the reader may take
/// now, and its lifecycle.
struct DecisionPage: Encodable, Sendable {
    var id: String
    var office: String
    var title: String
    var status: String
    var statusClass: String
    var facts: [Fact]
    var chain: [Signatory]
    var lifecycle: [LifecycleRow]
    var actions: [StepForm]
    var exceptions: [ExceptionRow]
    var part2Exists: Bool
    var mayReadPart2: Bool
    var errors: [FieldError]
    var published: Bool
    var deadline: String
    var editable: Bool
    var overdue: Bool
    var part2: String?
    /// The record's documents and, for its attachers, the forms to attach and withdraw them.
    var documents: DocumentsSection? = nil
    /// The banner confirming the step just taken.
    var banner: String? = nil
    /// The executive summary's word count against the office's limit, after a save of the draft.
    var wordCount: String? = nil
    var wordWarning: Bool? = nil
    /// "Delegated: …" beside the status, when someone decided in the Commissioner's place.
    var delegated: String? = nil

    struct Signatory: Encodable, Sendable {
        var title: String
        var kind: String
        var name: String
        var day: String
    }

    struct LifecycleRow: Encodable, Sendable {
        var day: String
        var event: String
        var from: String
        var to: String
        var actor: String
    }

    struct ExceptionRow: Encodable, Sendable {
        var rule: String
        var message: String
        var act: String
        var day: String
    }
}

/// One step's form on a decision's page. The fields a step does not use are nil, so the template shows only its own.
struct StepForm: Encodable, Sendable {
    var id: String
    var step: String
    var heading: String
    var button: String
    var version: String
    var positions: [Position]?
    var signer: String?
    var decide: Bool?
    var reasonLabel: String?
    var reason: String?
    var until: Bool?
    var untilValue: String?
    var untilRequired: Bool?
    var secondary: Bool?
    var warning: Bool?
    var correct: Correction?
    /// The day the act took effect, when recorded later (the CLI's `--on`), as entered.
    var onValue = ""
    /// Each field's error, shown beside it.
    var onError: String?
    var reasonError: String?
    var untilError: String?
    var interestsError: String?
    var note: Bool?

    struct Position: Encodable, Sendable {
        var position: String
        var title: String
    }

    /// The Part 1 text a correction starts from: the record's, or what was entered when it was refused.
    struct Correction: Encodable, Sendable {
        var title: String
        var executiveSummary: String
        var recommendation: String

        init(_ record: DecisionRecord, entered: [String: String]) {
            title = entered["title"] ?? record.title
            executiveSummary = entered["executiveSummary"] ?? record.executiveSummary
            recommendation = entered["recommendation"] ?? record.recommendation
        }
    }
}

extension Web {
    func decisionPage(
        _ id: String, user: String, context: WebContext, part2: String? = nil, errors: [FieldError] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok, flash: StepFlash? = nil
    ) async throws -> Response {
        let view = try await found { try await app.showDecision(id, by: user) }
        let record = view.record
        let profile = try await app.profile(of: record.office)
        let person = try await app.person(named: user)
        let insider = person?.office == record.office
        let roles = insider ? person?.actor.roles(covering: record.id) ?? [] : []
        let today = app.clock.today()
        let chain = profile.signatories.map { s in
            let signed = record.signOffs.last { $0.position == s.position }
            return DecisionPage.Signatory(
                title: s.title, kind: s.kind.rawValue, name: signed?.name ?? "", day: signed?.day.iso ?? "")
        }
        let lifecycle = ((try? await app.auditLog(instance: record.id, by: user)) ?? []).map { e in
            DecisionPage.LifecycleRow(
                day: e.effectiveDay.iso, event: e.event, from: e.fromState ?? "", to: e.toState ?? "", actor: e.actor)
        }
        let permitted = try await app.permittedActs(shown: record.id, by: user)
        let steps = decisionSteps(
            view, permitted: permitted, profile: profile, roles: roles, signer: person?.displayName ?? "",
            erroredStep: errors.first?.step, entered: entered, errors: errors)
        var model = DecisionPage(
            id: record.id, office: record.office, title: record.title, status: statusLabel(view.status),
            statusClass: view.status, facts: decisionFacts(record, profile: profile), chain: chain,
            lifecycle: lifecycle,
            actions: steps,
            exceptions: record.exceptions.map {
                .init(rule: $0.rule, message: $0.message, act: $0.act, day: $0.day.iso)
            },
            part2Exists: record.part2.exists, mayReadPart2: !roles.isDisjoint(with: profile.part2Readers),
            errors: errors, published: view.status == "published", deadline: record.part1Deadline?.iso ?? "",
            editable: mayEditDraft(status: view.status, roles: roles),
            overdue: DecisionRules.isPart1Overdue(
                state: view.status, part1Deadline: record.part1Deadline, publishedOn: record.publishedOn, today: today),
            part2: part2)
        model.documents = try await documentsSection(record, user: user, errors: errors, entered: entered)
        model.banner = flash?.message
        if flash?.countsWords == true {
            let count = Self.wordCount(record, profile: profile)
            model.wordCount = count.text
            model.wordWarning = count.over ? true : nil
        }
        model.delegated = delegatedLabel(record)
        return try pages.page(
            "decision", title: (errors.isEmpty ? "" : "Error: ") + (record.number ?? record.title), model: model,
            context: context, back: "/decisions", status: status)
    }

    /// Part 1 as the decision's page lists it.
    func decisionFacts(_ record: DecisionRecord, profile: OfficeProfile) -> [Fact] {
        var facts = [
            Fact(label: "Decision number", value: record.number ?? "Not yet numbered"),
            Fact(label: "Originating officer", value: record.originatingOfficer),
        ]
        if let amount = record.amount { facts.append(Fact(label: "Amount", value: amount.formatted)) }
        if !record.executiveSummary.isEmpty {
            facts.append(Fact(label: "Executive summary", value: record.executiveSummary))
        }
        if !record.recommendation.isEmpty { facts.append(Fact(label: "Recommendation", value: record.recommendation)) }
        if let d = record.decision {
            facts.append(
                Fact(
                    label: "Decision",
                    value:
                        "\(d.outcome == .approved ? "Approved" : "Not approved") by \(d.decisionMaker) on \(d.day.iso)"
                ))
            facts.append(Fact(label: "Interests declared", value: d.interestsDeclared))
            facts += delegationFacts(record)
        }
        if let due = record.part1Deadline { facts.append(Fact(label: "Part 1 due", value: due.iso)) }
        if let on = record.publishedOn { facts.append(Fact(label: "Published on", value: on.iso)) }
        facts.append(Fact(label: "Part 2", value: record.part2.exists ? "Yes (confidential)" : "No"))
        return facts
    }
}

extension Web {
    /// Whether a decision's page offers "Edit the draft": by the draft edit's own rule (`DecisionEdit`), the one
    /// the services refuse by.
    func mayEditDraft(status: String, roles: Set<Role>) -> Bool {
        DecisionEdit.draft.allowed(state: status, decided: false, held: roles)
    }

    /// The steps a decision's page has forms for, in the page's order, each with the workflow events that offer it.
    /// Presentation only: whether a step is offered is the definition's (`permittedActs`), never the page's.
    static let decisionStepEvents: [(step: String, events: [String])] = [
        ("submit", ["submit"]), ("sign", ["sign-off"]), ("refer", ["refer"]), ("decide", ["approve", "decline"]),
        ("publish", ["publish"]), ("note", ["note"]), ("defer", ["defer"]), ("return", ["return-for-revision"]),
        ("withdraw", ["withdraw"]),
    ]

    /// Which steps a decision's page offers the reader now, each with its form: the acts the workflow definition
    /// permits them (`permitted`: role, scope and state; guards refuse when the step is taken), and the correction
    /// by its own rule (`DecisionEdit`). A step's form that was refused (`erroredStep`) keeps what was entered.
    func decisionSteps(
        _ view: Commissioning.DecisionView, permitted: [WorkflowEngine.PermittedAct], profile: OfficeProfile,
        roles: Set<Role>, signer: String, erroredStep: String?, entered: [String: String], errors: [FieldError] = []
    ) -> [StepForm] {
        let record = view.record
        let events = Set(permitted.map(\.event))
        var steps: [StepForm] = []
        func reason(_ label: String, _ step: String) -> (inout StepForm) -> Void {
            { form in
                form.reasonLabel = label
                form.reason = erroredStep == step ? entered["reason"] ?? "" : ""
            }
        }
        func add(_ step: String, _ heading: String, _ button: String, _ extra: (inout StepForm) -> Void = { _ in }) {
            var form = StepForm(
                id: record.id, step: step, heading: heading, button: button, version: String(view.version))
            // Every act may be dated, when recorded later; what was entered and each error stay beside the field.
            func error(_ field: String) -> String? {
                let found = errors.filter { $0.field == "\(step)-\(field)" }.map { sentence($0.message) }
                return found.isEmpty ? nil : found.joined(separator: " ")
            }
            form.onValue = erroredStep == step ? entered["on"] ?? "" : ""
            form.onError = error("on")
            form.reasonError = error("reason")
            form.untilError = error("until")
            form.interestsError = error("interests")
            extra(&form)
            steps.append(form)
        }
        for (step, offeredBy) in Self.decisionStepEvents where !events.isDisjoint(with: offeredBy) {
            switch step {
            case "submit": add(step, "Submit for sign-off", "Submit")
            case "sign":
                // The positions the reader may sign for and that are still open: the office profile's, as the
                // sign-off guard reads them.
                let open = profile.signatories.filter { s in
                    roles.contains(s.role) && !record.signOffs.contains { $0.position == s.position }
                }
                guard !open.isEmpty else { continue }
                add(step, "Record a sign-off", "Record sign-off") {
                    $0.positions = open.map { .init(position: $0.position, title: $0.title) }
                    $0.signer = signer
                }
            case "refer": add(step, "Refer to the decision-maker", "Refer")
            case "decide": add(step, "Take the decision", "Record the decision") { $0.decide = true }
            case "publish": add(step, "Publish Part 1", "Publish")
            case "note":
                // Offered where the record's workflow version has the act; the guard says whether it is due.
                guard DecisionRules.checkNoting(record) == nil else { continue }
                add(step, "Note the delegated decision", "Record the noting") { $0.note = true }
            case "defer":
                add(step, "Defer publication", "Defer publication") {
                    reason("Why publishing now would compromise implementation", "defer")(&$0)
                    $0.until = true
                    $0.untilValue = erroredStep == "defer" ? entered["until"] ?? "" : ""
                    $0.untilRequired = profile.deferralNeedsUntilDate
                }
            case "return":
                add(step, "Return for revision", "Return to draft") {
                    reason("What needs revising", "return")(&$0)
                    $0.secondary = true
                }
            default:
                add(step, "Withdraw the record", "Withdraw") {
                    reason("Why it is withdrawn (its number is never reused)", "withdraw")(&$0)
                    $0.warning = true
                }
            }
        }
        if DecisionEdit.correction.allowed(state: view.status, decided: record.decision != nil, held: roles) {
            add("correct", "Correct Part 1", "Record the correction") {
                reason("Reason for the correction (recorded in the audit log)", "correct")(&$0)
                $0.correct = .init(record, entered: erroredStep == "correct" ? entered : [:])
                $0.secondary = true
            }
        }
        return steps
    }
}
