import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The signed-in screens: home, the register with filters, a decision's page and its steps, raising a draft.
    func addDecisionRoutes(to router: Router<WebContext>) {
        router.get("/home") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try home(user: user, context: context)
        }
        router.get("/decisions") { request, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try register(request, user: user, context: context)
        }
        router.get("/decisions/new") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            let person = try app.person(named: user)
            return pages.page(
                "new-decision", title: "Raise a decision", values: ["office": person?.office ?? ""],
                context: context, back: "/home")
        }
        router.post("/decisions") { request, context -> Response in
            let form = try await form(request, context)
            guard let user = context.user, let person = try app.person(named: user) else {
                return .redirect(to: "/sign-in", type: .normal)
            }
            var draft = DecisionDraft()
            draft.title = form.text("title")
            draft.executiveSummary = form.text("executiveSummary")
            draft.recommendation = form.text("recommendation")
            draft.amount = form.text("amount")
            do {
                let record = try app.raiseDecision(office: person.office, draft: draft, by: user)
                return .redirect(to: "/decisions/\(record.id)", type: .normal)
            } catch let error where Refusal.status(of: error) != nil {
                let status = Refusal.status(of: error)!
                if status == .forbidden {
                    return pages.error(
                        status, message: Refusal.messages(of: error).joined(separator: " "), context: context)
                }
                var values: [String: Any] = form.fields
                values["office"] = person.office
                values["errors"] = Refusal.details(of: error).map {
                    ["field": fieldID(step: "new", rule: $0.rule, message: $0.message), "message": $0.message]
                }
                return pages.page(
                    "new-decision", title: "Error: Raise a decision", values: values, context: context, back: "/home",
                    status: status)
            }
        }
        router.get("/decisions/:id") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            let id = try context.parameters.require("id")
            return try decisionPage(id, user: user, context: context)
        }
        router.post("/decisions/:id/part2") { request, context -> Response in
            _ = try await form(request, context)
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
            let id = try context.parameters.require("id")
            do {
                let content = try app.readPart2(id, by: user)
                return try decisionPage(id, user: user, context: context, part2: content)
            } catch let error where Refusal.status(of: error) != nil {
                return pages.error(
                    Refusal.status(of: error)!, message: Refusal.messages(of: error).joined(separator: " "),
                    context: context)
            }
        }
        router.get("/decisions/:id/edit") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            let id = try context.parameters.require("id")
            return try editPage(id, user: user, context: context)
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

    /// One step on a decision from its page's form: the services decide; a refusal comes back to the form with the
    /// error summary linking to the field it is about.
    func takeStep(_ step: String, _ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await form(request, context)
        guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
        let id = try context.parameters.require("id")
        do {
            // The version the form was opened at: a change made since refuses this one (409, the form again).
            let version = try formVersion(form)
            switch step {
            case "edit":
                try app.editDecision(id, draft: draftFromForm(form), by: user, expectedVersion: version)
            case "submit": try app.submitDecision(id, by: user, expectedVersion: version)
            case "sign":
                try app.signDecision(
                    id, position: form.text("position") ?? "", name: form.text("name") ?? "",
                    initials: form.text("initials"), by: user, expectedVersion: version)
            case "refer": try app.referDecision(id, by: user, expectedVersion: version)
            case "return":
                try app.perform(
                    .returnForRevision(reason: form.text("reason") ?? ""), on: id, by: user, expectedVersion: version)
            case "decide":
                let choice = form["approve"] ?? "yes"
                guard ["yes", "no"].contains(choice) else {
                    throw ServiceRefusal(
                        rule: "valid-choice", message: "approve: choose to approve the recommendation or not")
                }
                try app.decide(
                    id, approve: choice == "yes", interests: form.text("interests") ?? "",
                    prejudicialInterest: form["prejudicial"] == "1", by: user, expectedVersion: version)
            case "defer":
                try app.perform(
                    .deferPublication(reason: form.text("reason") ?? "", until: try untilDay(form)), on: id,
                    by: user, expectedVersion: version)
            case "withdraw":
                try app.perform(
                    .withdraw(reason: form.text("reason") ?? ""), on: id, by: user, expectedVersion: version)
            case "publish": try app.perform(.publish, on: id, by: user, expectedVersion: version)
            case "correct":
                let view = try app.showDecision(id, by: user)
                try app.correctDecision(
                    id, draft: draftFromForm(form, changedFrom: view.record), reason: form.text("reason") ?? "",
                    by: user, expectedVersion: version)
            default: return pages.error(.notFound, message: "There is no such step.", context: context)
            }
            return .redirect(to: "/decisions/\(id)", type: .normal)
        } catch let error where Refusal.status(of: error) != nil {
            let status = Refusal.status(of: error)!
            let messages = Refusal.messages(of: error)
            // A refusal of the entries (422) or of a stale form (409) shows the form again with what was entered.
            guard status == .unprocessableContent || status == .conflict else {
                return pages.error(status, message: messages.joined(separator: " "), context: context)
            }
            let errors = Refusal.details(of: error).map { detail in
                [
                    "field": fieldID(step: step, rule: detail.rule, message: detail.message),
                    "message": detail.message, "step": step,
                ]
            }
            if step == "edit" {
                return try editPage(
                    id, user: user, context: context, form: form.fields, errors: errors, status: status)
            }
            return try decisionPage(
                id, user: user, context: context, errors: errors, entered: form.fields, status: status)
        }
    }

    /// The draft a form describes: every field for an edit; for a correction only the fields whose text changed.
    func draftFromForm(_ form: Form, changedFrom record: DecisionRecord? = nil) -> DecisionDraft {
        var draft = DecisionDraft()
        func changed(_ name: String, _ current: String?) -> String? {
            guard let value = form.text(name) else { return record == nil ? "" : nil }
            return value == current ? nil : value
        }
        draft.title = changed("title", record?.title)
        draft.executiveSummary = changed("executiveSummary", record?.executiveSummary)
        draft.recommendation = changed("recommendation", record?.recommendation)
        if record == nil { draft.amount = form.text("amount") }
        return draft
    }

    /// The version a form was opened at (its hidden `version` field), where it carries one.
    func formVersion(_ form: Form) throws -> Int? {
        guard let text = form.text("version") else { return nil }
        guard let version = Int(text), version >= 0 else {
            throw ServiceRefusal(
                rule: "valid-version", message: "the form's version '\(text)' is not a version: open the record again")
        }
        return version
    }

    /// The until-date of a deferral, where one was entered.
    func untilDay(_ form: Form) throws -> Day? {
        guard let text = form.text("until") else { return nil }
        do { return try Day(iso: text) } catch {
            throw ServiceRefusal(
                rule: "valid-date", message: "until: enter the date as year-month-day, like 2017-03-31 (not '\(text)')")
        }
    }

    /// The page editing a draft, filled from the record or from what was entered.
    func editPage(
        _ id: String, user: String, context: WebContext, form: [String: String]? = nil,
        errors: [[String: String]] = [], status: HTTPResponse.Status = .unprocessableContent
    ) throws -> Response {
        let view: Commissioning.DecisionView
        do {
            view = try app.showDecision(id, by: user)
        } catch let error where Refusal.status(of: error) != nil {
            let status = Refusal.status(of: error)!
            return pages.error(
                status == .unprocessableContent ? .notFound : status,
                message: Refusal.messages(of: error).joined(separator: " "), context: context)
        }
        let record = view.record
        guard view.status == "draft" else {
            return pages.error(
                .unprocessableContent,
                message: "Only drafts are edited. This record is \(statusLabel(view.status).lowercased()).",
                context: context)
        }
        var values: [String: Any] =
            form
            ?? [
                "title": record.title, "executiveSummary": record.executiveSummary,
                "recommendation": record.recommendation, "amount": record.amount?.formatted ?? "",
            ]
        values["office"] = record.office
        values["errors"] = errors
        // The version now, never the one a stale form sent: saving again after a 409 is a deliberate choice.
        values["version"] = String(view.version)
        values["action"] = "/decisions/\(id)/edit"
        values["heading"] = "Edit the draft"
        values["button"] = "Save changes"
        return pages.page(
            "new-decision", title: (errors.isEmpty ? "" : "Error: ") + "Edit the draft", values: values,
            context: context, back: "/decisions/\(id)", status: errors.isEmpty ? .ok : status)
    }

    // MARK: Screens

    func home(user: String, context: WebContext) throws -> Response {
        guard let person = try app.person(named: user) else { return .redirect(to: "/sign-in", type: .found) }
        let roles = person.actor.roles(covering: nil)
        let today = app.clock.today()
        func rows(_ statuses: [String], overdue: Bool = false) throws -> [[String: Any]] {
            var found: [DecisionRegisterRow] = []
            for status in statuses {
                var filter = DecisionFilter()
                filter.office = person.office
                if !status.isEmpty { filter.status = status }
                if overdue { filter.overdueOn = today }
                found += try app.decisionRegister(filter, by: user)
            }
            return found.map { $0.values(href: "/decisions/\($0.id)", today: today) }
        }
        var sections: [[String: Any]] = []
        if roles.contains(.officer) {
            sections.append(["heading": "Your drafts", "rows": try rows(["draft"])])
        }
        if !roles.isDisjoint(with: [.officer, .chiefExecutive, .finance]) {
            sections.append(["heading": "Sign-offs awaiting", "rows": try rows(["awaiting-sign-offs"])])
        }
        if !roles.isDisjoint(with: [.commissioner, .chiefExecutive]) {
            sections.append(["heading": "Decisions to take", "rows": try rows(["with-decision-maker"])])
        }
        if roles.contains(.officer) {
            sections.append([
                "heading": "Decisions to publish",
                "rows": try rows(["approved", "not-approved", "publication-deferred"]),
            ])
        }
        if !roles.isDisjoint(with: [.officer, .chiefExecutive, .commissioner, .finance, .auditor]) {
            sections.append([
                "heading": "Overdue for publication", "rows": try rows([""], overdue: true),
            ])
        }
        if person.actor.grants.contains(where: { $0.role == .projectBoardMember }) {
            let open = try app.returns(.init(), as: user).filter {
                ["scheduled", "draft", "returned-for-revision"].contains($0.state)
            }
            sections.append(["heading": "Returns to write", "returnRows": open.map(\.values), "returns": true])
        }
        if !roles.isDisjoint(with: [.officer, .finance]) {
            let waiting = try app.returns(.init(status: .awaitingReview), as: user)
            let overdue = try app.returns(.init(status: .overdue), as: user)
            sections.append([
                "heading": "Returns awaiting review", "returnRows": waiting.map(\.values), "returns": true,
            ])
            sections.append(["heading": "Returns overdue", "returnRows": overdue.map(\.values), "returns": true])
        }
        if sections.isEmpty {
            sections.append(["heading": "Published decisions", "rows": try rows(["published"])])
        }
        return pages.page(
            "home", title: "What needs you today",
            values: [
                "heading": "What needs you today", "name": person.displayName,
                "roles": roles.map(\.rawValue).sorted().joined(separator: ", "), "office": person.office,
                "today": today.iso, "sections": sections,
            ], context: context)
    }

    func register(_ request: Request, user: String, context: WebContext) throws -> Response {
        let query = request.uri.queryParameters
        var filter = DecisionFilter()
        let q = query["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        if !q.isEmpty { filter.text = q }
        let states = [
            "draft", "awaiting-sign-offs", "with-decision-maker", "approved", "not-approved", "publication-deferred",
            "published", "withdrawn",
        ]
        let status = query["status"].map(String.init) ?? ""
        var errors: [[String: String]] = []
        if !status.isEmpty {
            if states.contains(status) {
                filter.status = status
            } else {
                errors.append(["field": "status", "message": "Choose a status from the list"])
            }
        }
        let year = query["year"].map(String.init) ?? ""
        if !year.isEmpty {
            if let y = Int(year), (2000...2100).contains(y) {
                filter.financialYearStart = y
            } else {
                errors.append(["field": "year", "message": "Enter the year the financial year starts, like 2016"])
            }
        }
        let overdue = query["overdue"] == "1"
        let today = app.clock.today()
        if overdue { filter.overdueOn = today }
        let rows = errors.isEmpty ? try app.decisionRegister(filter, by: user) : []
        let statuses: [[String: Any]] =
            [["value": "", "label": "Any status", "selected": status.isEmpty]]
            + states.map { ["value": $0, "label": statusLabel($0), "selected": $0 == status] }
        return pages.page(
            "register", title: errors.isEmpty ? "Decision register" : "Error: Decision register",
            values: [
                "heading": "Decision register", "errors": errors,
                "filters": ["action": "/decisions", "q": q, "year": year, "overdue": overdue, "statuses": statuses],
                "rows": rows.map { $0.values(href: "/decisions/\($0.id)", today: today) },
            ], context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func decisionPage(
        _ id: String, user: String, context: WebContext, part2: String? = nil, errors: [[String: String]] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let view: Commissioning.DecisionView
        do {
            view = try app.showDecision(id, by: user)
        } catch let error where Refusal.status(of: error) != nil {
            let status = Refusal.status(of: error)!
            return pages.error(
                status == .unprocessableContent ? .notFound : status,
                message: Refusal.messages(of: error).joined(separator: " "), context: context)
        }
        let record = view.record
        let profile = try app.profile(of: record.office)
        let person = try app.person(named: user)
        let insider = person?.office == record.office
        let roles = insider ? person?.actor.roles(covering: record.id) ?? [] : []
        let today = app.clock.today()
        var facts: [[String: String]] = [
            ["label": "Decision number", "value": record.number ?? "Not yet numbered"],
            ["label": "Originating officer", "value": record.originatingOfficer],
        ]
        if let amount = record.amount { facts.append(["label": "Amount", "value": amount.formatted]) }
        if !record.executiveSummary.isEmpty {
            facts.append(["label": "Executive summary", "value": record.executiveSummary])
        }
        if !record.recommendation.isEmpty {
            facts.append(["label": "Recommendation", "value": record.recommendation])
        }
        if let d = record.decision {
            facts.append([
                "label": "Decision",
                "value":
                    "\(d.outcome == .approved ? "Approved" : "Not approved") by \(d.decisionMaker) on \(d.day.iso)",
            ])
            facts.append(["label": "Interests declared", "value": d.interestsDeclared])
        }
        if let due = record.part1Deadline { facts.append(["label": "Part 1 due", "value": due.iso]) }
        if let on = record.publishedOn { facts.append(["label": "Published on", "value": on.iso]) }
        facts.append(["label": "Part 2", "value": record.part2.exists ? "Yes (confidential)" : "No"])
        let chain: [[String: String]] = profile.signatories.map { s in
            let signed = record.signOffs.last { $0.position == s.position }
            return [
                "title": s.title, "kind": s.kind.rawValue, "name": signed?.name ?? "", "day": signed?.day.iso ?? "",
            ]
        }
        let lifecycle: [[String: String]] =
            ((try? app.auditLog(instance: record.id, by: user)) ?? []).map { e in
                [
                    "day": e.effectiveDay.iso, "event": e.event, "from": e.fromState ?? "", "to": e.toState ?? "",
                    "actor": e.actor,
                ]
            }
        var actions: [[String: Any]] = []
        let erroredStep = errors.first?["step"]
        func action(_ step: String, _ heading: String, _ button: String, extra: [String: Any] = [:]) {
            actions.append(
                ["id": record.id, "step": step, "heading": heading, "button": button, "version": String(view.version)]
                    .merging(extra) { a, _ in a })
        }
        let officer = roles.contains(.officer)
        let reviewer = !roles.isDisjoint(with: [.chiefExecutive, .commissioner, .officer])
        let withdrawer = !roles.isDisjoint(with: [.officer, .chiefExecutive])
        func reason(_ label: String, _ step: String) -> [String: Any] {
            ["reasonLabel": label, "reason": erroredStep == step ? entered["reason"] ?? "" : ""]
        }
        switch view.status {
        case "draft" where officer:
            action("submit", "Submit for sign-off", "Submit")
        case "awaiting-sign-offs":
            let open = profile.signatories.filter { s in
                roles.contains(s.role) && !record.signOffs.contains { $0.position == s.position }
            }
            if !open.isEmpty {
                action(
                    "sign", "Record a sign-off", "Record sign-off",
                    extra: [
                        "positions": open.map { ["position": $0.position, "title": $0.title] },
                        "signer": person?.displayName ?? "",
                    ])
            }
            if withdrawer { action("refer", "Refer to the decision-maker", "Refer") }
        case "with-decision-maker" where !roles.isDisjoint(with: [.commissioner, .chiefExecutive]):
            action("decide", "Take the decision", "Record the decision", extra: ["decide": true])
        case "approved", "not-approved", "publication-deferred":
            if officer { action("publish", "Publish Part 1", "Publish") }
            if view.status != "publication-deferred", !roles.isDisjoint(with: [.officer, .commissioner]) {
                action(
                    "defer", "Defer publication", "Defer publication",
                    extra: reason("Why publishing now would compromise implementation", "defer").merging([
                        "until": true, "untilValue": erroredStep == "defer" ? entered["until"] ?? "" : "",
                        "untilRequired": profile.deferralNeedsUntilDate,
                    ]) { a, _ in a })
            }
        default: break
        }
        if ["awaiting-sign-offs", "with-decision-maker"].contains(view.status), reviewer {
            action(
                "return", "Return for revision", "Return to draft",
                extra: reason("What needs revising", "return").merging(["secondary": true]) { a, _ in a })
        }
        if ["draft", "awaiting-sign-offs", "with-decision-maker"].contains(view.status), withdrawer {
            action(
                "withdraw", "Withdraw the record", "Withdraw",
                extra: reason("Why it is withdrawn (its number is never reused)", "withdraw").merging([
                    "warning": true
                ]) { a, _ in a })
        }
        if record.decision != nil, view.status != "withdrawn", withdrawer {
            let mine = erroredStep == "correct"
            action(
                "correct", "Correct Part 1", "Record the correction",
                extra: reason("Reason for the correction (recorded in the audit log)", "correct").merging([
                    "correct": [
                        "title": mine ? entered["title"] ?? record.title : record.title,
                        "executiveSummary": mine
                            ? entered["executiveSummary"] ?? record.executiveSummary : record.executiveSummary,
                        "recommendation": mine
                            ? entered["recommendation"] ?? record.recommendation : record.recommendation,
                    ], "secondary": true,
                ]) { a, _ in a })
        }
        let mayReadPart2 = !roles.isDisjoint(with: profile.part2Readers)
        var values: [String: Any] = [
            "id": record.id, "office": record.office, "title": record.title, "status": statusLabel(view.status),
            "statusClass": view.status, "facts": facts, "chain": chain, "lifecycle": lifecycle, "actions": actions,
            "exceptions": record.exceptions.map {
                ["rule": $0.rule, "message": $0.message, "act": $0.act, "day": $0.day.iso]
            },
            "part2Exists": record.part2.exists, "mayReadPart2": mayReadPart2, "errors": errors,
            "published": view.status == "published", "deadline": record.part1Deadline?.iso ?? "",
            "editable": view.status == "draft" && officer,
            "overdue": isOverdue(
                status: view.status, deadline: record.part1Deadline, published: record.publishedOn, today: today),
        ]
        if let part2 { values["part2"] = part2 }
        return pages.page(
            "decision", title: (errors.isEmpty ? "" : "Error: ") + (record.number ?? record.title), values: values,
            context: context, back: "/decisions", status: status)
    }
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
    case "deferral-until-date", "valid-date": return prefix + "until"
    case "declaration-of-interests": return prefix + "interests"
    case "executive-summary-within-limit": return step == "edit" ? "executiveSummary" : step
    default: return step == "edit" ? "title" : step
    }
}
