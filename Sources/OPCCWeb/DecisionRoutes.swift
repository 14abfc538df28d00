import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The signed-in screens: home, the register with filters, a decision's page and its steps, raising a draft.
    func addDecisionRoutes(to router: RouterGroup<WebContext>) {
        router.get("/home") { _, context -> Response in
            try await home(user: try context.signedIn(), context: context)
        }
        router.get("/decisions") { request, context -> Response in
            try await register(request, user: try context.signedIn(), context: context)
        }
        router.get("/decisions/new") { _, context -> Response in
            let user = try context.signedIn()
            guard let person = try await app.person(named: user) else {
                return .redirect(to: "/sign-in", type: .normal)
            }
            return try pages.page(
                "new-decision", title: "Raise a decision",
                model: try await draftForm(office: person.office, user: user), context: context, back: "/home")
        }
        router.post("/decisions") { request, context -> Response in
            let form = try await form(request, context)
            let user = try context.signedIn()
            guard let person = try await app.person(named: user) else {
                return .redirect(to: "/sign-in", type: .normal)
            }
            return try await raiseDecision(form: form, office: person.office, user: user, context: context)
        }
        router.get("/decisions/:id") { request, context -> Response in
            // The banner of the step just taken (post/redirect/get): read once, then the cookie is cleared.
            let flash = request.cookies[flashCookieName].flatMap { StepFlash(rawValue: $0.value) }
            var response = try await decisionPage(
                try context.parameters.require("id"), user: try context.signedIn(), context: context, flash: flash)
            if request.cookies[flashCookieName] != nil { response.setCookie(expiredFlashCookie()) }
            return response
        }
        router.post("/decisions/:id/part2") { request, context -> Response in
            _ = try await form(request, context)
            let user = try context.signedIn()
            let id = try context.parameters.require("id")
            let content = try await app.readPart2(id, by: user)
            return try await decisionPage(id, user: user, context: context, part2: content)
        }
        router.get("/decisions/:id/edit") { _, context -> Response in
            try await editPage(try context.parameters.require("id"), user: try context.signedIn(), context: context)
        }
        // The router matches the constant `edit` before the `:step` parameter, so the edit form's POST has its own
        // route to the same handler.
        router.post("/decisions/:id/edit") { request, context -> Response in
            try await takeStep("edit", request, context)
        }
        router.post("/decisions/:id/:step") { request, context -> Response in
            try await takeStep(try context.parameters.require("step"), request, context)
        }
    }

    /// Raising a draft from the complete form: a refusal comes back to the form with what was entered and each
    /// error beside its field, unless the person may not (403). The same service call as `opcc decision raise`.
    func raiseDecision(form: Form, office: String, user: String, context: WebContext) async throws -> Response {
        try await formAct(
            correctable: { status, _ in status != .forbidden },
            field: { draftInputID(fieldID(step: "new", rule: $0.rule, message: $0.message)) },
            rerender: { errors, status in
                try pages.page(
                    "new-decision", title: "Error: Raise a decision",
                    model: try await draftForm(office: office, user: user, entered: form, errors: errors),
                    context: context, back: "/home", status: status)
            }
        ) {
            let profile = try await app.profile(of: office)
            let draft = try completeDraft(
                form, profile: profile, part2Reader: try await isPart2Reader(user, office: office, record: nil))
            let record = try await app.raiseDecision(office: office, draft: draft, by: user, on: try actDay(form))
            return flashRedirect(to: "/decisions/\(record.id)", .raised)
        }
    }

    /// Whether `user` reads (and so writes) Part 2 in `office`: one of the profile's Part 2 readers.
    func isPart2Reader(_ user: String, office: String, record: String?) async throws -> Bool {
        let readers = try await app.profile(of: office).part2Readers
        let roles = try await app.person(named: user)?.actor.roles(covering: record) ?? []
        return !roles.isDisjoint(with: readers)
    }

    /// The day an act took effect, when it is recorded later: the form's `on` (the CLI's `--on`), or nil for today.
    /// The services refuse a day in the future or before the record's last act, as they refuse `--on`.
    func actDay(_ form: Form) throws -> Day? { try Self.day(form, "on") }

    /// One step on a decision from its page's form: the services decide; a refusal of the entries (422) or of a
    /// stale form (409) shows the form again with what was entered, the error summary linking to the field it is
    /// about.
    func takeStep(_ step: String, _ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await form(request, context)
        let user = try context.signedIn()
        let id = try context.parameters.require("id")
        return try await formAct(
            correctable: { status, _ in status == .unprocessableContent || status == .conflict },
            field: {
                let id = fieldID(step: step, rule: $0.rule, message: $0.message)
                return step == "edit" ? draftInputID(id) : id
            },
            rerender: { errors, status in
                let errors = errors.map { FieldError(field: $0.field, message: $0.message, step: step) }
                if step == "edit" {
                    return try await editPage(
                        id, user: user, context: context, entered: form, errors: errors, status: status)
                }
                return try await decisionPage(
                    id, user: user, context: context, errors: errors, entered: form.fields, status: status)
            }
        ) {
            // The version the form was opened at: a change made since refuses this one (409, the form again).
            let version = try formVersion(form)
            guard let flash = StepFlash(rawValue: step),
                try await perform(step, on: id, form: form, user: user, version: version)
            else {
                return pages.error(.notFound, message: "There is no such step.", context: context)
            }
            return flashRedirect(to: "/decisions/\(id)", flash)
        }
    }

    /// Takes `step` on the decision, dated by the form's `on` when recorded later; false when there is no such step.
    /// Each is the CLI's service call with the same typed act.
    func perform(_ step: String, on id: String, form: Form, user: String, version: Int?) async throws -> Bool {
        let day = try actDay(form)
        switch step {
        case "edit":
            let view = try await app.showDecision(id, by: user)
            let office = view.record.office
            let draft = try completeDraft(
                form, profile: try await app.profile(of: office),
                part2Reader: try await isPart2Reader(user, office: office, record: id))
            try await app.editDecision(id, draft: draft, by: user, on: day, expectedVersion: version)
        case "submit": try await app.submitDecision(id, by: user, on: day, expectedVersion: version)
        case "sign":
            try await app.signDecision(
                id, position: form.text("position") ?? "", name: form.text("name") ?? "",
                initials: form.text("initials"), by: user, on: day, expectedVersion: version)
        case "refer": try await app.referDecision(id, by: user, on: day, expectedVersion: version)
        case "return":
            try await app.perform(
                .returnForRevision(reason: form.text("reason") ?? ""), on: id, by: user, on: day,
                expectedVersion: version)
        case "decide":
            let choice = form["approve"] ?? "yes"
            guard ["yes", "no"].contains(choice) else {
                throw ServiceRefusal(
                    rule: .validChoice, message: "approve: choose to approve the recommendation or not")
            }
            try await app.decide(
                id, approve: choice == "yes", interests: form.text("interests") ?? "",
                prejudicialInterest: form["prejudicial"] == "1", urgency: form.text("urgency"), by: user, on: day,
                expectedVersion: version)
        case "defer":
            try await app.perform(
                .deferPublication(reason: form.text("reason") ?? "", until: try untilDay(form)), on: id,
                by: user, on: day, expectedVersion: version)
        case "withdraw":
            try await app.perform(
                .withdraw(reason: form.text("reason") ?? ""), on: id, by: user, on: day, expectedVersion: version)
        case "publish": try await app.perform(.publish, on: id, by: user, on: day, expectedVersion: version)
        case "note": try await app.noteDecision(id, by: user, on: day, expectedVersion: version)
        case "correct":
            let view = try await app.showDecision(id, by: user)
            try await app.correctDecision(
                id, draft: draftFromForm(form, changedFrom: view.record), reason: form.text("reason") ?? "",
                by: user, on: day, expectedVersion: version)
        default: return false
        }
        return true
    }

    /// The Part 1 text a correction changes: only the fields whose text changed.
    func draftFromForm(_ form: Form, changedFrom record: DecisionRecord) -> DecisionDraft {
        var draft = DecisionDraft()
        func changed(_ name: String, _ current: String?) -> String? {
            guard let value = form.text(name) else { return nil }
            return value == current ? nil : value
        }
        draft.title = changed("title", record.title)
        draft.executiveSummary = changed("executiveSummary", record.executiveSummary)
        draft.recommendation = changed("recommendation", record.recommendation)
        return draft
    }

    /// The version a form was opened at (its hidden `version` field), where it carries one.
    func formVersion(_ form: Form) throws -> Int? {
        guard let text = form.text("version") else { return nil }
        guard let version = Int(text), version >= 0 else {
            throw ServiceRefusal(
                rule: .validVersion, message: "the form's version '\(text)' is not a version: open the record again")
        }
        return version
    }

    /// The until-date of a deferral, where one was entered.
    func untilDay(_ form: Form) throws -> Day? {
        guard let text = form.text("until") else { return nil }
        do { return try Day(iso: text) } catch {
            throw ServiceRefusal(
                rule: .validDate, message: "until: enter the date as year-month-day, like 2017-03-31 (not '\(text)')")
        }
    }

    /// The page editing a draft, filled from the record or from what was entered.
    func editPage(
        _ id: String, user: String, context: WebContext, entered: Form? = nil, errors: [FieldError] = [],
        status: HTTPResponse.Status = .unprocessableContent
    ) async throws -> Response {
        let view = try await found { try await app.showDecision(id, by: user) }
        let record = view.record
        // Whether the record is open to its draft's edit is the edit's own rule (the role is checked at the save).
        let roles = try await app.person(named: user)?.actor.roles(covering: id) ?? []
        if case .failure(.notNow) = DecisionEdit.draft.role(state: view.status, decided: false, held: roles) {
            return pages.error(
                .unprocessableContent,
                message: "Only drafts are edited. This record is \(statusLabel(view.status).lowercased()).",
                context: context)
        }
        var model = try await draftForm(
            office: record.office, user: user, record: entered == nil ? record : nil, entered: entered,
            errors: errors)
        // The version now, never the one a stale form sent: saving again after a 409 is a deliberate choice.
        model.version = String(view.version)
        model.action = "/decisions/\(id)/edit"
        model.heading = "Edit the draft"
        model.button = "Save changes"
        return try pages.page(
            "new-decision", title: (errors.isEmpty ? "" : "Error: ") + "Edit the draft", model: model,
            context: context, back: "/decisions/\(id)", status: errors.isEmpty ? .ok : status)
    }
}

