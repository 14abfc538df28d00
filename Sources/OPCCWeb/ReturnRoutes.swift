import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The quarterly return screens: the lists (due, overdue, escalated, awaiting review), a return's page with the
    /// project board's form, and the reviewer's accept / send back.
    func addReturnRoutes(to router: Router<WebContext>) {
        router.get("/returns") { request, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try returnList(request, user: user, context: context)
        }
        router.get("/returns/:id") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try returnPage(try context.parameters.require("id"), user: user, context: context)
        }
        router.post("/returns/:id/:step") { request, context -> Response in
            let form = try await form(request, context)
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
            let id = try context.parameters.require("id")
            let step = try context.parameters.require("step")
            var saved = false
            do {
                switch step {
                case "save", "submit":
                    let (content, problems) = returnContent(from: form)
                    guard problems.isEmpty, let content else {
                        return try returnPage(
                            id, user: user, context: context, errors: problems, entered: form.fields,
                            status: .unprocessableContent)
                    }
                    try app.saveReturn(id, content: content, by: user)
                    saved = true
                    if step == "submit" { try app.submitReturn(id, by: user) }
                case "accept": try app.acceptReturn(id, note: form.text("note"), by: user)
                case "send-back": try app.returnForRevision(id, reasons: form.text("reasons") ?? "", by: user)
                default: return pages.error(.notFound, message: "There is no such step.", context: context)
                }
                return .redirect(to: "/returns/\(id)", type: .normal)
            } catch let error where Refusal.status(of: error) != nil {
                let status = Refusal.status(of: error)!
                guard status == .unprocessableContent else {
                    return pages.error(
                        status, message: Refusal.messages(of: error).joined(separator: " "), context: context)
                }
                var details = Refusal.details(of: error)
                if step == "submit", let each = try? app.submissionProblems(id, as: user), !each.isEmpty {
                    details = each
                }
                let errors = details.map { detail in
                    ["field": returnFieldID(step: step, rule: detail.rule, form: form), "message": detail.message]
                }
                return try returnPage(
                    id, user: user, context: context, errors: errors, entered: form.fields,
                    notice: saved ? "Your changes are saved as a draft. The return is not yet submitted." : nil,
                    status: status)
            }
        }
    }

    // MARK: Screens

    func returnList(_ request: Request, user: String, context: WebContext) throws -> Response {
        let chosen = request.uri.queryParameters["status"].map(String.init) ?? ""
        var filter = Commissioning.ReturnFilter()
        if !chosen.isEmpty {
            guard let status = Commissioning.ReturnFilter.Status(rawValue: chosen) else {
                let known = Commissioning.ReturnFilter.Status.allCases.map(\.rawValue).joined(separator: ", ")
                return pages.error(
                    .badRequest, message: "There is no return status '\(chosen)'. Choose one of: \(known).",
                    context: context)
            }
            filter.status = status
        }
        let grant = request.uri.queryParameters["grant"].map(String.init) ?? ""
        if !grant.isEmpty { filter.grant = grant }
        let rows = try app.returns(filter, as: user)
        let choices: [(String, String)] = [
            ("", "All returns"), ("due", "Due"), ("overdue", "Overdue"), ("escalated", "Escalated"),
            ("awaiting-review", "Awaiting review"),
        ]
        return pages.page(
            "returns", title: "Quarterly returns",
            values: [
                "heading": "Quarterly returns",
                "filters": choices.map { value, label in
                    [
                        "href": value.isEmpty ? "/returns" : "/returns?status=\(value)", "label": label,
                        "current": value == (filter.status?.rawValue ?? ""),
                    ]
                },
                "rows": rows.map { $0.values },
            ], context: context)
    }

    func returnPage(
        _ id: String, user: String, context: WebContext, errors: [[String: String]] = [],
        entered: [String: String]? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let found: (record: ReturnRecord, state: String)
        do {
            found = try app.quarterlyReturn(id, as: user)
        } catch let error where Refusal.status(of: error) != nil {
            let status = Refusal.status(of: error)!
            return pages.error(
                status == .unprocessableContent ? .notFound : status,
                message: Refusal.messages(of: error).joined(separator: " "), context: context)
        }
        let (record, state) = found
        let agreement = try app.agreement(record.agreementID)
        let person = try app.person(named: user)
        let roles = person?.office == record.office ? person?.actor.roles(covering: record.agreementID) ?? [] : []
        let today = app.clock.today()
        let profiled = agreement.spendProfile.first { $0.quarter == record.quarter }?.amount ?? .zero
        let profiledToDate = try Money.sum(
            agreement.spendProfile.filter { $0.quarter <= record.quarter }.map(\.amount))
        let current = record.current
        let outstanding = ["scheduled", "draft", "returned-for-revision"].contains(state)

        var facts: [[String: String]] = [
            ["label": "Grant", "value": "\(agreement.id): \(agreement.purpose)"],
            ["label": "Recipient", "value": agreement.recipient.name],
            ["label": "Quarter", "value": record.quarter.description],
            ["label": "Due", "value": record.dueOn.iso],
            [
                "label": "Profiled spend",
                "value": "\(profiled.formatted) this quarter, \(profiledToDate.formatted) to date",
            ],
        ]
        if let current {
            facts.append(["label": "Spend reported", "value": spendText(current.content)])
        }
        let versions: [[String: String]] = record.versions.reversed().map { v in
            var row = [
                "number": String(v.number),
                "submitted": v.submittedOn.map { "\($0.iso) by \(v.submittedBy ?? "")" } ?? "Not submitted",
                "spend": spendText(v.content), "narrative": v.content.narrative,
                "correction": v.correctionReason ?? "",
            ]
            if let review = v.review {
                row["review"] =
                    "\(review.outcome == .accepted ? "Accepted" : "Sent back") by \(review.by) on \(review.on.iso)"
                row["reasons"] = review.reasons ?? ""
            }
            return row
        }

        // The board's form: what was entered, else the version being written, else the last one's plan.
        var form: [String: Any]?
        if outstanding, roles.contains(.projectBoardMember) {
            form = boardForm(
                agreement: agreement, content: current?.content, entered: entered, previous: current?.content)
            form?["id"] = id
            // Once figures are saved, the form says whether they need a variance explanation.
            if let content = current?.content {
                let variances = [
                    Variance(
                        basis: .quarter, quarter: record.quarter, actual: content.spendInQuarter, profiled: profiled),
                    Variance(
                        basis: .toDate, quarter: record.quarter, actual: content.spendToDate, profiled: profiledToDate),
                ].filter(\.needsExplanation)
                if !variances.isEmpty {
                    form?["varianceNeeded"] = variances.compactMap { $0.percentText }.joined(separator: " and ")
                }
            }
        }
        let reviewer =
            state == "submitted" && !roles.isDisjoint(with: [.officer, .finance])
            && current?.submittedBy != user
        let lifecycle: [[String: String]] =
            ((try? app.auditLog(instance: id, by: user)) ?? []).map { e in
                ["day": e.effectiveDay.iso, "event": e.event, "to": e.toState ?? "", "actor": e.actor]
            }
        let overdue = outstanding && today > record.dueOn
        // Each outcome indicator quarter by quarter against its baseline and target: a chart and its table.
        let history = (try? app.grantHistory(record.agreementID, as: user)) ?? []
        let trends: [[String: Any]] = agreement.indicators.enumerated().map { i, indicator in
            let readings = history.compactMap { q in
                q.indicators[indicator.name].map { IndicatorTrendChart.Reading(label: q.quarter, text: $0) }
            }
            let chart = IndicatorTrendChart(indicator: indicator, readings: readings, id: "\(i)")
            return [
                "svg": chart.svg, "name": indicator.name, "unit": indicator.unit, "baseline": indicator.baseline,
                "target": indicator.target,
                "rows": readings.map { ["quarter": $0.label, "reading": $0.text] },
            ]
        }
        var values: [String: Any] = [
            "id": id, "heading": "\(record.quarter) return", "recipient": agreement.recipient.name,
            "state": statusLabel(state), "stateClass": state, "overdue": overdue, "facts": facts,
            "versions": versions, "reviewer": reviewer, "errors": errors,
            "lifecycle": lifecycle, "trends": trends, "reasons": entered?["reasons"] ?? "",
            "note": entered?["note"] ?? "",
        ]
        if let form { values["form"] = form }
        if let notice { values["notice"] = notice }
        return pages.page(
            "return",
            title: (errors.isEmpty ? "" : "Error: ") + "\(record.quarter) return, \(agreement.recipient.name)",
            values: values, context: context, back: "/returns", status: status)
    }

    /// The project board's form values: milestones (what was written, with two spare rows), one reading per
    /// indicator of the agreement, the figures, the narrative, risks and issues (one per line).
    func boardForm(
        agreement: GrantAgreement, content: ReturnContent?, entered: [String: String]?, previous: ReturnContent?
    ) -> [String: Any] {
        func value(_ name: String, _ saved: String) -> String { entered?[name] ?? saved }
        let milestones = content?.milestones ?? []
        let rows = max(milestones.count + 2, 3)
        let milestoneRows: [[String: Any]] = (0..<rows).map { i in
            let saved = i < milestones.count ? milestones[i] : nil
            let rag = value("milestone-\(i)-rag", saved?.rag.rawValue ?? "")
            return [
                "index": i, "number": i + 1, "name": value("milestone-\(i)-name", saved?.name ?? ""),
                "reason": value("milestone-\(i)-reason", saved?.reason ?? ""),
                "options": [
                    ("", "Choose"), ("green", "Green: on track"), ("amber", "Amber: at risk"),
                    ("red", "Red: off track"),
                ]
                .map { ["value": $0.0, "label": $0.1, "selected": $0.0 == rag] },
            ]
        }
        let indicators: [[String: Any]] = agreement.indicators.enumerated().map { i, indicator in
            let saved = content?.indicators.first { $0.name == indicator.name }?.actual ?? ""
            return [
                "index": i, "name": indicator.name, "unit": indicator.unit, "baseline": indicator.baseline,
                "target": indicator.target, "actual": value("indicator-\(i)", saved),
            ]
        }
        return [
            "spendInQuarter": value("spendInQuarter", content.map { $0.spendInQuarter.formatted } ?? ""),
            "spendToDate": value("spendToDate", content.map { $0.spendToDate.formatted } ?? ""),
            "varianceExplanation": value("varianceExplanation", content?.varianceExplanation ?? ""),
            "narrative": value("narrative", content?.narrative ?? ""),
            "risks": value("risks", content?.risks.joined(separator: "\n") ?? ""),
            "issues": value("issues", content?.issues.joined(separator: "\n") ?? ""),
            "milestones": milestoneRows, "indicators": indicators,
            "indicatorNames": agreement.indicators.map(\.name),
        ]
    }

    /// The content a board's form describes, or the field problems that stop it being read (nothing is saved then).
    func returnContent(from form: Form) -> (ReturnContent?, [[String: String]]) {
        var problems: [[String: String]] = []
        func money(_ name: String, _ label: String) -> Money {
            guard let text = form.text(name) else {
                problems.append(["field": name, "message": "Enter the \(label) in pounds, like £12,500"])
                return .zero
            }
            do { return try Money(parsing: text) } catch {
                problems.append([
                    "field": name, "message": "The \(label) must be in pounds, like £12,500: \(error.description)",
                ])
                return .zero
            }
        }
        let inQuarter = money("spendInQuarter", "spend in the quarter")
        let toDate = money("spendToDate", "spend to date")
        var milestones: [ReturnContent.Milestone] = []
        var i = 0
        while form.fields["milestone-\(i)-name"] != nil || form.fields["milestone-\(i)-rag"] != nil {
            let name = form.text("milestone-\(i)-name")
            let rag = form.text("milestone-\(i)-rag")
            if let name {
                if let rag, let value = RAG(rawValue: rag) {
                    milestones.append(.init(name: name, rag: value, reason: form.text("milestone-\(i)-reason")))
                } else {
                    problems.append([
                        "field": "milestone-\(i)-rag", "message": "Choose red, amber or green for milestone \(i + 1)",
                    ])
                }
            } else if rag != nil || form.text("milestone-\(i)-reason") != nil {
                problems.append(["field": "milestone-\(i)-name", "message": "Enter the name of milestone \(i + 1)"])
            }
            i += 1
        }
        var indicators: [ReturnContent.IndicatorReading] = []
        var j = 0
        while let name = form.fields["indicator-\(j)-name"] {
            if let actual = form.text("indicator-\(j)") { indicators.append(.init(name: name, actual: actual)) }
            j += 1
        }
        func lines(_ name: String) -> [String] {
            (form.fields[name] ?? "").split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard problems.isEmpty else { return (nil, problems) }
        return (
            ReturnContent(
                spendInQuarter: inQuarter, spendToDate: toDate, varianceExplanation: form.text("varianceExplanation"),
                narrative: form.text("narrative") ?? "", milestones: milestones, indicators: indicators,
                risks: lines("risks"), issues: lines("issues")), []
        )
    }
}

