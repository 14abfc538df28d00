import OPCCCore
import OPCCStore

/// Carry-forwards (seed 002): a forecast underspend in year N moves to the same recipient and strand in year N+1
/// only with the Commissioner's permission; refused, it becomes clawback due. At year end the actual underspend is
/// confirmed: below the approved forecast the difference is reversed; above it, the excess is due back.
extension Commissioning {
    /// Opens and submits a request (finance), in one transaction.
    @discardableResult
    public func requestCarryForward(
        office: String, from year: FinancialYear, strand: String, recipient: String, forecast: Money, reason: String,
        by actorName: String, on day: Day? = nil
    ) async throws -> CarryForwardRequest {
        guard !reason.isBlank else {
            throw ServiceRefusal(rule: .reasonGiven, message: "a carry-forward request needs a reason")
        }
        let reason = try checkedText(reason, "reason", .short)
        let effective = day ?? clock.today()
        return try await writeKeepingRefusals { tx in
            guard forecast > .zero else {
                throw ServiceRefusal(rule: .amountPositive, message: "a forecast underspend must be more than £0.00")
            }
            let allocation = try account(.allocation, office, year, strand, recipient)
            let held = try tx.balance(of: allocation)
            guard held.pence >= forecast.pence else {
                throw ServiceRefusal(
                    rule: .carryForwardWithinAllocation,
                    message: "\(recipient) holds \(held) of \(strand) \(year); a forecast underspend of \(forecast) "
                        + "cannot exceed it")
            }
            let id = Self.recordID(office: office, kind: "CF", existing: try tx.carryForwardCount(office: office))
            let request = CarryForwardRequest(
                id: id, office: office, year: year, strand: strand, recipientOrgID: recipient, forecast: forecast,
                reason: reason)
            _ = try startInstance(
                id: id, office: office, workflow: "carry-forward", recordRef: id, by: actorName, role: .finance,
                on: effective, in: tx, payload: ["forecast": forecast.description]
            ) { tx in try tx.saveCarryForward(request) }
            try runInside(
                ActRequest(
                    "request", on: id, by: actorName, on: effective,
                    payload: ["forecastPence": String(forecast.pence), "reason": reason]), on: carryForwardKind, in: tx)
            return request
        }
    }

    /// The Commissioner approves (moving exactly the forecast into year N+1) or refuses (making it clawback due).
    /// `decision` cites the decision record giving permission, where one was made.
    public func decideCarryForward(
        _ id: String, approve: Bool, reason: String? = nil, decision: String? = nil, by actorName: String,
        on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let reason = try checkedOptionalText(reason, "reason", .short)
        let effective = day ?? clock.today()
        try await writeKeepingRefusals { tx in
            // Another office's carry-forward answers as a missing one.
            guard var request = try tx.carryForward(id: id),
                try actor(named: actorName, in: tx).office == request.office
            else {
                throw ServiceRefusal.notFound(rule: .knownCarryForward, message: "no carry-forward '\(id)'")
            }
            if let decision { request.decisionID = try decisionID(decision, office: request.office, in: tx) }
            var payload = ["forecastPence": String(request.forecast.pence)]
            if let reason { payload["reason"] = reason }
            let cited = request.decisionID
            let fired = try runInside(
                ActRequest(
                    approve ? "approve" : "refuse", on: id, by: actorName, on: effective,
                    expectedVersion: expectedVersion, payload: payload),
                on: carryForwardKind, in: tx
            ) { saved, _, _, _ in
                saved.decisionID = cited
                return [:]
            }.fired
            let from = try account(.allocation, request.office, request.year, request.strand, request.recipientOrgID)
            // The recipient may have been paid since the request: it must still hold the forecast.
            let held = try tx.balance(of: from)
            guard held.pence >= request.forecast.pence else {
                throw ServiceRefusal(
                    rule: .carryForwardWithinAllocation,
                    message: "\(request.recipientOrgID) now holds \(held) of \(request.strand) \(request.year); the "
                        + "forecast underspend of \(request.forecast) cannot exceed it")
            }
            let transfers: [Transfer]
            if approve {
                let next = request.year.next
                transfers = [
                    Transfer(
                        from: from,
                        to: try account(
                            .carriedOut, request.office, request.year, request.strand, request.recipientOrgID),
                        amount: request.forecast),
                    Transfer(
                        from: try account(.carriedIn, request.office, next, request.strand, request.recipientOrgID),
                        to: try account(.allocation, request.office, next, request.strand, request.recipientOrgID),
                        amount: request.forecast),
                ]
            } else {
                transfers = [
                    Transfer(
                        from: from,
                        to: try account(
                            .clawbackDue, request.office, request.year, request.strand, request.recipientOrgID),
                        amount: request.forecast)
                ]
            }
            try post(
                try Posting(
                    office: request.office, day: effective, cause: PostingCause(.carryForward, id),
                    memo: approve ? "carried forward with the Commissioner's permission" : "refused: clawback due",
                    transfers: transfers),
                by: actorName, role: Role(rawValue: fired.event.role ?? "") ?? .commissioner, in: tx)
        }
    }

