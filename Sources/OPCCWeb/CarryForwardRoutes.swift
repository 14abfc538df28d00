import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    // The carry-forwards: the requests, and their decision, confirmation and settlement.

    func carryForwardsPage(
        user: String, context: WebContext, errors: [FieldError] = [], entered: [String: String] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let overview = try await found { try await app.financeOverview(as: user) }
        // Versions read after the rows: a change made between the two reads makes a form stale, never wrong.
        let acts = try await app.recordActs(overview.carryForwards.map(\.request.id), by: user)
        let errorsByField = fieldErrors(errors)
        var rows = carryForwardRows(overview.carryForwards, acts: acts, errors: errorsByField, entered: entered)
        for i in rows.indices {
            let ref = DocumentRecordRef(.carryForward, rows[i].id)
            rows[i].documents = await documentLinks(.carryForward, rows[i].id, user: user)
            if (try? await app.documentPermissions(of: ref, by: user))?.attach == true {
                rows[i].documentsPage = Self.documentPagePath(ref)
            }
        }
        var model = CarryForwardsPage(
            nav: financeNav("/finance/carry-forwards"), rows: rows, errors: errors, fe: errorsByField)
        // A new request is offered to whoever the definition lets make one (from its initial state).
        if try await app.permittedEvents(workflow: "carry-forward", by: user)["draft"]?.contains("request") ?? false {
            model.request = .init(
                year: entered["year"] ?? overview.year?.description ?? "", strand: entered["strand"] ?? "",
                recipient: entered["recipient"] ?? "", forecast: entered["forecast"] ?? "",
                reason: entered["reason"] ?? "")
        }
        return try pages.page(
            "carry-forwards", title: (errors.isEmpty ? "" : "Error: ") + "Carry-forwards", model: model,
            context: context, status: status)
    }

    /// The carry-forwards with the acts each row offers the reader now (decide, confirm, settle): the acts the
    /// workflow definition permits them on it (`acts`, with its version); the row whose form was refused keeps what
    /// was entered.
    func carryForwardRows(
        _ rows: [Commissioning.CarryForwardRow], acts: [String: Commissioning.RecordActs], errors: [String: String],
        entered: [String: String]
    ) -> [CarryForwardsPage.Row] {
        func error(_ field: String) -> String { errors[field.replacingOccurrences(of: "-", with: "_")] ?? "" }
        return rows.map { row in
            let r = row.request
            let again = entered["id"] == r.id
            let permitted = acts[r.id] ?? Commissioning.RecordActs(version: 0, acts: [])
            return CarryForwardsPage.Row(
                confirm: permitted.permits("confirm"), settle: permitted.permits("settle-clawback"),
                actualEntered: again ? entered["actual"] ?? "" : "",
                decideReason: again ? entered["decideReason"] ?? "" : "",
                decideDecision: again ? entered["decideDecision"] ?? "" : "",
                refuseChosen: again && entered["outcome"] == "refuse", reasonError: error("\(r.id)_reason"),
                decisionError: error("\(r.id)_decision"), confirmError: error("confirm_\(r.id)_actual"), id: r.id,
                recipient: r.recipientOrgID, strand: r.strand, from: r.year.description, to: r.year.next.description,
                forecast: r.forecast.formatted, reason: r.reason, actual: r.actual?.formatted ?? "",
                decision: row.decisionNumber ?? "", state: statusLabel(row.state), stateClass: row.state,
                decide: permitted.permits("approve", "refuse"), version: String(permitted.version))
        }
    }

    /// Each field is read first, and every one that cannot be is linked from the error summary and shown beside
    /// its field; then the service's refusals go to the field their rule is about.
    func requestCarryForward(form: Form, user: String, context: WebContext) async throws -> Response {
        var read = FormReader(form, prefix: "cf")
        let year = read.year("year", "Enter the year of the underspend, like 2016/17")
        let strand = read.text("strand", "Enter the strand code, like ASB")
        let recipient = read.text("recipient", "Enter the recipient org-id, like GB-LAE-BAR")
        let forecast = read.money("forecast", "Enter the forecast underspend in pounds, more than £0, like £38,000")
        let reason = read.text("reason", "Enter why there is an underspend")
        let rerender = { (errors: [FieldError]) in
            try await carryForwardsPage(
                user: user, context: context, errors: errors, entered: form.fields, status: .unprocessableContent)
        }
        guard read.problems.isEmpty, let year, let strand, let recipient, let forecast, let reason else {
            return try await rerender(read.problems)
        }
        return try await formAct(
            fallback: read.field("forecast"),
            fields: [
                "reason-given": read.field("reason"), "amount-positive": read.field("forecast"),
                "carry-forward-within-allocation": read.field("forecast"), "valid-strand": read.field("strand"),
            ],
            rerender: rerender
        ) {
            let office = try await app.person(named: user)?.office ?? ""
            try await app.requestCarryForward(
                office: office, from: year, strand: strand, recipient: recipient, forecast: forecast, reason: reason,
                by: user)
            return .redirect(to: "/finance/carry-forwards", type: .normal)
        }
    }

    /// A refusal goes to the field its rule is about: a refusal without a reason to the reason, a decision record
    /// that is not one to the decision, the rest to the choice.
    func decideCarryForward(_ id: String, form: Form, user: String, context: WebContext) async throws -> Response {
        try await formAct(
            fallback: "\(id)-approve",
            fields: [
                "reason-given": "\(id)-reason", "known-decision": "\(id)-decision",
                "valid-decision-number": "\(id)-decision",
            ],
            rerender: { errors, status in
                try await carryForwardsPage(
                    user: user, context: context, errors: errors,
                    entered: form.fields.merging(["id": id]) { _, b in b }, status: status)
            }
        ) {
            guard let choice = form["outcome"], ["approve", "refuse"].contains(choice) else {
                throw ServiceRefusal(rule: .validChoice, message: "choose to permit or refuse the carry-forward")
            }
            try await app.decideCarryForward(
                id, approve: choice == "approve", reason: form.text("decideReason"),
                decision: form.text("decideDecision"), by: user, expectedVersion: try formVersion(form))
            return .redirect(to: "/finance/carry-forwards", type: .normal)
        }
    }
}
