import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The pilot-area (VLI) screens: the ranked wards and one ward's chain from evidence to returns, with the
    /// officer's shortlist, notes and selection; and the priorities (PriorityRoutes).
    func addAreaRoutes(to router: RouterGroup<WebContext>) {
        router.get("/vli") { _, context -> Response in
            try await vliPage(user: try context.signedIn(), context: context)
        }
        router.post("/vli/score") { request, context -> Response in
            let form = try await form(request, context)
            return try await scoreVLI(form: form, user: try context.signedIn(), context: context)
        }
        router.get("/vli/wards/:ward") { _, context -> Response in
            try await wardPage(try context.parameters.require("ward"), user: try context.signedIn(), context: context)
        }
        router.post("/vli/wards/:ward/:act") { request, context -> Response in
            let form = try await form(request, context)
            return try await wardAct(
                try context.parameters.require("ward"), act: try context.parameters.require("act"), form: form,
                user: try context.signedIn(), context: context)
        }
        addPriorityRoutes(to: router)
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
    func vliScoreForm(user: String, entered: [String: String]) async throws -> ScoreForm? {
        let schemes = vliSchemes()
        guard !schemes.isEmpty, !(try await readerRoles(user)).isDisjoint(with: [.officer, .finance]) else {
            return nil
        }
        let chosen = entered["scheme"] ?? (schemes.contains("vli-default") ? "vli-default" : schemes[0])
        return ScoreForm(schemes: schemes.map { .init(value: $0, selected: $0 == chosen) })
    }

    func vliPage(
        user: String, context: WebContext, errors: [FieldError] = [], entered: [String: String] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let overview: Commissioning.VLIOverview
        let title = (errors.isEmpty ? "" : "Error: ") + "Pilot areas"
        do {
            overview = try await app.vliOverview(as: user)
        } catch let error as ServiceRefusal where error.rule == "vli-run-exists" {
            // No run yet: the page says so, and offers the scoring form.
            let model = await NoVLIPage(
                message: sentence(error.message), errors: errors, score: try vliScoreForm(user: user, entered: entered))
            return try pages.page("vli-none", title: title, model: model, context: context, status: status)
        } catch {
            throw readRefused(error)
        }
        let run = overview.run
        let rows = overview.wards.enumerated().map { i, w in
            let selection = overview.selections[w.code]
            return VLIPage.Ward(
                rank: i + 1, code: w.code, name: w.name, href: "/vli/wards/\(w.code)", areas: w.areas,
                over: w.overThreshold, mean: String(format: "%.1f", w.meanVLI), max: String(format: "%.1f", w.maxVLI),
                population: w.population, status: selection.map { statusLabel($0.status.rawValue) } ?? "",
                statusClass: selection?.status.rawValue ?? "",
                decision: selection?.decisionID.map { overview.decisionNumbers[$0] ?? $0 } ?? "")
        }
        let facts = [
            Fact(label: "Run", value: "\(run.id), scored on \(run.runOn.iso) by \(run.runBy)"),
            Fact(label: "Scheme", value: "\(run.schemeName) version \(run.schemeVersion)"),
            Fact(label: "Threshold", value: "Areas (LSOAs) with a VLI over \(Int(run.result.threshold))"),
            Fact(
                label: "Proxies",
                value: run.result.proxies.isEmpty ? "None" : run.result.proxies.joined(separator: ", ")),
        ]
        let model = await VLIPage(
            office: overview.office, facts: facts, rows: rows,
            svg: Commissioning.vliChart(overview.wards, run: run, top: 15), shown: min(15, overview.wards.count),
            count: overview.wards.count, errors: errors, score: try vliScoreForm(user: user, entered: entered))
        return try pages.page("vli", title: title, model: model, context: context, status: status)
    }

    /// Scores the office's imported inputs under the chosen scheme and keeps the run (`opcc vli score`).
    func scoreVLI(form: Form, user: String, context: WebContext) async throws -> Response {
        guard await !(try readerRoles(user)).isDisjoint(with: [.officer, .finance]) else {
            return notYours("run the VLI scoring", context: context)
        }
        let rerender = { (errors: [FieldError]) in
            try await vliPage(
                user: user, context: context, errors: errors, entered: form.fields, status: .unprocessableContent)
        }
        // Only a scheme the page offers: the name never reaches the file system otherwise.
        guard let home, let scheme = form.text("scheme"), vliSchemes().contains(scheme) else {
            return try await rerender([FieldError(field: "score-scheme", message: "Choose one of the schemes listed")])
        }
        return try await formAct(fallback: "score-scheme", rerender: rerender) {
            let (parsed, text) = try app.vliScheme(named: scheme, home: home)
            try await app.scoreVLI(office: try readerOffice(user), scheme: parsed, schemeText: text, by: user)
            return .redirect(to: "/vli", type: .normal)
        }
    }

    func wardPage(
        _ ward: String, user: String, context: WebContext, errors: [FieldError] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let view = try await found { try await app.vliWardView(ward: ward, as: user) }
        let w = view.ward
        var facts = [
            Fact(label: "Areas over the threshold", value: "\(w.overThreshold) of \(w.areas) LSOAs"),
            Fact(label: "Mean VLI", value: String(format: "%.1f (highest %.1f)", w.meanVLI, w.maxVLI)),
            Fact(label: "Population", value: String(w.population)),
            Fact(label: "Run", value: "\(view.run), \(view.scheme)"),
        ]
        for (name, value) in w.supporting.sorted(by: { $0.key < $1.key }) {
            facts.append(Fact(label: statusLabel(name), value: String(format: "%g", value)))
        }
        let agreements = view.agreements.map { a in
            WardPage.Agreement(
                id: a.id, agreementID: a.id, href: "/grants/\(a.id)", state: statusLabel(a.state), stateClass: a.state,
                amount: pounds(a.amountPence), paid: pounds(a.paidPence),
                returns: a.returns.map { r in
                    .init(
                        id: r.id, href: "/returns/\(r.id)", quarter: r.quarter, state: statusLabel(r.state),
                        stateClass: r.state, spend: r.spendInQuarterPence.map(pounds) ?? "Not reported")
                })
        }
        var decisionID: String?
        if let decision = view.decision {
            decisionID = try? await app.decisionID(decision, office: try await readerOffice(user))
        }
        let model = WardPage(
            code: w.code, name: w.name, facts: facts,
            lsoas: view.lsoas.map {
                .init(code: $0.code, name: $0.name, vli: String(format: "%.1f", $0.vli), over: $0.overThreshold)
            }, errors: errors, status: view.status.map(statusLabel) ?? "Not shortlisted",
            statusClass: view.status ?? "grey",
            notes: view.notes.map {
                .init(kind: statusLabel($0.kind.rawValue), text: $0.text, by: $0.by, day: $0.on.iso)
            }, decision: view.decision ?? "", decisionTitle: view.decisionTitle ?? "",
            decisionHref: decisionID.map { "/decisions/\($0)" } ?? "",
            decisionAmount: view.decisionAmountPence.map(pounds) ?? "",
            allocations: view.allocations.map {
                .init(
                    id: $0.id, recipient: $0.recipient, orgID: $0.recipientOrgId, amount: pounds($0.amountPence),
                    rcco: $0.revenueContributionToCapital)
            }, agreements: agreements,
            acts: try await wardActs(view, officer: try readerRoles(user).contains(.officer), entered: entered))
        return try pages.page(
            "ward", title: (errors.isEmpty ? "" : "Error: ") + "\(w.name): pilot area", model: model,
            context: context, back: "/vli", status: status)
    }

    /// Which acts a ward's page offers: to the office's officers, until the ward is selected (shortlist first,
    /// then select; notes at any time), with what was entered.
    func wardActs(_ view: Commissioning.VLIWardView, officer: Bool, entered: [String: String]) throws -> WardPage.Acts?
    {
        guard officer && view.status != "selected" else { return nil }
        return WardPage.Acts(
            shortlist: view.status == nil, selectable: view.status == "shortlisted", noteText: entered["text"] ?? "",
            selectDecision: entered["decision"] ?? "",
            kinds: VLINote.Kind.allCases.map { k in
                Choice(value: k.rawValue, label: statusLabel(k.rawValue), selected: entered["kind"] == k.rawValue)
            })
    }

    func readerOffice(_ user: String) async throws -> String { try await app.person(named: user)?.office ?? "" }

    func wardAct(
        _ ward: String, act step: String, form: Form, user: String, context: WebContext
    ) async throws -> Response {
        try await act(
            field: "ward-\(step)",
            rerender: { errors in
                try await wardPage(
                    ward, user: user, context: context, errors: errors, entered: form.fields,
                    status: .unprocessableContent)
            }
        ) {
            let office = try await readerOffice(user)
            switch step {
            case "shortlist": try await app.moderateVLI(office: office, ward: ward, by: user)
            case "note":
                guard let kind = VLINote.Kind(rawValue: form["kind"] ?? "") else {
                    throw ServiceRefusal(rule: .validChoice, message: "choose the kind of note")
                }
                try await app.moderateVLI(office: office, ward: ward, note: kind, text: form.text("text"), by: user)
            case "select":
                try await app.selectVLIWard(office: office, ward: ward, decision: form.text("decision") ?? "", by: user)
            default: return pages.error(.notFound, message: "There is no such act.", context: context)
            }
            return .redirect(to: "/vli/wards/\(ward)", type: .normal)
        }
    }
}
