import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    // The allocations page and the formula split (previewed, then confirmed); a single allocation's form is in
    // FinanceFormRoutes.

    static let splitFactors = 3
    static let splitRecipients = 6

    func allocationsPage(
        year: FinancialYear?, user: String, context: WebContext, errors: [FieldError] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let overview = try await found { try await app.financeOverview(as: user, year: year) }
        let rows = overview.allocations.map { a in
            AllocationsPage.Row(
                id: a.id, recipient: a.recipientName, orgID: a.recipientOrgID, strand: a.strand, area: a.area ?? "",
                amount: a.amount.formatted, method: statusLabel(a.method.rawValue),
                decision: overview.decisionNumbers[a.decisionID] ?? a.decisionID, day: a.day.iso,
                rcco: a.revenueContributionToCapital, band: a.sizeBand ?? "")
        }
        let total = (try? Money.sum(overview.allocations.map(\.amount)))?.formatted ?? ""
        var model = AllocationsPage(
            nav: financeNav("/finance/allocations"), year: overview.year?.description ?? "",
            years: overview.years.map { y in
                NavLink(href: "/finance/allocations?year=\(y)", label: y.description, current: y == overview.year)
            }, rows: rows, total: total, errors: errors)
        if try await readerRoles(user).contains(.finance) {
            model.split = splitForm(entered, defaultYear: overview.year)
            model.single = singleForm(entered, year: overview.year?.description ?? "")
            model.fe = fieldErrors(errors)
        }
        return try pages.page(
            "allocations", title: (errors.isEmpty ? "" : "Error: ") + "Allocations", model: model,
            context: context, status: status)
    }

    func splitForm(_ entered: [String: String], defaultYear: FinancialYear?) -> AllocationsPage.SplitForm {
        func v(_ name: String) -> String { entered[name] ?? "" }
        return .init(
            year: entered["year"] ?? defaultYear?.description ?? "", strand: v("strand"), decision: v("decision"),
            purpose: v("purpose"), total: v("total"),
            factors: (0..<Self.splitFactors).map { i in
                .init(index: i, number: i + 1, name: v("factor-\(i)-name"), weight: v("factor-\(i)-weight"))
            },
            recipients: (0..<Self.splitRecipients).map { r in
                .init(
                    index: r, number: r + 1, orgId: v("r-\(r)-orgId"), name: v("r-\(r)-name"), area: v("r-\(r)-area"),
                    factors: (0..<Self.splitFactors).map { i in
                        .init(index: i, number: i + 1, row: r, value: v("r-\(r)-f\(i)"))
                    })
            })
    }

    /// The split the form describes, or the problems that stop it being read (each with its field).
    static func splitFile(from form: Form) -> (Commissioning.SplitFile?, [FieldError]) {
        var problems: [FieldError] = []
        func need(_ name: String, _ what: String) -> String {
            guard let text = form.text(name) else {
                problems.append(FieldError(field: "split-\(name)", message: "Enter \(what)"))
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
                problems.append(
                    FieldError(
                        field: "factor-\(i)-weight", message: "Enter the weight of \(name) as a whole number above 0"))
                continue
            }
            weights[name] = weight
            names[i] = name
        }
        if weights.isEmpty {
            problems.append(FieldError(field: "factor-0-name", message: "Enter at least one factor and its weight"))
        }
        var recipients: [Commissioning.SplitFile.Recipient] = []
        for r in 0..<Self.splitRecipients {
            guard let orgId = form.text("r-\(r)-orgId") else { continue }
            var factors: [String: Int64] = [:]
            for (i, name) in names {
                guard let value = form.text("r-\(r)-f\(i)").flatMap({ Int64($0) }), value >= 0 else {
                    problems.append(
                        FieldError(
                            field: "r-\(r)-f\(i)",
                            message: "Enter \(name) for recipient \(r + 1) as a whole number (0 or more)"))
                    continue
                }
                factors[name] = value
            }
            guard let name = form.text("r-\(r)-name") else {
                problems.append(FieldError(field: "r-\(r)-name", message: "Enter the name of recipient \(r + 1)"))
                continue
            }
            recipients.append(.init(orgId: orgId, name: name, area: form.text("r-\(r)-area"), factors: factors))
        }
        if recipients.isEmpty {
            problems.append(FieldError(field: "r-0-orgId", message: "Enter at least one recipient's org-id"))
        }
        guard problems.isEmpty else { return (nil, problems) }
        return (
            .init(
                formulaFor: year, strand: strand, decision: decision, purpose: purpose, total: total, weights: weights,
                recipients: recipients), []
        )
    }

    /// `preview` shows the split per area; `confirm` allocates it; `change` goes back to the form with its values.
    func splitStep(_ step: String, form: Form, user: String, context: WebContext) async throws -> Response {
        let year = form.text("year").flatMap { try? FinancialYear(parsing: $0) }
        guard ["preview", "confirm", "change"].contains(step) else {
            return pages.error(.notFound, message: "There is no such step.", context: context)
        }
        let (file, problems) = Self.splitFile(from: form)
        guard step != "change", problems.isEmpty, let file else {
            return try await allocationsPage(
                year: year, user: user, context: context, errors: problems, entered: form.fields,
                status: step == "change" ? .ok : .unprocessableContent)
        }
        let office = try await app.person(named: user)?.office ?? ""
        // A refusal goes to the field its rule is about: the decision's rules to the decision, the strand's to
        // the strand, the rest (the strand's budget, the split itself) to the total.
        let decisionRules = [
            "known-decision", "allocation-needs-approved-decision", "decision-states-amount",
            "allocation-within-decision",
        ]
        return try await formAct(
            fallback: "split-total",
            fields: Dictionary(uniqueKeysWithValues: decisionRules.map { ($0, "split-decision") })
                .merging(["known-strand": "split-strand", "valid-strand": "split-strand"]) { a, _ in a },
            rerender: { errors in
                try await allocationsPage(
                    year: year, user: user, context: context, errors: errors, entered: form.fields,
                    status: .unprocessableContent)
            }
        ) {
            if step == "confirm" {
                let made = try await app.allocateSplit(file, office: office, by: user)
                return .redirect(
                    to: "/finance/allocations?year=\(made.first?.year.description ?? "")", type: .normal)
            }
            let shares = try await app.previewSplit(file, office: office, by: user)
            let factorNames = file.weights?.keys.sorted() ?? []
            let rows = shares.map { s in
                let recipient = file.recipients.first { $0.orgId == s.recipientOrgID }
                return SplitPreviewPage.Row(
                    recipient: s.recipientName, orgID: s.recipientOrgID, area: s.area ?? "",
                    factors: factorNames.map { .init(value: String(recipient?.factors?[$0] ?? 0)) },
                    amount: s.amount.formatted)
            }
            let chart = GroupedBarChart(
                title: "The split per area", series: ["Share"],
                groups: shares.map { .init(label: $0.area ?? $0.recipientName, values: [$0.amount.pence]) },
                id: "split")
            return try pages.page(
                "split-preview", title: "Check the split before you confirm it",
                model: SplitPreviewPage(
                    rows: rows,
                    factorNames: factorNames.map { .init(name: $0, weight: String(file.weights![$0]!)) },
                    total: (try? Money.sum(shares.map(\.amount)))?.formatted ?? "", year: file.year,
                    strand: file.strand, decision: file.decision, purpose: file.purpose,
                    hidden: form.fields.filter { $0.key != "csrf" }.sorted { $0.key < $1.key }.map {
                        .init(name: $0.key, value: $0.value)
                    }, svg: chart.svg), context: context, back: "/finance/allocations")
        }
    }
}
