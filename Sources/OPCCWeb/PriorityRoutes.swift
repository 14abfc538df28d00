import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The priorities: the partnerships' assessments, an assessment's risk/harm matrix and the board's selection,
    /// and its acts (link money, adopt, close).
    func addPriorityRoutes(to router: RouterGroup<WebContext>) {
        router.get("/priorities") { _, context -> Response in
            try await prioritiesPage(user: try context.signedIn(), context: context)
        }
        router.get("/priorities/:id") { _, context -> Response in
            try await priorityPage(try context.parameters.require("id"), user: try context.signedIn(), context: context)
        }
        router.post("/priorities/:id/:act") { request, context -> Response in
            let form = try await form(request, context)
            return try await priorityAct(
                try context.parameters.require("id"), act: try context.parameters.require("act"), form: form,
                user: try context.signedIn(), context: context)
        }
    }

    func prioritiesPage(user: String, context: WebContext) async throws -> Response {
        let rows = try await app.priorityAssessments(as: user).map { r in
            PrioritiesPage.Row(
                id: r.id, href: "/priorities/\(r.id)", partnership: r.partnershipName, year: r.financialYear,
                state: statusLabel(r.state), stateClass: r.state, threats: r.threats, high: r.high, medium: r.medium,
                low: r.low, priorities: r.priorities)
        }
        return try pages.page("priorities", title: "Priorities", model: PrioritiesPage(rows: rows), context: context)
    }

    func priorityPage(
        _ id: String, user: String, context: WebContext, errors: [FieldError] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        // The version and the acts first: a change made between the two reads makes the forms stale, never wrong.
        let acts = try await app.recordActs(id, by: user)
        let view = try await found { try await app.priorityView(id, as: user) }
        let matrix = view.matrix
        let threats = view.scored.map { t in
            PriorityPage.Threat(
                number: t.number, name: t.name, harm: t.harm.map(String.init) ?? "",
                probability: t.probability.map(String.init) ?? "", risk: t.risk.map(String.init) ?? "",
                band: t.band?.title ?? "Not scored", bandClass: t.band?.rawValue ?? "grey",
                selected: matrix.selected.contains(t.name))
        }
        let priorities = view.selection.priorities.map { p in
            PriorityPage.Priority(
                code: p.code, title: p.title, kind: statusLabel(p.kind.rawValue),
                threats: p.threats.joined(separator: "; "),
                money: p.money.map { $0.description + ($0.service.map { " (\($0))" } ?? "") }.joined(separator: "; "))
        }
        let board = view.selection.boardRecords.map { r in
            let what: String
            switch r.entry {
            case .mediumDecision(let threat, let chosen): what = "\(threat): \(chosen ? "selected" : "not selected")"
            case .compulsion(let threat, let why): what = "\(threat): compelled (\(statusLabel(why.rawValue)))"
            case .priorityCount(let n): what = "Number of priorities: \(n)"
            }
            return PriorityPage.BoardRecord(what: what, reason: r.reason, day: r.day.iso, by: r.by)
        }
        let spend = (try? await app.prioritySpend(view).rows) ?? []
        let spendChart = GroupedBarChart(
            title: "Money per priority, \(view.assessment.year)", series: ["Allocated", "Paid"],
            groups: spend.map { .init(label: $0.priority, values: [$0.allocatedPence, $0.paidPence]) },
            id: "priority-money")
        var model = PriorityPage(
            id: id, partnership: view.assessment.partnershipName, year: view.assessment.year.description,
            state: statusLabel(view.state), stateClass: view.state, svg: RiskChart.svg(matrix), threats: threats,
            priorities: priorities, board: board,
            spend: spend.map {
                .init(
                    priority: "\($0.priority): \($0.title)", allocated: pounds($0.allocatedPence),
                    committed: pounds($0.committedPence), paid: pounds($0.paidPence))
            }, spendSvg: spend.isEmpty ? "" : spendChart.svg, errors: errors)
        priorityActs(&model, view: view, permitted: acts, entered: entered)
        return try pages.page(
            "priority", title: (errors.isEmpty ? "" : "Error: ") + "Priorities: \(view.assessment.partnershipName)",
            model: model, context: context, back: "/priorities", status: status)
    }

    /// Which acts an assessment's page offers the reader now: the acts the workflow definition permits them on it
    /// (role, scope and state; another office's assessment has none; guards refuse when the act is taken): link
    /// money to a priority (once there is one to link), adopt the selection, close the assessment.
    func priorityActs(
        _ model: inout PriorityPage, view: Commissioning.PriorityView, permitted: Commissioning.RecordActs,
        entered: [String: String]
    ) {
        model.version = String(permitted.version)
        if permitted.permits("link-money"), !view.selection.priorities.isEmpty {
            model.link = .init(
                options: view.selection.priorities.map { p in
                    Choice(value: p.code, label: "\(p.code): \(p.title)", selected: entered["priority"] == p.code)
                }, strand: entered["strand"] ?? "", recipient: entered["recipient"] ?? "",
                share: entered["share"] ?? "")
        }
        if permitted.permits("adopt") { model.adopt = true }
        if permitted.permits("close") { model.close = .init(reason: entered["reason"] ?? "") }
    }

    func priorityAct(
        _ id: String, act step: String, form: Form, user: String, context: WebContext
    ) async throws -> Response {
        try await versionedAct(
            field: "priority-\(step)",
            rerender: { errors, status in
                try await priorityPage(
                    id, user: user, context: context, errors: errors, entered: form.fields, status: status)
            }
        ) {
            // The version the form was opened at: a change made since refuses this one (409, the form again).
            let version = try formVersion(form)
            switch step {
            case "link-money":
                guard let strand = form.text("strand") else {
                    throw ServiceRefusal(
                        rule: .strandGiven, message: "enter the strand code the priority is funded from")
                }
                let share: Percentage
                do { share = try form.text("share").map { try Percentage(parsing: $0) } ?? .whole } catch {
                    throw ServiceRefusal(rule: .validShare, message: "enter the share as a percentage, like 40%")
                }
                try await app.linkPriorityMoney(
                    id, priority: form["priority"] ?? "",
                    links: [.init(strand: strand, recipient: form.text("recipient"), share: share)], by: user,
                    expectedVersion: version)
            case "close":
                try await app.closeAssessment(id, reason: form.text("reason") ?? "", by: user, expectedVersion: version)
            case "adopt": try await app.adoptPriorities(id, by: user, expectedVersion: version)
            default: return pages.error(.notFound, message: "There is no such act.", context: context)
            }
            return .redirect(to: "/priorities/\(id)", type: .normal)
        }
    }
}