extension Web {
    // MARK: Screens

    func home(user: String, context: WebContext) async throws -> Response {
        guard let person = try await app.person(named: user) else { return .redirect(to: "/sign-in", type: .found) }
        if let partner = Self.partnerHome(person) { return .redirect(to: partner, type: .found) }
        let roles = person.actor.roles(covering: nil)
        let today = app.clock.today()
        return try pages.page(
            "home", title: "What needs you today",
            model: HomePage(
                name: person.displayName, roles: roles.map(\.rawValue).sorted().joined(separator: ", "),
                office: person.office, today: today.iso,
                sections: try await homeSections(person: person, roles: roles, today: today),
                notifications: try await homeNotifications(of: person.name), demoOutbox: demoOutbox ? true : nil),
            context: context)
    }

    /// Which lists the home page offers: one per kind of work the person's roles do.
    func homeSections(person: StoredPerson, roles: Set<Role>, today: Day) async throws -> [HomePage.Section] {
        let user = person.name
        func rows(_ statuses: [String], overdue: Bool = false) async throws -> [RegisterRow] {
            var found: [DecisionRegisterRow] = []
            for status in statuses {
                var filter = DecisionFilter()
                filter.office = person.office
                if !status.isEmpty { filter.status = status }
                if overdue { filter.overdueOn = today }
                found += try await app.decisionRegister(filter, by: user)
            }
            return found.map { RegisterRow($0, href: "/decisions/\($0.id)", today: today) }
        }
        // A list is offered to whoever the workflow definitions let act on its records in that state.
        let decisions = try await app.permittedEvents(workflow: "decision-request", by: user)
        let returns = try await app.permittedEvents(workflow: "quarterly-return", by: user)
        func may(_ events: [String: Set<String>], _ event: String, in state: String) -> Bool {
            events[state]?.contains(event) ?? false
        }
        var sections: [HomePage.Section] = []
        if may(decisions, "submit", in: "draft") {
            await sections.append(.decisionList("Your drafts", try rows(["draft"])))
        }
        if may(decisions, "sign-off", in: "awaiting-sign-offs") {
            await sections.append(.decisionList("Sign-offs awaiting", try rows(["awaiting-sign-offs"])))
        }
        if may(decisions, "approve", in: "with-decision-maker") {
            await sections.append(.decisionList("Decisions to take", try rows(["with-decision-maker"])))
        }
        let publishable = Self.decisionStates.filter { may(decisions, "publish", in: $0) }
        if !publishable.isEmpty { await sections.append(.decisionList("Decisions to publish", try rows(publishable))) }
        if !roles.isDisjoint(with: [.officer, .chiefExecutive, .commissioner, .finance, .auditor]) {
            await sections.append(.decisionList("Overdue for publication", try rows([""], overdue: true)))
        }
        let writes = returns.filter { !$0.value.isDisjoint(with: ["start", "submit"]) }.keys
        if !writes.isEmpty {
            let open = try await app.returns(.init(), as: user).filter { writes.contains($0.state) }
            sections.append(.returnList("Returns to write", open))
        }
        if may(returns, "accept", in: "submitted") {
            sections.append(
                .returnList("Returns awaiting review", try await app.returns(.init(status: .awaitingReview), as: user)))
        }
        if may(returns, "escalate", in: "scheduled") {
            sections.append(.returnList("Returns overdue", try await app.returns(.init(status: .overdue), as: user)))
        }
        if sections.isEmpty { await sections.append(.decisionList("Published decisions", try rows(["published"]))) }
        return sections
    }

