import Foundation
import Hummingbird
import OPCCCore
import OPCCServices
import OPCCStore

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
                values["errors"] = Refusal.messages(of: error).map { ["field": fieldName(of: error), "message": $0] }
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
        router.post("/decisions/:id/:step") { request, context -> Response in
            let form = try await form(request, context)
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
            let id = try context.parameters.require("id")
            let step = try context.parameters.require("step")
            do {
                switch step {
                case "submit": try app.submitDecision(id, by: user)
                case "sign":
                    try app.signDecision(
                        id, position: form.text("position") ?? "", name: form.text("name") ?? "",
                        initials: form.text("initials"), by: user)
                case "refer": try app.referDecision(id, by: user)
                case "decide":
                    try app.decide(
                        id, approve: form["approve"] != "no", interests: form.text("interests") ?? "",
                        prejudicialInterest: form["prejudicial"] == "1", by: user)
                case "publish": try app.perform(.publish, on: id, by: user)
                default: return pages.error(.notFound, message: "There is no such step.", context: context)
                }
                return .redirect(to: "/decisions/\(id)", type: .normal)
            } catch let error where Refusal.status(of: error) != nil {
                let status = Refusal.status(of: error)!
                let messages = Refusal.messages(of: error)
                guard status == .unprocessableContent else {
                    return pages.error(status, message: messages.joined(separator: " "), context: context)
                }
                return try decisionPage(
                    id, user: user, context: context, errors: messages.map { ["field": step, "message": $0] },
                    status: status)
            }
        }
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
        if !q.isEmpty { filter.text = ftsQuery(q) }
        let status = query["status"].map(String.init) ?? ""
        if !status.isEmpty { filter.status = status }
        let year = query["year"].map(String.init) ?? ""
        var errors: [[String: String]] = []
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
        let states = [
            "draft", "awaiting-sign-offs", "with-decision-maker", "approved", "not-approved", "publication-deferred",
            "published", "withdrawn",
        ]
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
        status: HTTPResponse.Status = .ok
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
        func action(_ step: String, _ heading: String, _ button: String, extra: [String: Any] = [:]) {
            actions.append(
                ["id": record.id, "step": step, "heading": heading, "button": button].merging(extra) { a, _ in a })
        }
        switch view.status {
        case "draft" where roles.contains(.officer):
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
            if !roles.isDisjoint(with: [.officer, .chiefExecutive]) {
                action("refer", "Refer to the decision-maker", "Refer")
            }
        case "with-decision-maker" where !roles.isDisjoint(with: [.commissioner, .chiefExecutive]):
            action("decide", "Take the decision", "Record the decision", extra: ["decide": true])
        case "approved", "not-approved", "publication-deferred":
            if roles.contains(.officer) { action("publish", "Publish Part 1", "Publish") }
        default: break
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
            "overdue": isOverdue(
                status: view.status, deadline: record.part1Deadline, published: record.publishedOn, today: today),
        ]
        if let part2 { values["part2"] = part2 }
        return pages.page(
            "decision", title: (errors.isEmpty ? "" : "Error: ") + (record.number ?? record.title), values: values,
            context: context, back: "/decisions", status: status)
    }
}

/// A user's search words as an FTS5 query: each word quoted, so no text is read as query syntax.
func ftsQuery(_ text: String) -> String {
    text.split(whereSeparator: \.isWhitespace)
        .map { "\"" + $0.replacingOccurrences(of: "\"", with: "") + "\"" }
        .joined(separator: " ")
}

/// The form field a refusal is about, where its message starts with one (`title: …`).
func fieldName(of error: any Error) -> String {
    guard let refusal = error as? ServiceRefusal, let colon = refusal.message.firstIndex(of: ":") else {
        return "title"
    }
    let name = String(refusal.message[..<colon])
    return name.contains(" ") ? "title" : name
}
