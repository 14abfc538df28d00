import Foundation
import OPCCCore
import OPCCServices

extension API {
    /// Budgets, allocations (single and split), virements, write-offs, reversals, the reconciliation, and
    /// carry-forwards.
    static let financeOperations: [APIOperation] = [
        APIOperation(
            method: .get, path: "/api/v1/budgets", operationID: "listBudgets", tag: "finance",
            summary: "The caller's office's budget strands for a year (default: the latest), with their amounts.",
            query: [yearQuery], response: S.ref("Budget"), paginated: true
        ) { call in
            let overview = try await call.app.financeOverview(as: call.actor, year: try call.queryYear())
            let budgets = Dictionary(
                overview.reconciliation.compactMap { row in row.strand.map { ($0, row.budgetPence ?? 0) } },
                uniquingKeysWith: { a, _ in a })
            return .list(
                overview.strands.map {
                    BudgetJSON(
                        office: $0.office, year: $0.year.description, strand: $0.strand, name: $0.name,
                        amountPence: budgets[$0.strand] ?? 0)
                })
        },
        APIOperation(
            method: .put, path: "/api/v1/budgets", operationID: "setBudget", tag: "finance",
            summary: "Set a strand's budget for a year (the change is a ledger posting; nothing is overwritten).",
            body: S.object(
                [
                    ("office", officeField), ("year", budgetYear),
                    ("strand", S.string("The strand's code, e.g. ASB.")),
                    ("name", S.string("The strand's name.")), ("amount", S.money),
                ], required: ["year", "strand", "name", "amount"], closed: true),
            response: S.ref("Done")
        ) { call in
            try await call.app.setBudget(
                office: try call.office(call.text("office")), year: try call.year("year"),
                strand: try call.requiredText("strand"), name: try call.requiredText("name"),
                amount: try call.money("amount"), by: call.actor)
            return .one(Done(done: "budget set"))
        },
        APIOperation(
            method: .get, path: "/api/v1/allocations", operationID: "listAllocations", tag: "finance",
            summary: "The caller's office's standing allocations for a year (default: the latest).",
            query: [yearQuery], response: S.ref("Allocation"), paginated: true
        ) { call in .list(try await call.app.financeOverview(as: call.actor, year: try call.queryYear()).allocations) },
        APIOperation(
            method: .post, path: "/api/v1/allocations", operationID: "allocate", tag: "finance",
            summary: "Allocate money to one recipient under an approved decision, within the strand's budget.",
            body: S.object(
                [
                    ("office", officeField), ("year", S.year), ("strand", S.string("The budget strand's code.")),
                    ("recipientOrgId", S.orgID), ("recipientName", S.string()), ("purpose", S.string()),
                    ("area", S.string("A ward or district GSS code, where the money is for an area.")),
                    ("decision", S.string("The approving decision, by number (014/2016) or record id.")),
                    ("amount", S.positiveMoney), ("spendKind", S.oneOf(["revenue", "capital"])),
                    ("revenueContributionToCapital", S.boolean()),
                ], required: ["year", "strand", "recipientOrgId", "recipientName", "purpose", "decision", "amount"],
                closed: true),
            response: S.array(S.ref("Allocation")), status: .created
        ) { call in
            var request = await Commissioning.AllocationRequest(
                office: try call.office(call.text("office")), year: try call.year("year"),
                strand: try call.requiredText("strand"), recipientOrgID: try call.requiredText("recipientOrgId"),
                recipientName: try call.requiredText("recipientName"), purpose: try call.requiredText("purpose"),
                area: call.text("area"), decision: try call.requiredText("decision"), amount: try call.money("amount"))
            request.spendKind = call.text("spendKind") == "capital" ? .capital : .revenue
            request.revenueContributionToCapital = call.bool("revenueContributionToCapital") ?? false
            return .one(try await call.app.allocate([request], by: call.actor))
        },
        APIOperation(
            method: .post, path: "/api/v1/allocations/splits", operationID: "allocateSplit", tag: "finance",
            summary: "Allocate a split over several recipients (fixed per area, formula or grant round): all or none.",
            description: "The body has the fields of the file `opcc finance allocate-split --file` reads.",
            query: [office], body: S.ref("SplitFile"), response: S.array(S.ref("Allocation")), status: .created
        ) { call in
            .one(
                try await call.app.allocateSplit(
                    try call.decode(Commissioning.SplitFile.self), office: try call.office(call.query["office"]),
                    by: call.actor))
        },
        APIOperation(
            method: .post, path: "/api/v1/allocations/splits/preview", operationID: "previewSplit", tag: "finance",
            summary: "Each recipient's share of a split, computed but not allocated.", query: [office],
            body: S.ref("SplitFile"), response: S.array(S.ref("AllocationShare"))
        ) { call in
            let shares = try await call.app.previewSplit(
                try call.decode(Commissioning.SplitFile.self), office: try call.office(call.query["office"]),
                by: call.actor)
            return .one(
                shares.map {
                    ShareJSON(
                        recipientOrgId: $0.recipientOrgID, recipientName: $0.recipientName, purpose: $0.purpose,
                        area: $0.area, amountPence: $0.amount.pence, sizeBand: $0.sizeBand)
                })
        },
        APIOperation(
            method: .post, path: "/api/v1/virements", operationID: "vire", tag: "finance",
            summary: "Move unallocated budget between two strands of a year, with a reason.",
            body: S.object(
                [
                    ("office", officeField), ("year", S.year), ("from", S.string("The strand the money leaves.")),
                    ("to", S.string("The strand the money joins.")), ("amount", S.positiveMoney),
                    ("reason", S.string()),
                    ("decision", S.string("The approving decision, above the office's virementDecisionAbove.")),
                ], required: ["year", "from", "to", "amount", "reason"], closed: true),
            response: S.ref("Done"), status: .created
        ) { call in
            try await call.app.vire(
                office: try call.office(call.text("office")), year: try call.year("year"),
                from: try call.requiredText("from"), to: try call.requiredText("to"), amount: try call.money("amount"),
                reason: try call.requiredText("reason"), decision: call.text("decision"), by: call.actor)
            return .one(Done(done: "virement made"))
        },
        APIOperation(
            method: .post, path: "/api/v1/write-offs", operationID: "writeOff", tag: "finance",
            summary: "Write off money a recipient owes back, under the Commissioner's decision.",
            body: S.object(
                [
                    ("office", officeField), ("year", S.year), ("strand", S.string()),
                    ("recipient", S.string("The recipient's org-id.")), ("amount", S.positiveMoney),
                    ("decision", S.string("The decision not to recover it.")), ("reason", S.string()),
                ], required: ["year", "strand", "recipient", "amount", "decision", "reason"], closed: true),
            response: S.ref("Done"), status: .created
        ) { call in
            try await call.app.writeOff(
                office: try call.office(call.text("office")), year: try call.year("year"),
                strand: try call.requiredText("strand"), recipient: try call.requiredText("recipient"),
                amount: try call.money("amount"), decision: try call.requiredText("decision"),
                reason: try call.requiredText("reason"), by: call.actor)
            return .one(Done(done: "written off"))
        },
        APIOperation(
            method: .post, path: "/api/v1/postings/{sequence}/reversal", operationID: "reversePosting", tag: "finance",
            summary: "Reverse a ledger posting with a new, opposite posting (the original stays).", body: reasonBody,
            response: S.object([("reversal", S.integer("The new posting's sequence number."))], required: ["reversal"]),
            status: .created
        ) { call in
            struct Reversal: Encodable { let reversal: Int64 }
            guard let sequence = Int64(call.id("sequence")) else {
                throw APIProblem(
                    .notFound, rule: "known-record", detail: "posting \(call.id("sequence")) was not found")
            }
            return .one(
                Reversal(
                    reversal: try await call.app.reversePosting(
                        sequence, reason: try call.requiredText("reason"), by: call.actor)
                ))
        },
        APIOperation(
            method: .get, path: "/api/v1/reconciliation", operationID: "reconciliation", tag: "finance",
            summary: "The caller's office's reconciliation for a year: budget, allocated, committed, paid, carried.",
            query: [
                yearQuery, APIParameter(name: "strand", schema: S.string(), description: "Only this strand."),
                APIParameter(name: "recipient", schema: S.string(), description: "Only this recipient's org-id."),
            ], response: S.ref("ReconciliationRow"), paginated: true
        ) { call in
            let rows = try await call.app.financeOverview(as: call.actor, year: try call.queryYear()).reconciliation
            return .list(
                rows.filter { row in
                    (call.query["strand"].map { $0 == row.strand } ?? true)
                        && (call.query["recipient"].map { $0 == row.recipient } ?? true)
                })
        },
        APIOperation(
            method: .get, path: "/api/v1/finance/check", operationID: "financeCheck", tag: "finance",
            summary: "The books checks of `opcc finance check`: every problem found (none when the books agree).",
            response: S.object([("problems", S.array(S.string()))], required: ["problems"])
        ) { call in
            _ = try await call.app.financeOverview(as: call.actor)
            struct Check: Encodable { let problems: [String] }
            return .one(Check(problems: try await call.app.financeCheck()))
        },
        APIOperation(
            method: .get, path: "/api/v1/carry-forwards", operationID: "listCarryForwards", tag: "carry-forwards",
            summary: "The caller's office's carry-forward requests and their states.",
            response: S.ref("CarryForward"), paginated: true
        ) { call in
            .list(try await call.app.financeOverview(as: call.actor).carryForwards.map(CarryForwardJSON.init))
        },
        APIOperation(
            method: .post, path: "/api/v1/carry-forwards", operationID: "requestCarryForward", tag: "carry-forwards",
            summary: "Ask to carry a recipient's forecast underspend into the next financial year.",
            body: S.object(
                [
                    ("office", officeField), ("year", S.year), ("strand", S.string()),
                    ("recipient", S.string("The recipient's org-id.")), ("forecast", S.positiveMoney),
                    ("reason", S.string()),
                ], required: ["year", "strand", "recipient", "forecast", "reason"], closed: true),
            response: S.ref("CarryForward"), status: .created
        ) { call in
            let request = try await call.app.requestCarryForward(
                office: try call.office(call.text("office")), from: try call.year("year"),
                strand: try call.requiredText("strand"), recipient: try call.requiredText("recipient"),
                forecast: try call.money("forecast"), reason: try call.requiredText("reason"), by: call.actor)
            return try await carryForward(call, request.id)
        },
        carryForwardAct(
            "decision", "decideCarryForward", "The Commissioner's permission, or refusal, with the decision record.",
            body: S.object(
                [
                    ("approve", S.boolean()), ("reason", S.string("Why (required when refusing).")),
                    ("decision", S.string("The decision record giving permission.")),
                ], required: ["approve"], closed: true)
        ) { call in
            try await call.app.decideCarryForward(
                call.id(), approve: call.bool("approve") ?? false, reason: call.text("reason"),
                decision: call.text("decision"), by: call.actor, expectedVersion: call.ifMatch)
        },
        carryForwardAct(
            "confirmation", "confirmCarryForward", "Confirm the actual underspend at year end.",
            body: S.object([("actual", S.money)], required: ["actual"], closed: true)
        ) { call in
            try await call.app.confirmCarryForward(
                call.id(), actual: try call.money("actual"), by: call.actor, expectedVersion: call.ifMatch)
        },
        carryForwardAct(
            "clawback-settlement", "settleClawback", "Record that money due back under a carry-forward was repaid."
        ) { call in
            try await call.app.settleCarryForwardClawback(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
    ]

    /// A financial year a budget may be set for (the store keeps 1990/91 to 2200/01).
    static let budgetYear = S.text(
        "A financial year a budget is set for, \(FinancialYear(startYear: Commissioning.budgetYears.lowerBound)) to "
            + "\(FinancialYear(startYear: Commissioning.budgetYears.upperBound)), written 2016/17.",
        pattern: "^"
            + S.yearPattern(from: Commissioning.budgetYears.lowerBound, through: Commissioning.budgetYears.upperBound)
            + "$",
        example: "2016/17")
    static let yearQuery = APIParameter(
        name: "year", schema: S.year, description: "Financial year, e.g. 2016/17 (default: the latest).")
    static let officeField = S.string("The office, e.g. cumbria (default: the caller's own).")

    static func carryForward(_ call: APICall, _ id: String) async throws -> APIResult {
        guard
            let row = try await call.app.financeOverview(as: call.actor).carryForwards.first(where: {
                $0.request.id == id
            })
        else { throw APIProblem(.notFound, rule: "known-record", detail: "carry-forward \(id) was not found") }
        return .versioned(CarryForwardJSON(row), version: try await call.app.version(of: id, by: call.actor))
    }

    static func carryForwardAct(
        _ name: String, _ operationID: String, _ summary: String, body: Node? = nil,
        _ perform: @escaping @Sendable (APICall) async throws -> Void
    ) -> APIOperation {
        APIOperation(
            method: .post, path: "/api/v1/carry-forwards/{id}/\(name)", operationID: operationID,
            tag: "carry-forwards", summary: summary, body: body, response: S.ref("CarryForward"), versioned: true
        ) { call in
            try await perform(call)
            return try await carryForward(call, call.id())
        }
    }
}

struct Done: Encodable { let done: String }

struct BudgetJSON: Encodable {
    let office, year, strand, name: String
    let amountPence: Int64
}

struct ShareJSON: Encodable {
    let recipientOrgId, recipientName, purpose: String
    let area: String?
    let amountPence: Int64
    let sizeBand: String?
}

struct CarryForwardJSON: Encodable {
    let id, office, year, strand, recipientOrgId, reason, state: String
    let forecastPence: Int64
    let actualPence: Int64?
    let decisionId, decisionNumber: String?

    init(_ row: Commissioning.CarryForwardRow) {
        let r = row.request
        id = r.id
        office = r.office
        year = r.year.description
        strand = r.strand
        recipientOrgId = r.recipientOrgID
        reason = r.reason
        state = row.state
        forecastPence = r.forecast.pence
        actualPence = r.actual?.pence
        decisionId = r.decisionID
        decisionNumber = row.decisionNumber
    }
}