    static let decisionStates = [
        "draft", "awaiting-sign-offs", "with-decision-maker", "approved", "not-approved", "publication-deferred",
        "published", "withdrawn",
    ]

    func register(_ request: Request, user: String, context: WebContext) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = DecisionFilter()
        let q = query["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        if !q.isEmpty { filter.text = q }
        let status = query["status"].map(String.init) ?? ""
        var errors: [FieldError] = []
        if !status.isEmpty {
            if Self.decisionStates.contains(status) {
                filter.status = status
            } else {
                errors.append(FieldError(field: "status", message: "Choose a status from the list"))
            }
        }
        let year = query["year"].map(String.init) ?? ""
        if !year.isEmpty {
            if let y = Int(year), (2000...2100).contains(y) {
                filter.financialYearStart = y
            } else {
                errors.append(FieldError(field: "year", message: "Enter the year the financial year starts, like 2016"))
            }
        }
        let overdue = query["overdue"] == "1"
        let today = app.clock.today()
        if overdue { filter.overdueOn = today }
        let asked = RegisterPaging.Request(plainQuery(request), errors: &errors)
        let page =
            errors.isEmpty
            ? try await app.decisionRegisterPage(
                filter, limit: RegisterPaging.pageSize, offset: asked.offset, after: asked.cursor, by: user)
            : DecisionRegisterPage(rows: [], total: 0, next: nil)
        let rows = page.rows
        let kept = [("q", q), ("status", status), ("year", year), ("overdue", overdue ? "1" : "")].filter {
            !$0.1.isEmpty
        }
        let statuses =
            [Choice(value: "", label: "Any status", selected: status.isEmpty)]
            + Self.decisionStates.map { Choice(value: $0, label: statusLabel($0), selected: $0 == status) }
        return try pages.page(
            "register", title: errors.isEmpty ? "Decision register" : "Error: Decision register",
            model: RegisterPage(
                heading: "Decision register", errors: errors,
                filters: .init(action: "/decisions", q: q, year: year, overdue: overdue, statuses: statuses),
                rows: rows.map { RegisterRow($0, href: "/decisions/\($0.id)", today: today) },
                paging: errors.isEmpty
                    ? RegisterPaging(page, request: asked, path: "/decisions", kept: kept) : nil),
            context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}

/// A request's query as plain texts (the first value of each name).
func plainQuery(_ request: Request) -> [String: String] {
    var query: [String: String] = [:]
    for (name, value) in request.uri.queryParameters where query[String(name)] == nil {
        query[String(name)] = String(value)
    }
    return query
}

/// The id of the input a refusal of `step` is about, so the error summary links to it: the field a message names
/// (`title: …`), or the field a rule checks; otherwise the step's form.
func fieldID(step: String, rule: String, message: String) -> String {
    let prefix = step == "edit" || step == "new" ? "" : step + "-"
    if let colon = message.firstIndex(of: ":"), !message[..<colon].contains(" ") {
        return prefix + message[..<colon]
    }
    switch rule {
    case "reason-given": return step == "submit" ? step : prefix + "reason"
    case "forward-plan-notice": return prefix + "urgency"
    case "deferral-until-date", "valid-date": return prefix + "until"
    case "effective-date-not-in-future", "effective-dates-never-go-backwards": return prefix + "on"
    case "declaration-of-interests": return prefix + "interests"
    case "executive-summary-within-limit": return step == "edit" ? "executiveSummary" : step
    case "part2-complete-before-submission": return step
    default: return step == "edit" ? "title" : step
    }
}

/// The input of the complete form a refusal's field names: the draft's own names (`publication.reason`,
/// `implications.financial`) as the form's inputs are called.
func draftInputID(_ field: String) -> String {
    switch field {
    case "fundingSource.strand", "fundingSource.year": return "fundingSource"
    case "publication.reason": return "deferralReason"
    case "publication.until": return "deferralUntil"
    case "part2.reason": return "part2Reason"
    case "part2.content": return "part2Content"
    default: return field.replacingOccurrences(of: ".", with: "-")
    }
}