/// The field of the board's form (or the reviewer's) a refusal is about.
func returnFieldID(step: String, rule: String, form: Form) -> String {
    switch step {
    case "send-back": return "reasons"
    case "accept": return "accept"
    default: break
    }
    switch rule {
    case "variance-explained": return "varianceExplanation"
    case "spend-to-date-adds-up": return "spendToDate"
    case "progress-narrative-given": return "narrative"
    case "rag-reason-for-red-or-amber":
        var i = 0
        while form.fields["milestone-\(i)-name"] != nil {
            if ["red", "amber"].contains(form["milestone-\(i)-rag"] ?? ""), form.text("milestone-\(i)-reason") == nil {
                return "milestone-\(i)-reason"
            }
            i += 1
        }
        return "milestone-0-reason"
    case "indicator-reported", "indicator-in-agreement": return "indicator-0"
    default: return "spendInQuarter"
    }
}

private func spendText(_ content: ReturnContent) -> String {
    "\(content.spendInQuarter.formatted) in the quarter, \(content.spendToDate.formatted) to date"
}

extension Commissioning.ReturnListRow {
    /// The row as the returns list shows it.
    var values: [String: Any] {
        [
            "id": id, "href": "/returns/\(id)", "quarter": quarter, "recipient": recipient, "agreement": agreement,
            "due": dueOn, "state": statusLabel(state), "stateClass": state, "overdue": overdue,
            "escalated": escalated, "awaitingReview": awaitingReview,
        ]
    }
}
