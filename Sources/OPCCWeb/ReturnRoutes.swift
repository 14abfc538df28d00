import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The quarterly return screens: the lists (due, overdue, escalated, awaiting review), a return's page with the
    /// project board's form, and the reviewer's accept / send back.
    func addReturnRoutes(to router: RouterGroup<WebContext>) {
        router.get("/returns") { request, context -> Response in
            try await returnList(request, user: try context.signedIn(), context: context)
        }
        router.get("/returns/:id") { _, context -> Response in
            try await returnPage(try context.parameters.require("id"), user: try context.signedIn(), context: context)
        }
        router.post("/returns/:id/:step") { request, context -> Response in
            let form = try await form(request, context)
            return try await returnStep(
                try context.parameters.require("step"), id: try context.parameters.require("id"), form: form,
                user: try context.signedIn(), context: context)
        }
    }

    /// A step on a return: the board saves or submits its form, a reviewer accepts or sends it back. A refusal of
    /// what was entered comes back to the form (for a submission, with every problem the return has).
    func returnStep(_ step: String, id: String, form: Form, user: String, context: WebContext) async throws -> Response
    {
        var saved = false
        return try await formAct(
            correctable: { status, _ in status == .unprocessableContent || status == .conflict },
            field: { returnFieldID(step: step, rule: $0.rule, form: form) },
            rerender: { errors, status in
                var errors = errors
                // A stale form says what changed; a refused submission names each problem of the return.
                if step == "submit", status != .conflict, let each = try? await app.submissionProblems(id, as: user),
                    !each.isEmpty
                {
                    errors = each.map {
                        FieldError(field: returnFieldID(step: step, rule: $0.rule, form: form), message: $0.message)
                    }
                }
                return try await returnPage(
                    id, user: user, context: context, errors: errors, entered: form.fields,
                    notice: saved ? "Your changes are saved as a draft. The return is not yet submitted." : nil,
                    status: status)
            }
        ) {
            switch step {
            case "save", "submit":
                let (content, problems) = returnContent(from: form)
                guard problems.isEmpty, let content else {
                    return try await returnPage(
                        id, user: user, context: context, errors: problems, entered: form.fields,
                        status: .unprocessableContent)
                }
                try await app.saveReturn(id, content: content, by: user, expectedVersion: try formVersion(form))
                saved = true
                // The save checked the form's version; the submission follows it in the same post.
                if step == "submit" { try await app.submitReturn(id, by: user) }
            case "accept":
                try await app.acceptReturn(
                    id, note: form.text("note"), by: user, expectedVersion: try formVersion(form))
            case "send-back":
                try await app.returnForRevision(
                    id, reasons: form.text("reasons") ?? "", by: user, expectedVersion: try formVersion(form))
            default: return pages.error(.notFound, message: "There is no such step.", context: context)
            }
            return .redirect(to: "/returns/\(id)", type: .normal)
        }
    }

    // MARK: Screens

    func returnList(_ request: Request, user: String, context: WebContext) async throws -> Response {
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
        var errors: [FieldError] = []
        // Paged by number (`page`, the `offset`/`total` contract) or, from a next link, by the keyset cursor `after`
        // (the agreement and quarter of the last return shown): a deep page is then one index seek, not a walk.
        var query = plainQuery(request)
        let afterText = query.removeValue(forKey: "after") ?? ""
        let asked = RegisterPaging.Request(query, errors: &errors)
        var after: ReturnListCursor?
        if !afterText.isEmpty {
            after = ReturnListCursor(text: afterText)
            if after == nil {
                errors.append(
                    FieldError(
                        field: "after",
                        message: "This link to the next page is not one the list made: start from the first page"))
            }
        }
        let page =
            errors.isEmpty
            ? try await app.returnListLines(
                filter, limit: RegisterPaging.pageSize, offset: after == nil ? asked.offset : 0, after: after, as: user)
            : (rows: [], total: 0, next: nil)
        let rows = page.rows
        let kept = [("status", chosen), ("grant", grant)].filter { !$0.1.isEmpty }
        let choices: [(String, String)] = [
            ("", "All returns"), ("due", "Due"), ("overdue", "Overdue"), ("escalated", "Escalated"),
            ("awaiting-review", "Awaiting review"),
        ]
        return try pages.page(
            "returns", title: errors.isEmpty ? "Quarterly returns" : "Error: Quarterly returns",
            model: ReturnsPage(
                filters: choices.map { value, label in
                    NavLink(
                        href: value.isEmpty ? "/returns" : "/returns?status=\(value)", label: label,
                        current: value == (filter.status?.rawValue ?? ""))
                }, rows: rows.map(ReturnListItem.init), errors: errors,
                paging: errors.isEmpty
                    ? RegisterPaging(
                        shown: rows.count, total: page.total, next: page.next.map { [("after", $0.text)] },
                        request: asked, path: "/returns", kept: kept, noun: "returns") : nil),
            context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func returnPage(
        _ id: String, user: String, context: WebContext, errors: [FieldError] = [], entered: [String: String]? = nil,
        notice: String? = nil, documentFields: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        // The version and the acts first: a change made between the two reads makes the forms stale, never wrong.
        let acts = try await app.recordActs(id, by: user)
        let (record, state) = try await found { try await app.quarterlyReturn(id, as: user) }
        let agreement = try await app.agreement(record.agreementID)
        let profiled = agreement.spendProfile.first { $0.quarter == record.quarter }?.amount ?? .zero
        let profiledToDate = try Money.sum(
            agreement.spendProfile.filter { $0.quarter <= record.quarter }.map(\.amount))
        let current = record.current
        let outstanding = ["scheduled", "draft", "returned-for-revision"].contains(state)
        var facts = [
            Fact(label: "Grant", value: "\(agreement.id): \(agreement.purpose)"),
            Fact(label: "Recipient", value: agreement.recipient.name),
            record.schedule.endOfGrant
                ? Fact(label: "Covers", value: "The whole grant: \(record.schedule.period)")
                : Fact(label: "Quarter", value: record.quarter.description),
            Fact(label: "Due", value: record.dueOn.iso),
            Fact(
                label: "Profiled spend",
                value: "\(profiled.formatted) this quarter, \(profiledToDate.formatted) to date"),
        ]
        if let current { facts.append(Fact(label: "Spend reported", value: spendText(current.content))) }
        // The board's form: what was entered, else the version being written, else the last one's plan.
        var form: BoardForm?
        if mayWrite(acts) {
            form = boardForm(agreement: agreement, content: current?.content, entered: entered, id: id)
            // Once figures are saved, the form says whether they need a variance explanation.
            if let content = current?.content {
                let variances = [
                    Variance(
                        basis: .quarter, quarter: record.quarter, actual: content.spendInQuarter, profiled: profiled),
                    Variance(
                        basis: .toDate, quarter: record.quarter, actual: content.spendToDate, profiled: profiledToDate),
                ].filter(\.needsExplanation)
                if !variances.isEmpty {
                    form?.varianceNeeded = variances.compactMap { $0.percentText }.joined(separator: " and ")
                }
            }
        }
        let lifecycle = ((try? await app.auditLog(instance: id, by: user)) ?? []).map { e in
            ReturnPage.LifecycleRow(day: e.effectiveDay.iso, event: e.event, to: e.toState ?? "", actor: e.actor)
        }
        var model = ReturnPage(
            id: id, heading: Self.returnHeading(record), recipient: agreement.recipient.name,
            state: statusLabel(state), stateClass: state, overdue: outstanding && app.clock.today() > record.dueOn,
            facts: facts, versions: record.versions.reversed().map(ReturnPage.VersionRow.init),
            reviewer: mayReview(acts), version: String(acts.version), errors: errors, lifecycle: lifecycle,
            trends: await indicatorTrends(agreement, user: user),
            reasons: entered?["reasons"] ?? "", note: entered?["note"] ?? "", form: form, notice: notice)
        model.documents = await documentLinks(.quarterlyReturn, id, user: user)
        model.documentForms = try await documentForms(
            .init(.quarterlyReturn, id), user: user, errors: errors, entered: documentFields)
        return try pages.page(
            "return",
            title: (errors.isEmpty ? "" : "Error: ") + "\(Self.returnHeading(record)), \(agreement.recipient.name)",
            model: model, context: context, back: "/returns", status: status)
    }

    /// Whether the return's page offers the board's form (save, submit): when the workflow definition lets the
    /// reader start the return or submit it (saving is part of both).
    func mayWrite(_ acts: Commissioning.RecordActs) -> Bool { acts.permits("start", "submit") }

    /// Whether the return's page offers the review (accept, send back): when the definition lets the reader accept
    /// it or return it for revision. The guard that a reviewer did not submit it refuses when the review is tried.
    func mayReview(_ acts: Commissioning.RecordActs) -> Bool { acts.permits("accept", "return-for-revision") }

    /// Each outcome indicator quarter by quarter against its baseline and target: a chart and its table.
    func indicatorTrends(_ agreement: GrantAgreement, user: String) async -> [ReturnPage.Trend] {
        let history = (try? await app.grantHistory(agreement.id, as: user)) ?? []
        return agreement.indicators.enumerated().map { i, indicator in
            let readings = history.compactMap { q in
                q.indicators[indicator.name].map { IndicatorTrendChart.Reading(label: q.quarter, text: $0) }
            }
            let chart = IndicatorTrendChart(indicator: indicator, readings: readings, id: "\(i)")
            return ReturnPage.Trend(
                svg: chart.svg, name: indicator.name, unit: indicator.unit, baseline: indicator.baseline,
                target: indicator.target, rows: readings.map { .init(quarter: $0.label, reading: $0.text) })
        }
    }

    /// The project board's form: milestones (what was written, with two spare rows), one reading per indicator of
    /// the agreement, the figures, the narrative, risks and issues (one per line).
    func boardForm(
        agreement: GrantAgreement, content: ReturnContent?, entered: [String: String]?, id: String
    ) -> BoardForm {
        func value(_ name: String, _ saved: String) -> String { entered?[name] ?? saved }
        let milestones = content?.milestones ?? []
        let rows = max(milestones.count + 2, 3)
        let milestoneRows = (0..<rows).map { i in
            let saved = i < milestones.count ? milestones[i] : nil
            let rag = value("milestone-\(i)-rag", saved?.rag.rawValue ?? "")
            return BoardForm.Milestone(
                index: i, number: i + 1, name: value("milestone-\(i)-name", saved?.name ?? ""),
                reason: value("milestone-\(i)-reason", saved?.reason ?? ""),
                options: [
                    ("", "Choose"), ("green", "Green: on track"), ("amber", "Amber: at risk"),
                    ("red", "Red: off track"),
                ].map { Choice(value: $0.0, label: $0.1, selected: $0.0 == rag) })
        }
        let indicators = agreement.indicators.enumerated().map { i, indicator in
            let saved = content?.indicators.first { $0.name == indicator.name }?.actual ?? ""
            return BoardForm.Indicator(
                index: i, name: indicator.name, unit: indicator.unit, baseline: indicator.baseline,
                target: indicator.target, actual: value("indicator-\(i)", saved))
        }
        return BoardForm(
            spendInQuarter: value("spendInQuarter", content.map { $0.spendInQuarter.formatted } ?? ""),
            spendToDate: value("spendToDate", content.map { $0.spendToDate.formatted } ?? ""),
            varianceExplanation: value("varianceExplanation", content?.varianceExplanation ?? ""),
            narrative: value("narrative", content?.narrative ?? ""),
            risks: value("risks", content?.risks.joined(separator: "\n") ?? ""),
            issues: value("issues", content?.issues.joined(separator: "\n") ?? ""), milestones: milestoneRows,
            indicators: indicators, id: id)
    }

    /// The content a board's form describes, or the field problems that stop it being read (nothing is saved then).
    func returnContent(from form: Form) -> (ReturnContent?, [FieldError]) {
        var problems: [FieldError] = []
        func money(_ name: String, _ label: String) -> Money {
            guard let text = form.text(name) else {
                problems.append(FieldError(field: name, message: "Enter the \(label) in pounds, like £12,500"))
                return .zero
            }
            do { return try Money(parsing: text) } catch {
                problems.append(
                    FieldError(
                        field: name, message: "The \(label) must be in pounds, like £12,500: \(error.description)"))
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
                    problems.append(
                        FieldError(
                            field: "milestone-\(i)-rag", message: "Choose red, amber or green for milestone \(i + 1)"))
                }
            } else if rag != nil || form.text("milestone-\(i)-reason") != nil {
                problems.append(
                    FieldError(field: "milestone-\(i)-name", message: "Enter the name of milestone \(i + 1)"))
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

/// A return as the lists show it.
struct ReturnListItem: Encodable, Sendable {
    var id: String
    var href: String
    var quarter: String
    var recipient: String
    var agreement: String
    var due: String
    var state: String
    var stateClass: String
    var overdue: Bool
    var escalated: Bool
    var awaitingReview: Bool

    init(
        id: String, href: String, quarter: String, recipient: String, agreement: String, due: String, state: String,
        stateClass: String, overdue: Bool, escalated: Bool, awaitingReview: Bool
    ) {
        self.id = id
        self.href = href
        self.quarter = quarter
        self.recipient = recipient
        self.agreement = agreement
        self.due = due
        self.state = state
        self.stateClass = stateClass
        self.overdue = overdue
        self.escalated = escalated
        self.awaitingReview = awaitingReview
    }

    init(_ entry: Commissioning.ReturnListEntry) {
        let line = entry.line
        id = line.id
        href = "/returns/\(line.id)"
        quarter = line.quarter
        recipient = line.recipient
        agreement = line.agreement
        due = line.dueOn
        state = statusLabel(line.state)
        stateClass = line.state
        overdue = entry.overdue
        escalated = line.escalated
        awaitingReview = entry.awaitingReview
    }

    init(_ row: Commissioning.ReturnListRow) {
        id = row.id
        href = "/returns/\(row.id)"
        quarter = row.quarter
        recipient = row.recipient
        agreement = row.agreement
        due = row.dueOn
        state = statusLabel(row.state)
        stateClass = row.state
        overdue = row.overdue
        escalated = row.escalated
        awaitingReview = row.awaitingReview
    }
}

extension Web {
    /// A return's heading: "2016/17 Q3 return", or "End-of-grant report" for a grant that reports once, at its end.
    static func returnHeading(_ record: ReturnRecord) -> String {
        record.schedule.endOfGrant ? "End-of-grant report" : "\(record.quarter) return"
    }
}