    /// Confirms the actual underspend at year end (finance). Below the approved forecast, the difference is reversed
    /// back into year N; above it, the excess is due back.
    public func confirmCarryForward(
        _ id: String, actual: Money, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let effective = day ?? clock.today()
        try await writeKeepingRefusals { tx in
            // Another office's carry-forward answers as a missing one.
            guard var request = try tx.carryForward(id: id),
                try actor(named: actorName, in: tx).office == request.office
            else {
                throw ServiceRefusal.notFound(rule: .knownCarryForward, message: "no carry-forward '\(id)'")
            }
            try runInside(
                ActRequest(
                    "confirm", on: id, by: actorName, on: effective, expectedVersion: expectedVersion,
                    payload: ["actualPence": String(actual.pence)]),
                on: carryForwardKind, in: tx
            ) { saved, _, _, _ in
                saved.actual = actual
                return [:]
            }
            request.actual = actual
            let r = request
            let n = r.year, next = r.year.next
            var transfers: [Transfer] = []
            if actual < r.forecast {
                let back = try r.forecast.subtracting(actual)
                transfers = [
                    Transfer(
                        from: try account(.allocation, r.office, next, r.strand, r.recipientOrgID),
                        to: try account(.carriedIn, r.office, next, r.strand, r.recipientOrgID), amount: back),
                    Transfer(
                        from: try account(.carriedOut, r.office, n, r.strand, r.recipientOrgID),
                        to: try account(.allocation, r.office, n, r.strand, r.recipientOrgID), amount: back),
                ]
            } else if actual > r.forecast {
                transfers = [
                    Transfer(
                        from: try account(.allocation, r.office, n, r.strand, r.recipientOrgID),
                        to: try account(.clawbackDue, r.office, n, r.strand, r.recipientOrgID),
                        amount: try actual.subtracting(r.forecast))
                ]
            }
            guard !transfers.isEmpty else { return }
            for t in transfers where t.from.kind == .allocation {
                let held = try tx.balance(of: t.from)
                guard held.pence >= t.amount.pence else {
                    throw ServiceRefusal(
                        rule: .carryForwardWithinAllocation,
                        message: "\(r.recipientOrgID) holds \(held) of \(r.strand) \(t.from.year), less than the "
                            + "\(t.amount) this confirmation would move: record what has been paid back first")
                }
            }
            try post(
                try Posting(
                    office: r.office, day: effective, cause: PostingCause(.carryForward, id),
                    memo: "actual underspend \(actual) against the approved \(r.forecast)", transfers: transfers),
                by: actorName, role: .finance, in: tx)
        }
    }

    /// A carry-forward request for the act runner; another office's answered as a missing one.
    var carryForwardKind: RecordKind<CarryForwardRequest> {
        RecordKind(
            unseen: { .notFound(rule: .knownCarryForward, message: "no carry-forward '\($0)'") },
            load: { instance, tx in try tx.carryForward(id: instance.id) }, subject: { _, _, _ in nil },
            save: { request, _, tx in try tx.saveCarryForward(request) })
    }

    /// Runs a use case whose transaction may end in a refused act: once it has rolled back, the refusal goes to the
    /// refusal log (in its own transaction) and is thrown to the caller.
    func writeKeepingRefusals<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        do { return try await store.write(body) } catch let e as RefusedInTransaction {
            try await logRefusals([(e.request, e.refused)])
            throw e.refused
        }
    }
}

extension Commissioning {
    /// Records that a refused carry-forward's money has come back (finance): clawback due → returned.
    public func settleCarryForwardClawback(
        _ id: String, by actorName: String, on day: Day? = nil, expectedVersion: Int? = nil
    ) async throws {
        let effective = day ?? clock.today()
        try await writeKeepingRefusals { tx in
            // Another office's carry-forward answers as a missing one.
            guard let r = try tx.carryForward(id: id), try actor(named: actorName, in: tx).office == r.office else {
                throw ServiceRefusal.notFound(rule: .knownCarryForward, message: "no carry-forward '\(id)'")
            }
            try runInside(
                ActRequest("settle-clawback", on: id, by: actorName, on: effective, expectedVersion: expectedVersion),
                on: carryForwardKind, in: tx)
            try post(
                try Posting(
                    office: r.office, day: effective, cause: PostingCause(.clawback, id),
                    memo: "refused carry-forward returned",
                    transfers: [
                        Transfer(
                            from: try account(.clawbackDue, r.office, r.year, r.strand, r.recipientOrgID),
                            to: try account(.returned, r.office, r.year, r.strand, r.recipientOrgID), amount: r.forecast
                        )
                    ]),
                by: actorName, role: .finance, in: tx)
        }
    }
}

/// A refused act inside a larger transaction, carried out of it so the refusal can be logged after the rollback.
struct RefusedInTransaction: Error {
    let request: Commissioning.ActRequest
    let refused: ActRefused
}
