import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The finance screens: budgets by year and strand with the reconciliation (and its CSV), allocations with the
    /// formula split (previewed, then confirmed), grant agreements and their acts, and carry-forwards.
    func addFinanceRoutes(to router: Router<WebContext>) {
        router.get("/finance") { request, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try financePage(year: queryYear(request), user: user, context: context)
        }
        addFinanceFormRoutes(to: router)
        router.get("/finance/reconciliation.csv") { request, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try reconciliationCSV(request, user: user, context: context)
        }
        router.get("/finance/allocations") { request, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try allocationsPage(year: queryYear(request), user: user, context: context)
        }
        router.post("/finance/allocations/:step") { request, context -> Response in
            let form = try await form(request, context)
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
            let step = try context.parameters.require("step")
            if step == "single" { return try allocateSingle(form: form, user: user, context: context) }
            return try splitStep(step, form: form, user: user, context: context)
        }
        router.get("/grants") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try grantsPage(user: user, context: context)
        }
        router.get("/grants/:id") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try grantPage(try context.parameters.require("id"), user: user, context: context)
        }
        router.post("/grants/:id/:act") { request, context -> Response in
            let form = try await form(request, context)
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
            return try grantAct(
                try context.parameters.require("id"), act: try context.parameters.require("act"), form: form,
                user: user, context: context)
        }
        router.get("/finance/carry-forwards") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try carryForwardsPage(user: user, context: context)
        }
        router.post("/finance/carry-forwards") { request, context -> Response in
            let form = try await form(request, context)
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
            return try requestCarryForward(form: form, user: user, context: context)
        }
        router.post("/finance/carry-forwards/:id/decide") { request, context -> Response in
            let form = try await form(request, context)
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
            return try decideCarryForward(
                try context.parameters.require("id"), form: form, user: user, context: context)
        }
    }

    // MARK: Shared

    /// The year a page asks for (`?year=2016/17`), if any.
    func queryYear(_ request: Request) -> FinancialYear? {
        guard let text = request.uri.queryParameters["year"].map(String.init), !text.isEmpty else { return nil }
        return try? FinancialYear(parsing: text.removingPercentEncoding ?? text)
    }

    /// The error page for a refusal the page cannot show in a form: 403 when the person may not, 404 when there is
    /// no such record.
    func refusalPage(_ error: any Error, context: WebContext) -> Response {
        let status = Refusal.status(of: error) ?? .internalServerError
        return pages.error(
            status == .unprocessableContent ? .notFound : status,
            message: Refusal.messages(of: error).joined(separator: " "), context: context)
    }

    /// Runs an act: a refusal of a rule comes back to the page (`rerender`) with the error summary, status 422;
    /// a forbidden act is the 403 page.
    func act(
        field: String, context: WebContext, rerender: ([[String: String]]) throws -> Response,
        _ body: () throws -> Response
    ) throws -> Response {
        do {
            return try body()
        } catch let error where Refusal.status(of: error) != nil {
            guard Refusal.status(of: error) == .unprocessableContent else {
                return pages.error(
                    Refusal.status(of: error)!, message: Refusal.messages(of: error).joined(separator: " "),
                    context: context)
            }
            return try rerender(Refusal.details(of: error).map { ["field": field, "message": $0.message] })
        }
    }

    func financeNav(_ current: String) -> [[String: Any]] {
        [
            ("/finance", "Budgets and reconciliation"), ("/finance/allocations", "Allocations"),
            ("/grants", "Grant agreements"), ("/finance/carry-forwards", "Carry-forwards"),
        ].map { href, label in ["href": href, "label": label, "current": href == current] }
    }

    func readerRoles(_ user: String) throws -> Set<Role> {
        try app.person(named: user)?.actor.roles(covering: nil) ?? []
    }

    // MARK: Budgets and reconciliation

    func financePage(
        year: FinancialYear?, user: String, context: WebContext, errors: [[String: String]] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let overview: Commissioning.FinanceOverview
        do { overview = try app.financeOverview(as: user, year: year) } catch let error
            where Refusal.status(of: error) != nil
        {
            return refusalPage(error, context: context)
        }
        let names = Dictionary(
            overview.allocations.map { ($0.recipientOrgID, $0.recipientName) }, uniquingKeysWith: { a, _ in a })
        let strandNames = Dictionary(
            overview.strands.map { ($0.strand, $0.name) }, uniquingKeysWith: { a, _ in a })
        let strandLines = overview.reconciliation.filter { $0.recipient == nil }
        let year = overview.year?.description ?? ""
        let chart = GroupedBarChart(
            title: "Budget used per strand, \(year)", series: ["Budget", "Allocated", "Paid"],
            groups: strandLines.map { row in
                .init(label: row.strand ?? "", values: [row.budgetPence, row.allocatedPence, row.paidPence])
            }, id: "strands")
        let rows: [[String: Any]] = overview.reconciliation.map { r in
            let strand = r.strand ?? ""
            return [
                "line": r.recipient.map { "\(names[$0] ?? $0) (\($0))" }
                    ?? "\(strand): \(strandNames[strand] ?? strand)",
                "strandLine": r.recipient == nil, "budget": r.budgetPence.map(pounds) ?? "",
                "allocated": pounds(r.allocatedPence), "committed": pounds(r.committedPence),
                "paid": pounds(r.paidPence), "returned": pounds(r.returnedPence),
                "carriedIn": pounds(r.carriedInPence), "carriedOut": pounds(r.carriedOutPence),
                "available": pounds(r.availablePence), "unallocated": r.unallocatedPence.map(pounds) ?? "",
                "clawback": pounds(r.clawbackDuePence),
            ]
        }
        let strands: [[String: Any]] = strandLines.map { r in
            let budget = r.budgetPence ?? 0
            return [
                "strand": r.strand ?? "", "name": strandNames[r.strand ?? ""] ?? "", "budget": pounds(budget),
                "allocated": pounds(r.allocatedPence), "paid": pounds(r.paidPence),
                "unallocated": r.unallocatedPence.map(pounds) ?? "",
                "used": budget > 0 ? "\(r.allocatedPence * 100 / budget)%" : "",
            ]
        }
        var values: [String: Any] = [
            "nav": financeNav("/finance"), "office": overview.office, "year": year,
            "years": overview.years.map { y in
                ["label": y.description, "href": "/finance?year=\(y)", "current": y == overview.year]
            },
            "strands": strands, "rows": rows, "svg": chart.svg, "hasMoney": overview.year != nil,
            "csv": "/finance/reconciliation.csv?year=\(year)", "errors": errors,
        ]
        if try readerRoles(user).contains(.finance) {
            values.merge(budgetFormValues(entered, errors: errors, year: year)) { _, new in new }
        }
        return pages.page(
            "finance", title: (errors.isEmpty ? "" : "Error: ") + "Budgets and reconciliation", values: values,
            context: context, status: status)
    }

    func reconciliationCSV(_ request: Request, user: String, context: WebContext) throws -> Response {
        let overview: Commissioning.FinanceOverview
        do { overview = try app.financeOverview(as: user, year: queryYear(request)) } catch let error
            where Refusal.status(of: error) != nil
        {
            return refusalPage(error, context: context)
        }
        let header = [
            "office", "year", "strand", "recipient", "budgetPence", "allocatedPence", "committedPence", "paidPence",
            "returnedPence", "carriedInPence", "carriedOutPence", "availablePence", "unallocatedPence",
            "clawbackDuePence", "writtenOffPence",
        ]
        func n(_ p: Int64?) -> String { p.map(String.init) ?? "" }
        let lines =
            [CSV.header(header)]
            + overview.reconciliation.map { r in
                CSV.line(
                    [
                        r.office, r.financialYear, r.strand ?? "", r.recipient ?? "(strand)", n(r.budgetPence),
                        n(r.allocatedPence), n(r.committedPence), n(r.paidPence), n(r.returnedPence),
                        n(r.carriedInPence), n(r.carriedOutPence), n(r.availablePence), n(r.unallocatedPence),
                        n(r.clawbackDuePence), n(r.writtenOffPence),
                    ], numberColumns: Set(4..<header.count))
            }
        let name =
            "reconciliation-\(overview.office)-\((overview.year?.description ?? "none").replacingOccurrences(of: "/", with: "-")).csv"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "no-store", .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: lines.map { $0 + "\r\n" }.joined())))
    }

    // MARK: Allocations and the formula split

    static let splitFactors = 3
    static let splitRecipients = 6

    func allocationsPage(
        year: FinancialYear?, user: String, context: WebContext, errors: [[String: String]] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let overview: Commissioning.FinanceOverview
        do { overview = try app.financeOverview(as: user, year: year) } catch let error
            where Refusal.status(of: error) != nil
        {
            return refusalPage(error, context: context)
        }
        let rows: [[String: Any]] = overview.allocations.map { a in
            [
                "id": a.id, "recipient": a.recipientName, "orgID": a.recipientOrgID, "strand": a.strand,
                "area": a.area ?? "", "amount": a.amount.formatted, "method": statusLabel(a.method.rawValue),
                "decision": overview.decisionNumbers[a.decisionID] ?? a.decisionID, "day": a.day.iso,
                "rcco": a.revenueContributionToCapital, "band": a.sizeBand ?? "",
            ]
        }
        let total = (try? Money.sum(overview.allocations.map(\.amount)))?.formatted ?? ""
        let isFinance = try readerRoles(user).contains(.finance)
        var values: [String: Any] = [
            "nav": financeNav("/finance/allocations"), "year": overview.year?.description ?? "",
            "years": overview.years.map { y in
                ["label": y.description, "href": "/finance/allocations?year=\(y)", "current": y == overview.year]
            },
            "rows": rows, "total": total, "errors": errors,
        ]
        if isFinance {
            values["split"] = splitFormValues(entered, defaultYear: overview.year)
            values["single"] = singleFormValues(entered, year: overview.year?.description ?? "")
            values["fe"] = fieldErrors(errors)
        }
        return pages.page(
            "allocations", title: (errors.isEmpty ? "" : "Error: ") + "Allocations", values: values,
            context: context, status: status)
    }

    func splitFormValues(_ entered: [String: String], defaultYear: FinancialYear?) -> [String: Any] {
        func v(_ name: String) -> String { entered[name] ?? "" }
        return [
            "year": entered["year"] ?? defaultYear?.description ?? "", "strand": v("strand"),
            "decision": v("decision"), "purpose": v("purpose"), "total": v("total"),
            "factors": (0..<Self.splitFactors).map { i in
                ["index": i, "number": i + 1, "name": v("factor-\(i)-name"), "weight": v("factor-\(i)-weight")]
            },
            "recipients": (0..<Self.splitRecipients).map { r -> [String: Any] in
                [
                    "index": r, "number": r + 1, "orgId": v("r-\(r)-orgId"), "name": v("r-\(r)-name"),
                    "area": v("r-\(r)-area"),
                    "factors": (0..<Self.splitFactors).map { i in
                        ["index": i, "number": i + 1, "row": r, "value": v("r-\(r)-f\(i)")]
                    },
                ]
            },
        ]
    }

    /// The split the form describes, or the problems that stop it being read (each with its field).
    static func splitFile(from form: Form) -> (Commissioning.SplitFile?, [[String: String]]) {
        var problems: [[String: String]] = []
        func need(_ name: String, _ what: String) -> String {
            guard let text = form.text(name) else {
                problems.append(["field": "split-\(name)", "message": "Enter \(what)"])
                return ""
            }
            return text
        }
        let year = need("year", "the financial year, like 2017/18")
        let strand = need("strand", "the strand code, like CSF")
        let decision = need("decision", "the approving decision's number")
        let purpose = need("purpose", "what the money is for")
        let total = need("total", "the total to divide, in pounds")
        var weights: [String: Int64] = [:]
        var names: [Int: String] = [:]
        for i in 0..<Self.splitFactors {
            guard let name = form.text("factor-\(i)-name") else { continue }
            guard let weight = form.text("factor-\(i)-weight").flatMap({ Int64($0) }), weight > 0 else {
                problems.append([
                    "field": "factor-\(i)-weight", "message": "Enter the weight of \(name) as a whole number above 0",
                ])
                continue
            }
            weights[name] = weight
            names[i] = name
        }
        if weights.isEmpty {
            problems.append(["field": "factor-0-name", "message": "Enter at least one factor and its weight"])
        }
        var recipients: [Commissioning.SplitFile.Recipient] = []
        for r in 0..<Self.splitRecipients {
            guard let orgId = form.text("r-\(r)-orgId") else { continue }
            var factors: [String: Int64] = [:]
            for (i, name) in names {
                guard let value = form.text("r-\(r)-f\(i)").flatMap({ Int64($0) }), value >= 0 else {
                    problems.append([
                        "field": "r-\(r)-f\(i)",
                        "message": "Enter \(name) for recipient \(r + 1) as a whole number (0 or more)",
                    ])
                    continue
                }
                factors[name] = value
            }
            guard let name = form.text("r-\(r)-name") else {
                problems.append(["field": "r-\(r)-name", "message": "Enter the name of recipient \(r + 1)"])
                continue
            }
            recipients.append(.init(orgId: orgId, name: name, area: form.text("r-\(r)-area"), factors: factors))
        }
        if recipients.isEmpty {
            problems.append(["field": "r-0-orgId", "message": "Enter at least one recipient's org-id"])
        }
        guard problems.isEmpty else { return (nil, problems) }
        return (
            .init(
                formulaFor: year, strand: strand, decision: decision, purpose: purpose, total: total, weights: weights,
                recipients: recipients), []
        )
    }

    /// `preview` shows the split per area; `confirm` allocates it; `change` goes back to the form with its values.
    func splitStep(_ step: String, form: Form, user: String, context: WebContext) throws -> Response {
        let year = form.text("year").flatMap { try? FinancialYear(parsing: $0) }
        guard ["preview", "confirm", "change"].contains(step) else {
            return pages.error(.notFound, message: "There is no such step.", context: context)
        }
        let (file, problems) = Self.splitFile(from: form)
        guard step != "change", problems.isEmpty, let file else {
            return try allocationsPage(
                year: year, user: user, context: context, errors: problems, entered: form.fields,
                status: step == "change" ? .ok : .unprocessableContent)
        }
        let office = try app.person(named: user)?.office ?? ""
        // A refusal goes to the field its rule is about: the decision's rules to the decision, the strand's to
        // the strand, the rest (the strand's budget, the split itself) to the total.
        let decisionRules = [
            "known-decision", "allocation-needs-approved-decision", "decision-states-amount",
            "allocation-within-decision",
        ]
        return try formAct(
            fallback: "split-total",
            fields: Dictionary(uniqueKeysWithValues: decisionRules.map { ($0, "split-decision") })
                .merging(["known-strand": "split-strand", "valid-strand": "split-strand"]) { a, _ in a },
            context: context,
            rerender: { errors in
                try allocationsPage(
                    year: year, user: user, context: context, errors: errors, entered: form.fields,
                    status: .unprocessableContent)
            }
        ) {
            if step == "confirm" {
                let made = try app.allocateSplit(file, office: office, by: user)
                return .redirect(
                    to: "/finance/allocations?year=\(made.first?.year.description ?? "")", type: .normal)
            }
            let shares = try app.previewSplit(file, office: office, by: user)
            let factorNames = file.weights?.keys.sorted() ?? []
            let rows: [[String: Any]] = shares.map { s in
                let recipient = file.recipients.first { $0.orgId == s.recipientOrgID }
                return [
                    "recipient": s.recipientName, "orgID": s.recipientOrgID, "area": s.area ?? "",
                    "factors": factorNames.map { ["value": String(recipient?.factors?[$0] ?? 0)] },
                    "amount": s.amount.formatted,
                ]
            }
            let chart = GroupedBarChart(
                title: "The split per area", series: ["Share"],
                groups: shares.map { .init(label: $0.area ?? $0.recipientName, values: [$0.amount.pence]) },
                id: "split")
            return pages.page(
                "split-preview", title: "Check the split before you confirm it",
                values: [
                    "rows": rows,
                    "factorNames": factorNames.map { ["name": $0, "weight": String(file.weights![$0]!)] },
                    "total": (try? Money.sum(shares.map(\.amount)))?.formatted ?? "", "year": file.year,
                    "strand": file.strand, "decision": file.decision, "purpose": file.purpose,
                    "hidden": form.fields.filter { $0.key != "csrf" }.sorted { $0.key < $1.key }.map {
                        ["name": $0.key, "value": $0.value]
                    },
                    "svg": chart.svg,
                ], context: context, back: "/finance/allocations")
        }
    }

    // MARK: Grant agreements

    func grantsPage(user: String, context: WebContext) throws -> Response {
        let overview: Commissioning.FinanceOverview
        do { overview = try app.financeOverview(as: user) } catch let error where Refusal.status(of: error) != nil {
            return refusalPage(error, context: context)
        }
        let rows: [[String: Any]] = overview.agreements.map { row in
            let a = row.agreement
            return [
                "id": a.id, "href": "/grants/\(a.id)", "recipient": a.recipient.name, "purpose": a.purpose,
                "amount": a.amount.formatted, "paid": row.paid.formatted, "period": a.period.description,
                "decision": row.decisionNumber ?? "", "state": statusLabel(row.state), "stateClass": row.state,
            ]
        }
        return pages.page(
            "grants", title: "Grant agreements", values: ["nav": financeNav("/grants"), "rows": rows],
            context: context)
    }

    func grantPage(
        _ id: String, user: String, context: WebContext, errors: [[String: String]] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let view: Commissioning.GrantView
        do { view = try app.grantView(id, as: user) } catch let error where Refusal.status(of: error) != nil {
            return refusalPage(error, context: context)
        }
        let a = view.agreement
        let roles = view.readerRoles
        let finance = roles.contains(.finance)
        let officer = finance || roles.contains(.officer)
        let paid = (try? Money.sum(a.payments.filter { $0.paidOn != nil }.map(\.amount))) ?? .zero
        var facts: [[String: String]] = [
            ["label": "Recipient", "value": "\(a.recipient.name) (\(a.recipient.orgID))"],
            [
                "label": "Decision",
                "value": [view.decisionNumber, view.decisionTitle].compactMap { $0 }.joined(separator: ": "),
            ],
            ["label": "Amount", "value": a.amount.formatted],
            ["label": "Paid so far", "value": paid.formatted],
            ["label": "Period", "value": a.period.description],
            ["label": "Crime and disorder statement", "value": a.crimeAndDisorderStatement],
            [
                "label": "Assessments",
                "value": [
                    a.equalityImpactAssessment.map { "Equality impact: \($0.reference) (\($0.recordedOn.iso))" }
                        ?? "Equality impact: not recorded",
                    a.riskAssessment.map { "Risk: \($0.reference) (\($0.recordedOn.iso))" } ?? "Risk: not recorded",
                ].joined(separator: "\n"),
            ],
            [
                "label": "Signatures",
                "value": a.signatures.isEmpty
                    ? "None yet"
                    : a.signatures.map { "\(statusLabel($0.party.description)): \($0.name) (\($0.on.iso))" }
                        .joined(separator: "\n"),
            ],
        ]
        if let body = a.accountableBody {
            facts.insert(["label": "Accountable body", "value": "\(body.name) (\(body.orgID))"], at: 1)
        }
        if a.ringFenced { facts.append(["label": "Ring-fenced", "value": "Yes"]) }
        // Spend against profile: the profile per quarter against what each quarter's return reports.
        let reported = Dictionary(
            view.quarters.map { ($0.quarter, $0) }, uniquingKeysWith: { first, _ in first })
        let quarters: [[String: Any]] = a.spendProfile.map { q in
            let r = reported[q.quarter.description]
            return [
                "quarter": q.quarter.description, "profiled": q.amount.formatted,
                "reported": r?.spendInQuarterPence.map(pounds) ?? "Not reported",
                "returnID": r?.returnID ?? "", "returnState": r.map { statusLabel($0.state) } ?? "",
                "returnStateClass": r?.state ?? "",
            ]
        }
        let chart = GroupedBarChart(
            title: "Spend against profile, \(a.id)", series: ["Profiled", "Reported"],
            groups: a.spendProfile.map { q in
                .init(
                    label: q.quarter.description,
                    values: [q.amount.pence, reported[q.quarter.description]?.spendInQuarterPence])
            }, id: "spend")
        let allocations: [[String: Any]] = view.allocations.map { al in
            [
                "id": al.id, "strand": al.strand, "year": al.year.description, "area": al.area ?? "",
                "amount": al.amount.formatted, "method": statusLabel(al.method.rawValue),
                "rcco": al.revenueContributionToCapital,
            ]
        }
        let releasable = finance && view.state == "active"
        let instalments: [[String: Any]] = a.payments.map { p in
            [
                "id": p.id, "grant": id, "amount": p.amount.formatted, "condition": p.condition.description,
                "paid": p.paidOn?.iso ?? "", "release": releasable && p.paidOn == nil,
            ]
        }
        let variations: [[String: Any]] = a.variations.map { v in
            [
                "day": v.on.iso, "kind": statusLabel(v.kind.rawValue), "description": v.description,
                "change": v.amountChange?.formatted ?? "", "by": v.approvedBy,
                "decision": v.newDecisionID.map { view.newDecisionNumbers[$0] ?? $0 } ?? "",
            ]
        }
        func e(_ name: String, _ fallback: String = "") -> String { entered[name] ?? fallback }
        var values: [String: Any] = [
            "id": id, "purpose": a.purpose, "recipient": a.recipient.name, "state": statusLabel(view.state),
            "stateClass": view.state, "facts": facts, "quarters": quarters, "svg": chart.svg,
            "allocations": allocations, "instalments": instalments, "variations": variations, "errors": errors,
            "conditions": a.conditions.map { ["text": $0] },
        ]
        var acts: [String: Any] = [:]
        switch view.state {
        case "draft" where officer:
            acts["assessment"] = ["reference": e("reference")]
            acts["confirmConditions"] = true
        case "conditions-met" where officer:
            acts["signature"] = [
                "name": e("name"),
                "parties": GrantAgreement.Party.allCases.map { p in
                    [
                        "value": p.rawValue, "label": statusLabel(p.description),
                        "selected": e("party", a.partiesYetToSign.first?.rawValue ?? "") == p.rawValue,
                    ]
                },
            ]
            acts["sign"] = true
        case "signed" where finance:
            acts["activate"] = true
        case "active" where finance:
            acts["vary"] = [
                "reason": e("reason"), "change": e("change"), "newDecision": e("newDecision"),
                "end": e("end", a.period.end.iso),
                "kinds": [("amount", "Change the amount"), ("dates", "Change the end date")].map { value, label in
                    ["value": value, "label": label, "checked": e("kind", "amount") == value]
                },
            ]
            acts["close"] = true
        default: break
        }
        if view.state == "active", !roles.isDisjoint(with: [.finance, .commissioner]) {
            acts["terminate"] = ["reason": e("terminateReason")]
            values["fe"] = fieldErrors(errors)
        }
        if !acts.isEmpty { values["acts"] = acts }
        return pages.page(
            "grant", title: (errors.isEmpty ? "" : "Error: ") + "\(a.id): \(a.recipient.name)", values: values,
            context: context, back: "/grants", status: status)
    }

    func grantAct(_ id: String, act step: String, form: Form, user: String, context: WebContext) throws -> Response {
        try act(
            field: step == "terminate" ? "terminate-reason" : step, context: context,
            rerender: { errors in
                try grantPage(
                    id, user: user, context: context, errors: errors, entered: form.fields,
                    status: .unprocessableContent)
            }
        ) {
            switch step {
            case "assessment":
                try app.recordAssessment(
                    id, equality: form["which"] != "risk", reference: form.text("reference") ?? "", by: user)
            case "confirm-conditions": try app.confirmAgreementConditions(id, by: user)
            case "signature":
                guard let party = GrantAgreement.Party(rawValue: form["party"] ?? "") else {
                    throw ServiceRefusal(rule: "valid-choice", message: "choose which party signed")
                }
                guard let name = form.text("name") else {
                    throw ServiceRefusal(rule: "signatory-named", message: "enter the name of the person who signed")
                }
                try app.recordAgreementSignature(id, party: party, name: name, by: user)
            case "sign": try app.signAgreement(id, by: user)
            case "activate": try app.activateAgreement(id, by: user)
            case "release": try app.releasePayment(id, instalment: form["instalment"] ?? "", by: user)
            case "close": try app.closeAgreement(id, by: user)
            case "terminate": try app.terminateAgreement(id, reason: form.text("terminateReason") ?? "", by: user)
            case "vary": try app.varyAgreement(id, try variation(from: form, agreement: id), by: user)
            default: return pages.error(.notFound, message: "There is no such act.", context: context)
            }
            return .redirect(to: "/grants/\(id)", type: .normal)
        }
    }

    func variation(from form: Form, agreement id: String) throws -> Commissioning.VariationRequest {
        let kind = form["kind"] == "dates" ? GrantAgreement.Variation.Kind.dates : .amount
        var request = Commissioning.VariationRequest(kind: kind, reason: form.text("reason") ?? "")
        if kind == .amount {
            guard let text = form.text("change") else {
                throw ServiceRefusal(
                    rule: "variation-fits-kind", message: "enter the change in pounds, like -500.00 for a reduction")
            }
            let negative = text.hasPrefix("-")
            let magnitude: Money
            do { magnitude = try Money(parsing: negative ? String(text.dropFirst()) : text) } catch {
                throw ServiceRefusal(
                    rule: "valid-amount", message: "the change must be in pounds, like -500.00: \(error.description)")
            }
            request.amountChange = SignedMoney(pence: negative ? -magnitude.pence : magnitude.pence)
            request.newDecision = form.text("newDecision")
        } else {
            let current = try app.agreement(id).period
            guard let text = form.text("end"), let end = try? Day(iso: text) else {
                throw ServiceRefusal(rule: "valid-date", message: "enter the new end date, like 2017-06-30")
            }
            request.period = GrantAgreement.Period(start: current.start, end: end)
        }
        return request
    }

    // MARK: Carry-forwards

    func carryForwardsPage(
        user: String, context: WebContext, errors: [[String: String]] = [], entered: [String: String] = [:],
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let overview: Commissioning.FinanceOverview
        do { overview = try app.financeOverview(as: user) } catch let error where Refusal.status(of: error) != nil {
            return refusalPage(error, context: context)
        }
        let roles = try readerRoles(user)
        let decides = !roles.isDisjoint(with: [.commissioner, .chiefExecutive])
        let finance = roles.contains(.finance)
        let errorsByField = fieldErrors(errors)
        let rows: [[String: Any]] = overview.carryForwards.map { row in
            let r = row.request
            let again = entered["id"] == r.id
            return [
                "confirm": finance && row.state == "approved", "settle": finance && row.state == "refused",
                "actualEntered": again ? entered["actual"] ?? "" : "",
                "decideReason": again ? entered["decideReason"] ?? "" : "",
                "decideDecision": again ? entered["decideDecision"] ?? "" : "",
                "refuseChosen": again && entered["outcome"] == "refuse",
                "reasonError": errorsByField["\(r.id)_reason".replacingOccurrences(of: "-", with: "_")] ?? "",
                "decisionError": errorsByField["\(r.id)_decision".replacingOccurrences(of: "-", with: "_")] ?? "",
                "confirmError": errorsByField["confirm_\(r.id)_actual".replacingOccurrences(of: "-", with: "_")] ?? "",
                "id": r.id, "recipient": r.recipientOrgID, "strand": r.strand, "from": r.year.description,
                "to": r.year.next.description, "forecast": r.forecast.formatted, "reason": r.reason,
                "actual": r.actual?.formatted ?? "", "decision": row.decisionNumber ?? "",
                "state": statusLabel(row.state), "stateClass": row.state,
                "decide": decides && row.state == "requested",
            ]
        }
        var values: [String: Any] = [
            "nav": financeNav("/finance/carry-forwards"), "rows": rows, "errors": errors, "fe": errorsByField,
        ]
        if roles.contains(.finance) {
            values["request"] = [
                "year": entered["year"] ?? overview.year?.description ?? "", "strand": entered["strand"] ?? "",
                "recipient": entered["recipient"] ?? "", "forecast": entered["forecast"] ?? "",
                "reason": entered["reason"] ?? "",
            ]
        }
        return pages.page(
            "carry-forwards", title: (errors.isEmpty ? "" : "Error: ") + "Carry-forwards", values: values,
            context: context, status: status)
    }

    /// Each field is read first, and every one that cannot be is linked from the error summary and shown beside
    /// its field; then the service's refusals go to the field their rule is about.
    func requestCarryForward(form: Form, user: String, context: WebContext) throws -> Response {
        var read = FormReader(form, prefix: "cf")
        let year = read.year("year", "Enter the year of the underspend, like 2016/17")
        let strand = read.text("strand", "Enter the strand code, like ASB")
        let recipient = read.text("recipient", "Enter the recipient org-id, like GB-LAE-BAR")
        let forecast = read.money("forecast", "Enter the forecast underspend in pounds, more than £0, like £38,000")
        let reason = read.text("reason", "Enter why there is an underspend")
        let rerender = { (errors: [[String: String]]) in
            try carryForwardsPage(
                user: user, context: context, errors: errors, entered: form.fields, status: .unprocessableContent)
        }
        guard read.problems.isEmpty, let year, let strand, let recipient, let forecast, let reason else {
            return try rerender(read.problems)
        }
        return try formAct(
            fallback: read.field("forecast"),
            fields: [
                "reason-given": read.field("reason"), "amount-positive": read.field("forecast"),
                "carry-forward-within-allocation": read.field("forecast"), "valid-strand": read.field("strand"),
            ],
            context: context, rerender: rerender
        ) {
            let office = try app.person(named: user)?.office ?? ""
            try app.requestCarryForward(
                office: office, from: year, strand: strand, recipient: recipient, forecast: forecast, reason: reason,
                by: user)
            return .redirect(to: "/finance/carry-forwards", type: .normal)
        }
    }

    /// A refusal goes to the field its rule is about: a refusal without a reason to the reason, a decision record
    /// that is not one to the decision, the rest to the choice.
    func decideCarryForward(_ id: String, form: Form, user: String, context: WebContext) throws -> Response {
        try formAct(
            fallback: "\(id)-approve",
            fields: [
                "reason-given": "\(id)-reason", "known-decision": "\(id)-decision",
                "valid-decision-number": "\(id)-decision",
            ],
            context: context,
            rerender: { errors in
                try carryForwardsPage(
                    user: user, context: context, errors: errors,
                    entered: form.fields.merging(["id": id]) { _, b in b },
                    status: .unprocessableContent)
            }
        ) {
            guard let choice = form["outcome"], ["approve", "refuse"].contains(choice) else {
                throw ServiceRefusal(rule: "valid-choice", message: "choose to permit or refuse the carry-forward")
            }
            try app.decideCarryForward(
                id, approve: choice == "approve", reason: form.text("decideReason"),
                decision: form.text("decideDecision"), by: user)
            return .redirect(to: "/finance/carry-forwards", type: .normal)
        }
    }
}

/// Pence as pounds, with a minus sign for a negative figure.
func pounds(_ pence: Int64) -> String { SignedMoney(pence: pence).formatted }
