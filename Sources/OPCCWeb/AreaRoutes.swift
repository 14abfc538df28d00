import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The pilot-area (VLI) screens: the ranked wards and one ward's chain from evidence to returns, with the
    /// officer's shortlist, notes and selection; and the priorities: the risk/harm matrix and the board's selection.
    func addAreaRoutes(to router: Router<WebContext>) {
        router.get("/vli") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try vliPage(user: user, context: context)
        }
        router.post("/vli/score") { request, context -> Response in
            let form = try await form(request, context)
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
            return try scoreVLI(form: form, user: user, context: context)
        }
        router.get("/vli/wards/:ward") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try wardPage(try context.parameters.require("ward"), user: user, context: context)
        }
        router.post("/vli/wards/:ward/:act") { request, context -> Response in
            let form = try await form(request, context)
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
            return try wardAct(
                try context.parameters.require("ward"), act: try context.parameters.require("act"), form: form,
                user: user, context: context)
        }
        router.get("/priorities") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try prioritiesPage(user: user, context: context)
        }
        router.get("/priorities/:id") { _, context -> Response in
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .found) }
            return try priorityPage(try context.parameters.require("id"), user: user, context: context)
        }
        router.post("/priorities/:id/:act") { request, context -> Response in
            let form = try await form(request, context)
            guard let user = context.user else { return .redirect(to: "/sign-in", type: .normal) }
            return try priorityAct(
                try context.parameters.require("id"), act: try context.parameters.require("act"), form: form,
                user: user, context: context)
        }
    }

    // MARK: Pilot areas

    /// The schemes under `workflows/vli/` a run may use (none when the server does not know the product home).
    func vliSchemes() -> [String] {
        guard let home else { return [] }
        let folder = home.workflows.appendingPathComponent("vli")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(".yaml".count)) }.sorted()
    }

    /// The scoring form, for the office's officers and finance when the schemes can be read.
    func vliScoreForm(user: String, entered: [String: String]) throws -> [String: Any]? {
        let schemes = vliSchemes()
        guard !schemes.isEmpty, !(try readerRoles(user)).isDisjoint(with: [.officer, .finance]) else { return nil }
        let chosen = entered["scheme"] ?? (schemes.contains("vli-default") ? "vli-default" : schemes[0])
        return ["schemes": schemes.map { ["value": $0, "selected": $0 == chosen] }]
    }

    func vliPage(
        user: String, context: WebContext, errors: [[String: String]] = [], entered: [String: String] = [:],
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let overview: Commissioning.VLIOverview
        let title = (errors.isEmpty ? "" : "Error: ") + "Pilot areas"
        do { overview = try app.vliOverview(as: user) } catch let error as ServiceRefusal
            where error.rule == "vli-run-exists"
        {
            var values: [String: Any] = ["message": sentence(error.message), "errors": errors]
            if let score = try vliScoreForm(user: user, entered: entered) { values["score"] = score }
            return pages.page("vli-none", title: title, values: values, context: context, status: status)
        } catch let error where Refusal.status(of: error) != nil {
            return refusalPage(error, context: context)
        }
        let run = overview.run
        let rows: [[String: Any]] = overview.wards.enumerated().map { i, w in
            let selection = overview.selections[w.code]
            return [
                "rank": i + 1, "code": w.code, "name": w.name, "href": "/vli/wards/\(w.code)", "areas": w.areas,
                "over": w.overThreshold, "mean": String(format: "%.1f", w.meanVLI),
                "max": String(format: "%.1f", w.maxVLI), "population": w.population,
                "status": selection.map { statusLabel($0.status.rawValue) } ?? "",
                "statusClass": selection?.status.rawValue ?? "",
                "decision": selection?.decisionID.map { overview.decisionNumbers[$0] ?? $0 } ?? "",
            ]
        }
        let facts: [[String: String]] = [
            ["label": "Run", "value": "\(run.id), scored on \(run.runOn.iso) by \(run.runBy)"],
            ["label": "Scheme", "value": "\(run.schemeName) version \(run.schemeVersion)"],
            ["label": "Threshold", "value": "Areas (LSOAs) with a VLI over \(Int(run.result.threshold))"],
            [
                "label": "Proxies",
                "value": run.result.proxies.isEmpty ? "None" : run.result.proxies.joined(separator: ", "),
            ],
        ]
        var values: [String: Any] = [
            "office": overview.office, "facts": facts, "rows": rows,
            "svg": Commissioning.vliChart(overview.wards, run: run, top: 15),
            "shown": min(15, overview.wards.count), "count": overview.wards.count, "errors": errors,
        ]
        if let score = try vliScoreForm(user: user, entered: entered) { values["score"] = score }
        return pages.page("vli", title: title, values: values, context: context, status: status)
    }

    /// Scores the office's imported inputs under the chosen scheme and keeps the run (`opcc vli score`).
    func scoreVLI(form: Form, user: String, context: WebContext) throws -> Response {
        guard !(try readerRoles(user)).isDisjoint(with: [.officer, .finance]) else {
            return notYours("run the VLI scoring", context: context)
        }
        let rerender = { (errors: [[String: String]]) in
            try vliPage(
                user: user, context: context, errors: errors, entered: form.fields, status: .unprocessableContent)
        }
        // Only a scheme the page offers: the name never reaches the file system otherwise.
        guard let home, let scheme = form.text("scheme"), vliSchemes().contains(scheme) else {
            return try rerender([["field": "score-scheme", "message": "Choose one of the schemes listed"]])
        }
        return try formAct(fallback: "score-scheme", context: context, rerender: rerender) {
            let (parsed, text) = try app.vliScheme(named: scheme, home: home)
            try app.scoreVLI(office: try readerOffice(user), scheme: parsed, schemeText: text, by: user)
            return .redirect(to: "/vli", type: .normal)
        }
    }

    func wardPage(
        _ ward: String, user: String, context: WebContext, errors: [[String: String]] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let view: Commissioning.VLIWardView
        do { view = try app.vliWardView(ward: ward, as: user) } catch let error where Refusal.status(of: error) != nil {
            return refusalPage(error, context: context)
        }
        let w = view.ward
        let officer = try readerRoles(user).contains(.officer)
        var facts: [[String: String]] = [
            ["label": "Areas over the threshold", "value": "\(w.overThreshold) of \(w.areas) LSOAs"],
            ["label": "Mean VLI", "value": String(format: "%.1f (highest %.1f)", w.meanVLI, w.maxVLI)],
            ["label": "Population", "value": String(w.population)],
            ["label": "Run", "value": "\(view.run), \(view.scheme)"],
        ]
        for (name, value) in w.supporting.sorted(by: { $0.key < $1.key }) {
            facts.append(["label": statusLabel(name), "value": String(format: "%g", value)])
        }
        let lsoas: [[String: Any]] = view.lsoas.map {
            ["code": $0.code, "name": $0.name, "vli": String(format: "%.1f", $0.vli), "over": $0.overThreshold]
        }
        let agreements: [[String: Any]] = view.agreements.map { a in
            [
                "id": a.id, "agreementID": a.id, "href": "/grants/\(a.id)", "state": statusLabel(a.state),
                "stateClass": a.state,
                "amount": pounds(a.amountPence), "paid": pounds(a.paidPence),
                "returns": a.returns.map { r in
                    [
                        "id": r.id, "href": "/returns/\(r.id)", "quarter": r.quarter, "state": statusLabel(r.state),
                        "stateClass": r.state, "spend": r.spendInQuarterPence.map(pounds) ?? "Not reported",
                    ]
                },
            ]
        }
        let decisionID = view.decision.flatMap { try? app.decisionID($0, office: try readerOffice(user)) }
        var values: [String: Any] = [
            "code": w.code, "name": w.name, "facts": facts, "lsoas": lsoas, "errors": errors,
            "status": view.status.map(statusLabel) ?? "Not shortlisted", "statusClass": view.status ?? "grey",
            "notes": view.notes.map {
                ["kind": statusLabel($0.kind.rawValue), "text": $0.text, "by": $0.by, "day": $0.on.iso]
            },
            "decision": view.decision ?? "", "decisionTitle": view.decisionTitle ?? "",
            "decisionHref": decisionID.map { "/decisions/\($0)" } ?? "",
            "decisionAmount": view.decisionAmountPence.map(pounds) ?? "",
            "allocations": view.allocations.map {
                [
                    "id": $0.id, "recipient": $0.recipient, "orgID": $0.recipientOrgId,
                    "amount": pounds($0.amountPence),
                    "rcco": $0.revenueContributionToCapital,
                ]
            },
            "agreements": agreements,
        ]
        if officer && view.status != "selected" {
            values["acts"] = [
                "shortlist": view.status == nil, "selectable": view.status == "shortlisted",
                "noteText": entered["text"] ?? "", "selectDecision": entered["decision"] ?? "",
                "kinds": VLINote.Kind.allCases.map { k in
                    ["value": k.rawValue, "label": statusLabel(k.rawValue), "selected": entered["kind"] == k.rawValue]
                },
            ]
        }
        return pages.page(
            "ward", title: (errors.isEmpty ? "" : "Error: ") + "\(w.name): pilot area", values: values,
            context: context, back: "/vli", status: status)
    }

    func readerOffice(_ user: String) throws -> String { try app.person(named: user)?.office ?? "" }

    func wardAct(_ ward: String, act step: String, form: Form, user: String, context: WebContext) throws -> Response {
        try act(
            field: "ward-\(step)", context: context,
            rerender: { errors in
                try wardPage(
                    ward, user: user, context: context, errors: errors, entered: form.fields,
                    status: .unprocessableContent)
            }
        ) {
            let office = try readerOffice(user)
            switch step {
            case "shortlist": try app.moderateVLI(office: office, ward: ward, by: user)
            case "note":
                guard let kind = VLINote.Kind(rawValue: form["kind"] ?? "") else {
                    throw ServiceRefusal(rule: "valid-choice", message: "choose the kind of note")
                }
                try app.moderateVLI(office: office, ward: ward, note: kind, text: form.text("text"), by: user)
            case "select":
                try app.selectVLIWard(office: office, ward: ward, decision: form.text("decision") ?? "", by: user)
            default: return pages.error(.notFound, message: "There is no such act.", context: context)
            }
            return .redirect(to: "/vli/wards/\(ward)", type: .normal)
        }
    }

    // MARK: Priorities

    func prioritiesPage(user: String, context: WebContext) throws -> Response {
        let rows: [[String: Any]] = try app.priorityAssessments(as: user).map { r in
            [
                "id": r.id, "href": "/priorities/\(r.id)", "partnership": r.partnershipName, "year": r.financialYear,
                "state": statusLabel(r.state), "stateClass": r.state, "threats": r.threats, "high": r.high,
                "medium": r.medium, "low": r.low, "priorities": r.priorities,
            ]
        }
        return pages.page("priorities", title: "Priorities", values: ["rows": rows], context: context)
    }

    func priorityPage(
        _ id: String, user: String, context: WebContext, errors: [[String: String]] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let view: Commissioning.PriorityView
        do { view = try app.priorityView(id, as: user) } catch let error where Refusal.status(of: error) != nil {
            return refusalPage(error, context: context)
        }
        let matrix = view.matrix
        let selected = matrix.selected
        let threats: [[String: Any]] = view.scored.map { t in
            [
                "number": t.number, "name": t.name, "harm": t.harm.map(String.init) ?? "",
                "probability": t.probability.map(String.init) ?? "", "risk": t.risk.map(String.init) ?? "",
                "band": t.band?.title ?? "Not scored", "bandClass": t.band?.rawValue ?? "grey",
                "selected": selected.contains(t.name),
            ]
        }
        let priorities: [[String: Any]] = view.selection.priorities.map { p in
            [
                "code": p.code, "title": p.title, "kind": statusLabel(p.kind.rawValue),
                "threats": p.threats.joined(separator: "; "),
                "money": p.money.map { $0.description + ($0.service.map { " (\($0))" } ?? "") }.joined(separator: "; "),
            ]
        }
        let board: [[String: String]] = view.selection.boardRecords.map { r in
            let what: String
            switch r.entry {
            case .mediumDecision(let threat, let chosen): what = "\(threat): \(chosen ? "selected" : "not selected")"
            case .compulsion(let threat, let why): what = "\(threat): compelled (\(statusLabel(why.rawValue)))"
            case .priorityCount(let n): what = "Number of priorities: \(n)"
            }
            return ["what": what, "reason": r.reason, "day": r.day.iso, "by": r.by]
        }
        let spend = (try? app.prioritySpend(view).rows) ?? []
        let spendRows: [[String: Any]] = spend.map {
            [
                "priority": "\($0.priority): \($0.title)", "allocated": pounds($0.allocatedPence),
                "committed": pounds($0.committedPence), "paid": pounds($0.paidPence),
            ]
        }
        let spendChart = GroupedBarChart(
            title: "Money per priority, \(view.assessment.year)", series: ["Allocated", "Paid"],
            groups: spend.map { .init(label: $0.priority, values: [$0.allocatedPence, $0.paidPence]) },
            id: "priority-money")
        let roles = try readerRoles(user)
        let ownOffice = try readerOffice(user) == view.assessment.office
        var values: [String: Any] = [
            "id": id, "partnership": view.assessment.partnershipName, "year": view.assessment.year.description,
            "state": statusLabel(view.state), "stateClass": view.state, "svg": RiskChart.svg(matrix),
            "threats": threats, "priorities": priorities, "board": board, "spend": spendRows,
            "spendSvg": spend.isEmpty ? "" : spendChart.svg, "errors": errors,
        ]
        if ownOffice, ["selecting", "adopted"].contains(view.state), !roles.isDisjoint(with: [.finance, .officer]),
            !view.selection.priorities.isEmpty
        {
            values["link"] = [
                "options": view.selection.priorities.map { p in
                    ["value": p.code, "label": "\(p.code): \(p.title)", "selected": entered["priority"] == p.code]
                },
                "strand": entered["strand"] ?? "", "recipient": entered["recipient"] ?? "",
                "share": entered["share"] ?? "",
            ]
        }
        if ownOffice, view.state == "selecting", !roles.isDisjoint(with: [.officer, .chiefExecutive]) {
            values["adopt"] = true
        }
        if ownOffice, view.state == "adopted", roles.contains(.officer) {
            values["close"] = ["reason": entered["reason"] ?? ""]
        }
        return pages.page(
            "priority", title: (errors.isEmpty ? "" : "Error: ") + "Priorities: \(view.assessment.partnershipName)",
            values: values, context: context, back: "/priorities", status: status)
    }

    func priorityAct(_ id: String, act step: String, form: Form, user: String, context: WebContext) throws -> Response {
        try act(
            field: "priority-\(step)", context: context,
            rerender: { errors in
                try priorityPage(
                    id, user: user, context: context, errors: errors, entered: form.fields,
                    status: .unprocessableContent)
            }
        ) {
            switch step {
            case "link-money":
                guard let strand = form.text("strand") else {
                    throw ServiceRefusal(
                        rule: "strand-given", message: "enter the strand code the priority is funded from")
                }
                let share: Percentage
                do { share = try form.text("share").map { try Percentage(parsing: $0) } ?? .whole } catch {
                    throw ServiceRefusal(rule: "valid-share", message: "enter the share as a percentage, like 40%")
                }
                try app.linkPriorityMoney(
                    id, priority: form["priority"] ?? "",
                    links: [.init(strand: strand, recipient: form.text("recipient"), share: share)], by: user)
            case "close": try app.closeAssessment(id, reason: form.text("reason") ?? "", by: user)
            case "adopt": try app.adoptPriorities(id, by: user)
            default: return pages.error(.notFound, message: "There is no such act.", context: context)
            }
            return .redirect(to: "/priorities/\(id)", type: .normal)
        }
    }
}
