import Foundation
import OPCCCore
import OPCCServices

extension API {
    /// Grant agreements from draft to close, their payments and variations, and variation proposals.
    static let agreementOperations: [APIOperation] = [
        APIOperation(
            method: .get, path: "/api/v1/agreements", operationID: "listAgreements", tag: "agreements",
            summary: "The caller's office's grant agreements, with their states.",
            response: S.ref("AgreementEntry"), paginated: true
        ) { call in
            .list(
                try await call.app.financeOverview(as: call.actor).agreements.map {
                    AgreementJSON(
                        agreement: $0.agreement, state: $0.state, decisionNumber: $0.decisionNumber,
                        paidPence: $0.paid.pence)
                })
        },
        APIOperation(
            method: .post, path: "/api/v1/agreements", operationID: "draftAgreement", tag: "agreements",
            summary: "Draft a grant agreement over allocations already made.",
            description: "The body has the fields of the file `opcc finance agreement draft --file` reads.",
            query: [office], body: S.ref("AgreementTerms"), response: S.ref("AgreementEntry"), status: .created
        ) { call in
            let agreement = try await call.app.draftAgreement(
                from: try call.decode(Commissioning.AgreementFile.self), office: try call.office(call.query["office"]),
                by: call.actor)
            return try await agreementEntry(call, agreement.id)
        },
        APIOperation(
            method: .get, path: "/api/v1/agreements/{id}", operationID: "getAgreement", tag: "agreements",
            summary: "One grant agreement: terms, state, signatures, instalments and variations.",
            response: S.ref("AgreementEntry"), versioned: true
        ) { call in try await agreementEntry(call, call.id()) },
        APIOperation(
            method: .get, path: "/api/v1/agreements/{id}/quarters", operationID: "grantHistory", tag: "agreements",
            summary: "Each quarter of the agreement: profiled and reported spend, and its return.",
            response: S.ref("GrantQuarter"), paginated: true
        ) { call in .list(try await call.app.grantHistory(call.id(), as: call.actor)) },
        agreementAct(
            "assessments", "recordAssessment", "Record the equality impact or the risk assessment, by its reference.",
            body: S.object(
                [
                    ("kind", S.oneOf(["equality", "risk"], "Which assessment.")),
                    ("reference", S.string("The assessment's reference.")),
                ], required: ["kind", "reference"], closed: true)
        ) { call in
            try await call.app.recordAssessment(
                call.id(), equality: call.text("kind") == "equality", reference: try call.requiredText("reference"),
                by: call.actor, expectedVersion: call.ifMatch)
        },
        agreementAct("conditions-confirmation", "confirmConditions", "Confirm the agreement's conditions are met.") {
            call in
            try await call.app.confirmAgreementConditions(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
        agreementAct(
            "signatures", "recordSignature", "Record one party's signature.",
            body: S.object(
                [("party", S.oneOf(["opcc", "recipient"])), ("name", S.string("The signatory's name."))],
                required: ["party", "name"], closed: true)
        ) { call in
            try await call.app.recordAgreementSignature(
                call.id(), party: GrantAgreement.Party(rawValue: try call.requiredText("party")) ?? .opcc,
                name: try call.requiredText("name"), by: call.actor, expectedVersion: call.ifMatch)
        },
        agreementAct("signing", "signAgreement", "Mark the agreement signed by both parties.") { call in
            try await call.app.signAgreement(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
        agreementAct("activation", "activateAgreement", "Activate the signed agreement.") { call in
            try await call.app.activateAgreement(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
        agreementAct(
            "payments", "releasePayment", "Release an instalment whose condition is met.",
            body: S.object([("instalment", S.string("The instalment's id."))], required: ["instalment"], closed: true)
        ) { call in
            try await call.app.releasePayment(
                call.id(), instalment: try call.requiredText("instalment"), by: call.actor,
                expectedVersion: call.ifMatch)
        },
        agreementAct(
            "variations", "varyAgreement", "Vary an active agreement: its amount, its dates or its plan lines.",
            body: S.ref("Variation")
        ) { call in
            guard let kind = GrantAgreement.Variation.Kind(rawValue: try call.requiredText("kind")) else {
                throw APIProblem.field("kind", "is not amount, dates or plan-lines")
            }
            var request = Commissioning.VariationRequest(kind: kind, reason: try call.requiredText("reason"))
            if let change = call.text("amountChange") {
                let negative = change.hasPrefix("-")
                let magnitude: Money
                do { magnitude = try Money(parsing: negative ? String(change.dropFirst()) : change) } catch {
                    throw APIProblem.field("amountChange", "\(error)")
                }
                request.amountChange = SignedMoney(pence: negative ? -magnitude.pence : magnitude.pence)
            }
            request.newDecision = call.text("newDecision")
            if call.text("start") != nil || call.text("end") != nil {
                let current = try await call.app.agreement(call.id()).period
                request.period = GrantAgreement.Period(
                    start: try call.day("start") ?? current.start, end: try call.day("end") ?? current.end)
            }
            request.fixedTermPostsEnd = try call.day("fixedTermPostsEnd")
            struct Terms: Decodable {
                var planLines: [GrantAgreement.PlanLine]?
                var spendProfile: [GrantAgreement.QuarterSpend]?
                var payments: [GrantAgreement.PaymentInstalment]?
            }
            let terms = try call.decode(Terms.self)
            request.planLines = terms.planLines
            request.spendProfile = terms.spendProfile
            request.payments = terms.payments
            request.proposal = call.text("proposal")
            _ = try await call.app.varyAgreement(call.id(), request, by: call.actor, expectedVersion: call.ifMatch)
        },
        agreementAct("closure", "closeAgreement", "Close the agreement (money due back must be settled first).") {
            call in try await call.app.closeAgreement(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
        APIOperation(
            method: .get, path: "/api/v1/variation-proposals", operationID: "listProposals", tag: "agreements",
            summary: "Changes project boards asked for in their returns, and what became of them.",
            response: S.ref("VariationProposal"), paginated: true
        ) { call in
            let office = try await call.office(nil)
            _ = try await call.app.financeOverview(as: call.actor)
            return .list(try await call.app.proposals(office: office))
        },
        APIOperation(
            method: .post, path: "/api/v1/variation-proposals/{id}/refusal", operationID: "refuseProposal",
            tag: "agreements", summary: "Refuse a variation proposal, with the reason.", body: reasonBody,
            response: S.ref("Done")
        ) { call in
            try await call.app.refuseProposal(call.id(), reason: try call.requiredText("reason"), by: call.actor)
            return .one(Done(done: "proposal refused"))
        },
    ]

    static func agreementEntry(_ call: APICall, _ id: String) async throws -> APIResult {
        let view = try await call.app.grantView(id, as: call.actor)
        let paid = try Money.sum(view.agreement.payments.filter { $0.paidOn != nil }.map(\.amount))
        return .versioned(
            AgreementJSON(
                agreement: view.agreement, state: view.state, decisionNumber: view.decisionNumber,
                paidPence: paid.pence),
            version: try await call.app.version(of: id, by: call.actor))
    }

    static func agreementAct(
        _ name: String, _ operationID: String, _ summary: String, body: Node? = nil,
        _ perform: @escaping @Sendable (APICall) async throws -> Void
    ) -> APIOperation {
        APIOperation(
            method: .post, path: "/api/v1/agreements/{id}/\(name)", operationID: operationID, tag: "agreements",
            summary: summary, body: body, response: S.ref("AgreementEntry"), versioned: true
        ) { call in
            try await perform(call)
            return try await agreementEntry(call, call.id())
        }
    }

    /// Quarterly returns: the lists, one return, the board's writing and submitting, and the review.
    static let returnOperations: [APIOperation] = [
        APIOperation(
            method: .get, path: "/api/v1/returns", operationID: "listReturns", tag: "returns",
            summary: "Returns the caller may see (a project board only its own grants').",
            query: [
                office,
                APIParameter(
                    name: "status", schema: S.oneOf(Commissioning.ReturnFilter.Status.allCases.map(\.rawValue)),
                    description: "Only returns due, overdue, escalated or awaiting review."),
                APIParameter(name: "grant", schema: S.string(), description: "Only this agreement's returns."),
            ], response: S.ref("ReturnRow"), paginated: true
        ) { call in
            let filter = Commissioning.ReturnFilter(
                office: try await call.queriedOffice(), grant: call.query["grant"],
                status: call.query["status"].flatMap(Commissioning.ReturnFilter.Status.init(rawValue:)))
            let page = try await call.app.returnsPage(
                filter, limit: call.page.limit, offset: call.page.offset, as: call.actor)
            return .page(page.rows, total: page.total, next: nil)
        },
        APIOperation(
            method: .get, path: "/api/v1/returns/{id}", operationID: "getReturn", tag: "returns",
            summary: "One return: schedule, state and every version with its review.", response: S.ref("Return"),
            versioned: true
        ) { call in try await quarterlyReturn(call) },
        APIOperation(
            method: .get, path: "/api/v1/returns/{id}/problems", operationID: "returnProblems", tag: "returns",
            summary: "What would stop the current version being submitted (none when it is ready).",
            response: S.array(
                S.object([("rule", S.string()), ("message", S.string())], required: ["rule", "message"]))
        ) { call in
            struct Problem: Encodable { let rule, message: String }
            return .one(
                try await call.app.submissionProblems(call.id(), as: call.actor).map {
                    Problem(rule: $0.rule, message: $0.message)
                })
        },
        returnAct(
            "content", "saveReturn", "Save the return's content as a draft (the board's own return only).",
            body: S.ref("ReturnContent"), method: .put
        ) { call in
            _ = try await call.app.saveReturn(
                call.id(), content: try call.decode(ReturnFile.self).content(), by: call.actor,
                expectedVersion: call.ifMatch)
        },
        returnAct("submission", "submitReturn", "Submit the saved draft for review.") { call in
            try await call.app.submitReturn(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
        returnAct(
            "acceptance", "acceptReturn", "Accept the submitted return (never by its submitter).",
            body: S.object([("note", S.string("A note for the board."))], closed: true)
        ) { call in
            try await call.app.acceptReturn(
                call.id(), note: call.text("note"), by: call.actor, expectedVersion: call.ifMatch)
        },
        returnAct(
            "send-back", "returnForRevision", "Send the return back to the board for revision, with the reasons.",
            body: S.object([("reasons", S.string("What to change."))], required: ["reasons"], closed: true)
        ) { call in
            try await call.app.returnForRevision(
                call.id(), reasons: try call.requiredText("reasons"), by: call.actor, expectedVersion: call.ifMatch)
        },
        returnAct(
            "corrections", "correctReturn", "Correct an accepted return: a new version with the reason.",
            body: S.object(
                [("reason", S.string()), ("content", S.ref("ReturnContent"))], required: ["reason", "content"],
                closed: true)
        ) { call in
            struct Correction: Decodable { var content: ReturnFile }
            try await call.app.correctReturn(
                call.id(), content: try call.decode(Correction.self).content.content(),
                reason: try call.requiredText("reason"), by: call.actor, expectedVersion: call.ifMatch)
        },
        returnAct("waiver", "waiveReturn", "Waive a return that is not needed, with the reason.", body: reasonBody) {
            call in
            try await call.app.waiveReturn(
                call.id(), reason: try call.requiredText("reason"), by: call.actor, expectedVersion: call.ifMatch)
        },
        returnAct("escalation", "escalateReturn", "Escalate an overdue return.") { call in
            try await call.app.escalateReturn(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
    ]

    static func quarterlyReturn(_ call: APICall) async throws -> APIResult {
        let (record, state) = try await call.app.quarterlyReturn(call.id(), as: call.actor)
        return .versioned(
            ReturnJSON(
                id: record.id, agreement: record.agreementID, quarter: record.quarter.description,
                start: record.schedule.start.iso, end: record.schedule.end.iso, dueOn: record.dueOn.iso, state: state,
                versions: record.versions),
            version: try await call.app.version(of: record.id, by: call.actor))
    }

    static func returnAct(
        _ name: String, _ operationID: String, _ summary: String, body: Node? = nil,
        method: APIOperation.Method = .post, _ perform: @escaping @Sendable (APICall) async throws -> Void
    ) -> APIOperation {
        APIOperation(
            method: method, path: "/api/v1/returns/{id}/\(name)", operationID: operationID, tag: "returns",
            summary: summary, body: body, response: S.ref("Return"), versioned: true
        ) { call in
            try await perform(call)
            return try await quarterlyReturn(call)
        }
    }
}

struct AgreementJSON: Encodable {
    let agreement: GrantAgreement
    let state: String
    let decisionNumber: String?
    let paidPence: Int64
}

struct ReturnJSON: Encodable {
    let id, agreement, quarter, start, end, dueOn, state: String
    let versions: [ReturnVersion]
}
