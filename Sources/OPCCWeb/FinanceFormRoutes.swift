import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The finance forms beyond the screens' first acts: set a budget and move money between strands (`/finance`),
    /// allocate to one recipient (`/finance/allocations`), and confirm a carry-forward at year end or settle a
    /// refused one's clawback (`/finance/carry-forwards`). Terminating an agreement is one of `/grants/ID`'s acts.
    func addFinanceFormRoutes(to router: RouterGroup<WebContext>) {
        router.post("/finance/budget") { request, context -> Response in
            let form = try await form(request, context)
            let user = try context.signedIn()
            return try await setBudget(form: form, user: user, context: context)
        }
        router.post("/finance/virement") { request, context -> Response in
            let form = try await form(request, context)
            let user = try context.signedIn()
            return try await vire(form: form, user: user, context: context)
        }
        router.post("/finance/carry-forwards/:id/confirm") { request, context -> Response in
            let form = try await form(request, context)
            let user = try context.signedIn()
            return try await confirmCarryForward(
                try context.parameters.require("id"), form: form, user: user, context: context)
        }
        router.post("/finance/carry-forwards/:id/settle") { request, context -> Response in
            let form = try await form(request, context)
            let user = try context.signedIn()
            return try await settleClawback(
                try context.parameters.require("id"), form: form, user: user, context: context)
        }
    }

    // MARK: Budgets and virements

    /// The budget and virement forms of `/finance`, with what was entered and each field's error.
    func budgetForms(_ page: inout FinancePage, entered: [String: String], errors: [FieldError], year: String) {
        let which = entered["form"]
        func v(_ form: String, _ name: String, _ fallback: String = "") -> String {
            which == form ? entered[name] ?? "" : fallback
        }
        page.fe = fieldErrors(errors)
        page.budgetForm = .init(
            year: v("budget", "year", year), strand: v("budget", "strand"), name: v("budget", "name"),
            amount: v("budget", "amount"))
        page.vireForm = .init(
            year: v("vire", "year", year), from: v("vire", "from"), to: v("vire", "to"), amount: v("vire", "amount"),
            reason: v("vire", "reason"), decision: v("vire", "decision"))
    }

    func setBudget(form: Form, user: String, context: WebContext) async throws -> Response {
        guard try await readerRoles(user).contains(.finance) else { return notYours("set a budget", context: context) }
        var read = FormReader(form, prefix: "budget")
        let year = read.year("year", "Enter the financial year, like 2016/17")
        let strand = read.text("strand", "Enter the strand code, like VICTIMS")
        let amount = read.money("amount", "Enter the strand's budget for the year in pounds, like £10,000")
        let office = try await readerOffice(user)
        var name = form.text("name")
        if name == nil, let year, let strand {
            name = try await app.financeOverview(as: user, year: year).strands.first {
                $0.year == year && $0.strand == strand
            }?.name
            if name == nil { read.problem("name", "Enter the strand's name, like Victims' services") }
        }
        let rerender = { (errors: [FieldError]) in
            try await financePage(
                year: year, user: user, context: context, errors: errors, entered: form.fields,
                status: .unprocessableContent)
        }
        guard read.problems.isEmpty, let year, let strand, let amount, let name else {
            return try await rerender(read.problems)
        }
        return try await formAct(
            fallback: read.field("amount"),
            fields: ["valid-strand": read.field("strand"), "role-required": read.field("amount")],
            rerender: rerender
        ) {
            try await app.setBudget(office: office, year: year, strand: strand, name: name, amount: amount, by: user)
            return .redirect(to: "/finance?year=\(year)", type: .normal)
        }
    }

    func vire(form: Form, user: String, context: WebContext) async throws -> Response {
        guard try await readerRoles(user).contains(.finance) else {
            return notYours("move money between strands", context: context)
        }
        var read = FormReader(form, prefix: "vire")
        let year = read.year("year", "Enter the financial year, like 2016/17")
        let from = read.text("from", "Enter the strand the money leaves, like ASB")
        let to = read.text("to", "Enter the strand the money joins, like VICTIMS")
        let amount = read.money("amount", "Enter the amount to move in pounds, like £20,000")
        let reason = read.text("reason", "Enter why the money moves")
        let rerender = { (errors: [FieldError]) in
            try await financePage(
                year: year, user: user, context: context, errors: errors, entered: form.fields,
                status: .unprocessableContent)
        }
        guard read.problems.isEmpty, let year, let from, let to, let amount, let reason else {
            return try await rerender(read.problems)
        }
        let office = try await readerOffice(user)
        return try await formAct(
            fallback: read.field("amount"),
            fields: [
                "virement-between-two-strands": read.field("to"), "reason-given": read.field("reason"),
                "virement-above-threshold-needs-decision": read.field("decision"),
                "known-decision": read.field("decision"), "known-strand": read.field("from"),
            ],
            rerender: rerender
        ) {
            try await app.vire(
                office: office, year: year, from: from, to: to, amount: amount, reason: reason,
                decision: form.text("decision"), by: user)
            return .redirect(to: "/finance?year=\(year)", type: .normal)
        }
    }

    // MARK: A single allocation

    func singleForm(_ entered: [String: String], year: String) -> AllocationsPage.SingleForm {
        let mine = entered["form"] == "single"
        func v(_ name: String, _ fallback: String = "") -> String { mine ? entered[name] ?? "" : fallback }
        return .init(
            year: v("year", year), strand: v("strand"), decision: v("decision"), recipient: v("recipient"),
            recipientName: v("recipientName"), purpose: v("purpose"), area: v("area"), amount: v("amount"),
            capital: mine && entered["capital"] == "yes", rcco: mine && entered["rcco"] == "yes")
    }

    func allocateSingle(form: Form, user: String, context: WebContext) async throws -> Response {
        guard try await readerRoles(user).contains(.finance) else {
            return notYours("allocate money", context: context)
        }
        var read = FormReader(form, prefix: "single")
        let year = read.year("year", "Enter the financial year, like 2016/17")
        let strand = read.text("strand", "Enter the strand code the money comes from, like ASB")
        let decision = read.text("decision", "Enter the approving decision's number, like 014/2016")
        let recipient = read.text("recipient", "Enter the recipient's org-id, like GB-LAE-CAR")
        let name = read.text("recipientName", "Enter the recipient's name")
        let purpose = read.text("purpose", "Enter what the money is for")
        let amount = read.money("amount", "Enter the amount in pounds, like £5,000")
        let rerender = { (errors: [FieldError]) in
            try await allocationsPage(
                year: year, user: user, context: context, errors: errors, entered: form.fields,
                status: .unprocessableContent)
        }
        guard read.problems.isEmpty, let year, let strand, let decision, let recipient, let name, let purpose,
            let amount
        else { return try await rerender(read.problems) }
        var request = Commissioning.AllocationRequest(
            office: try await readerOffice(user), year: year, strand: strand, recipientOrgID: recipient,
            recipientName: name,
            purpose: purpose, area: form.text("area"), decision: decision, amount: amount)
        request.spendKind = form["capital"] == "yes" ? .capital : .revenue
        request.revenueContributionToCapital = form["rcco"] == "yes"
        return try await formAct(
            fallback: read.field("amount"),
            fields: [
                "known-decision": read.field("decision"), "allocation-needs-approved-decision": read.field("decision"),
                "valid-strand": read.field("strand"), "known-strand": read.field("strand"),
                "valid-account": read.field("recipient"),
            ],
            rerender: rerender
        ) {
            _ = try await app.allocate([request], by: user)
            return .redirect(to: "/finance/allocations?year=\(year)", type: .normal)
        }
    }

    // MARK: Carry-forwards at year end

    func confirmCarryForward(_ id: String, form: Form, user: String, context: WebContext) async throws -> Response {
        guard try await readerRoles(user).contains(.finance) else {
            return notYours("confirm a carry-forward", context: context)
        }
        var read = FormReader(form, prefix: "confirm-\(id)")
        let rerender = { (errors: [FieldError], status: HTTPResponse.Status) in
            try await carryForwardsPage(
                user: user, context: context, errors: errors, entered: form.fields.merging(["id": id]) { a, _ in a },
                status: status)
        }
        // £0 is an actual underspend (all of it was spent), so the amount may be zero.
        guard let text = form.text("actual"), let actual = try? Money(parsing: text) else {
            read.problem("actual", "Enter the actual underspend at year end in pounds, like £36,500")
            return try await rerender(read.problems, .unprocessableContent)
        }
        return try await formAct(fallback: read.field("actual"), rerender: rerender) {
            try await app.confirmCarryForward(id, actual: actual, by: user, expectedVersion: try formVersion(form))
            return .redirect(to: "/finance/carry-forwards", type: .normal)
        }
    }

    func settleClawback(_ id: String, form: Form, user: String, context: WebContext) async throws -> Response {
        guard try await readerRoles(user).contains(.finance) else {
            return notYours("settle a clawback", context: context)
        }
        return try await formAct(
            fallback: "cf-\(id)",
            rerender: { errors, status in
                try await carryForwardsPage(
                    user: user, context: context, errors: errors, entered: ["id": id], status: status)
            }
        ) {
            try await app.settleCarryForwardClawback(id, by: user, expectedVersion: try formVersion(form))
            return .redirect(to: "/finance/carry-forwards", type: .normal)
        }
    }
}
