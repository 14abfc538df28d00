import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    // The grant agreements: the list, an agreement's page and its acts.

    func grantsPage(user: String, context: WebContext) async throws -> Response {
        let overview = try await found { try await app.financeOverview(as: user) }
        let rows = overview.agreements.map { row in
            let a = row.agreement
            return GrantsPage.Row(
                id: a.id, href: "/grants/\(a.id)", recipient: a.recipient.name, purpose: a.purpose,
                amount: a.amount.formatted, paid: row.paid.formatted, period: a.period.description,
                decision: row.decisionNumber ?? "", state: statusLabel(row.state), stateClass: row.state)
        }
        return try pages.page(
            "grants", title: "Grant agreements", model: GrantsPage(nav: financeNav("/grants"), rows: rows),
            context: context)
    }

    func grantPage(
        _ id: String, user: String, context: WebContext, errors: [FieldError] = [],
        entered: [String: String] = [:], documentFields: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        // The version and the acts first: a change made between the two reads makes the forms stale, never wrong.
        let permitted = try await app.recordActs(id, by: user)
        let view = try await found { try await app.grantView(id, as: user) }
        let a = view.agreement
        // Spend against profile: the profile per quarter against what each quarter's return reports.
        let reported = Dictionary(
            view.quarters.map { ($0.quarter, $0) }, uniquingKeysWith: { first, _ in first })
        let quarters = a.spendProfile.map { q in
            let r = reported[q.quarter.description]
            return GrantPage.Quarter(
                quarter: q.quarter.description, profiled: q.amount.formatted,
                reported: r?.spendInQuarterPence.map(pounds) ?? "Not reported", returnID: r?.returnID ?? "",
                returnState: r.map { statusLabel($0.state) } ?? "", returnStateClass: r?.state ?? "")
        }
        let chart = GroupedBarChart(
            title: "Spend against profile, \(a.id)", series: ["Profiled", "Reported"],
            groups: a.spendProfile.map { q in
                .init(
                    label: q.quarter.description,
                    values: [q.amount.pence, reported[q.quarter.description]?.spendInQuarterPence])
            }, id: "spend")
        let allocations = view.allocations.map { al in
            GrantPage.Allocation(
                id: al.id, strand: al.strand, year: al.year.description, area: al.area ?? "",
                amount: al.amount.formatted, method: statusLabel(al.method.rawValue),
                rcco: al.revenueContributionToCapital)
        }
        let releasable = view.readerRoles.contains(.finance) && view.state == "active"
        let instalments = a.payments.map { p in
            GrantPage.Instalment(
                id: p.id, grant: id, amount: p.amount.formatted, condition: p.condition.description,
                paid: p.paidOn?.iso ?? "", release: releasable && p.paidOn == nil)
        }
        let variations = a.variations.map { v in
            GrantPage.Variation(
                day: v.on.iso, kind: statusLabel(v.kind.rawValue), description: v.description,
                change: v.amountChange?.formatted ?? "", by: v.approvedBy,
                decision: v.newDecisionID.map { view.newDecisionNumbers[$0] ?? $0 } ?? "")
        }
        let acts = grantActs(view, permitted: permitted, entered: entered)
        var model = GrantPage(
            id: id, purpose: a.purpose, recipient: a.recipient.name, state: statusLabel(view.state),
            stateClass: view.state, facts: grantFacts(view), quarters: quarters, svg: chart.svg,
            allocations: allocations, instalments: instalments, variations: variations, errors: errors,
            conditions: a.conditions.map { .init(text: $0) }, fe: acts.terminate == nil ? nil : fieldErrors(errors),
            acts: acts.isEmpty ? nil : acts, version: String(permitted.version))
        model.documents = await documentLinks(.agreement, id, user: user)
        model.documentForms = try await documentForms(
            .init(.agreement, id), user: user, errors: errors, entered: documentFields)
        return try pages.page(
            "grant", title: (errors.isEmpty ? "" : "Error: ") + "\(a.id): \(a.recipient.name)", model: model,
            context: context, back: "/grants", status: status)
    }

    /// The agreement's terms as its page lists them.
    func grantFacts(_ view: Commissioning.GrantView) -> [Fact] {
        let a = view.agreement
        let paid = (try? Money.sum(a.payments.filter { $0.paidOn != nil }.map(\.amount))) ?? .zero
        var facts = [
            Fact(label: "Recipient", value: "\(a.recipient.name) (\(a.recipient.orgID))"),
            Fact(
                label: "Decision",
                value: [view.decisionNumber, view.decisionTitle].compactMap { $0 }.joined(separator: ": ")),
            Fact(label: "Amount", value: a.amount.formatted),
            Fact(label: "Paid so far", value: paid.formatted),
            Fact(label: "Period", value: a.period.description),
            Fact(label: "Crime and disorder statement", value: a.crimeAndDisorderStatement),
            Fact(
                label: "Assessments",
                value: [
                    a.equalityImpactAssessment.map { "Equality impact: \($0.reference) (\($0.recordedOn.iso))" }
                        ?? "Equality impact: not recorded",
                    a.riskAssessment.map { "Risk: \($0.reference) (\($0.recordedOn.iso))" } ?? "Risk: not recorded",
                ].joined(separator: "\n")),
            Fact(
                label: "Signatures",
                value: a.signatures.isEmpty
                    ? "None yet"
                    : a.signatures.map { "\(statusLabel($0.party.description)): \($0.name) (\($0.on.iso))" }
                        .joined(separator: "\n")),
        ]
        if let body = a.accountableBody {
            facts.insert(Fact(label: "Accountable body", value: "\(body.name) (\(body.orgID))"), at: 1)
        }
        if a.ringFenced { facts.append(Fact(label: "Ring-fenced", value: "Yes")) }
        return facts
    }

    /// Which acts an agreement's page offers the reader now, each with its form: the acts the workflow definition
    /// permits them (role, scope and state; guards refuse when the act is taken), with what was entered. The
    /// assessments go with confirming the preconditions they are for.
    func grantActs(
        _ view: Commissioning.GrantView, permitted: Commissioning.RecordActs, entered: [String: String]
    ) -> GrantPage.Acts {
        let a = view.agreement
        func e(_ name: String, _ fallback: String = "") -> String { entered[name] ?? fallback }
        var acts = GrantPage.Acts()
        if permitted.permits("confirm-conditions") {
            acts.assessment = .init(reference: e("reference"))
            acts.confirmConditions = true
        }
        if permitted.permits("record-signature") {
            acts.signature = .init(
                name: e("name"),
                parties: GrantAgreement.Party.allCases.map { p in
                    Choice(
                        value: p.rawValue, label: statusLabel(p.description),
                        selected: e("party", a.partiesYetToSign.first?.rawValue ?? "") == p.rawValue)
                })
        }
        if permitted.permits("sign") { acts.sign = true }
        if permitted.permits("activate") { acts.activate = true }
        if permitted.permits("vary") {
            acts.vary = .init(
                reason: e("reason"), change: e("change"), newDecision: e("newDecision"),
                end: e("end", a.period.end.iso),
                kinds: [("amount", "Change the amount"), ("dates", "Change the end date")].map { value, label in
                    .init(value: value, label: label, checked: e("kind", "amount") == value)
                })
        }
        if permitted.permits("close") { acts.close = true }
        if permitted.permits("terminate") { acts.terminate = .init(terminateReason: e("terminateReason")) }
        return acts
    }

    func grantAct(
        _ id: String, act step: String, form: Form, user: String, context: WebContext
    ) async throws -> Response {
        try await versionedAct(
            field: step == "terminate" ? "terminate-reason" : step,
            rerender: { errors, status in
                try await grantPage(
                    id, user: user, context: context, errors: errors, entered: form.fields, status: status)
            }
        ) {
            // The version the form was opened at: a change made since refuses this one (409, the form again).
            let version = try formVersion(form)
            switch step {
            case "assessment":
                try await app.recordAssessment(
                    id, equality: form["which"] != "risk", reference: form.text("reference") ?? "", by: user,
                    expectedVersion: version)
            case "confirm-conditions": try await app.confirmAgreementConditions(id, by: user, expectedVersion: version)
            case "signature":
                guard let party = GrantAgreement.Party(rawValue: form["party"] ?? "") else {
                    throw ServiceRefusal(rule: .validChoice, message: "choose which party signed")
                }
                guard let name = form.text("name") else {
                    throw ServiceRefusal(rule: .signatoryNamed, message: "enter the name of the person who signed")
                }
                try await app.recordAgreementSignature(id, party: party, name: name, by: user, expectedVersion: version)
            case "sign": try await app.signAgreement(id, by: user, expectedVersion: version)
            case "activate": try await app.activateAgreement(id, by: user, expectedVersion: version)
            case "release":
                try await app.releasePayment(
                    id, instalment: form["instalment"] ?? "", by: user, expectedVersion: version)
            case "close": try await app.closeAgreement(id, by: user, expectedVersion: version)
            case "terminate":
                try await app.terminateAgreement(
                    id, reason: form.text("terminateReason") ?? "", by: user, expectedVersion: version)
            case "vary":
                try await app.varyAgreement(
                    id, try variation(from: form, agreement: id), by: user, expectedVersion: version)
            default: return pages.error(.notFound, message: "There is no such act.", context: context)
            }
            return .redirect(to: "/grants/\(id)", type: .normal)
        }
    }

    func variation(from form: Form, agreement id: String) async throws -> Commissioning.VariationRequest {
        let kind = form["kind"] == "dates" ? GrantAgreement.Variation.Kind.dates : .amount
        var request = Commissioning.VariationRequest(kind: kind, reason: form.text("reason") ?? "")
        if kind == .amount {
            guard let text = form.text("change") else {
                throw ServiceRefusal(
                    rule: .variationFitsKind, message: "enter the change in pounds, like -500.00 for a reduction")
            }
            let negative = text.hasPrefix("-")
            let magnitude: Money
            do { magnitude = try Money(parsing: negative ? String(text.dropFirst()) : text) } catch {
                throw ServiceRefusal(
                    rule: .validAmount, message: "the change must be in pounds, like -500.00: \(error.description)")
            }
            request.amountChange = SignedMoney(pence: negative ? -magnitude.pence : magnitude.pence)
            request.newDecision = form.text("newDecision")
        } else {
            let current = try await app.agreement(id).period
            guard let text = form.text("end"), let end = try? Day(iso: text) else {
                throw ServiceRefusal(rule: .validDate, message: "enter the new end date, like 2017-06-30")
            }
            request.period = GrantAgreement.Period(start: current.start, end: end)
        }
        return request
    }
}
