import Foundation
import OPCCCore
import OPCCServices

extension API {
    /// Decision records: the register, raising and editing, each act of the workflow, and Part 2 for its readers.
    static let decisionOperations: [APIOperation] = [
        APIOperation(
            method: .get, path: "/api/v1/decisions", operationID: "listDecisions", tag: "decisions",
            summary: "The decision register (Part 1 facts only), filtered.",
            description: "The same filters as `opcc decision list`. Records the caller may not read are left out.",
            query: [
                office,
                APIParameter(
                    name: "year", schema: S.year, description: "Financial year of the decision, e.g. 2016/17."),
                APIParameter(name: "status", schema: S.string(), description: "Workflow state, e.g. published."),
                APIParameter(name: "strand", schema: S.string(), description: "Budget strand code."),
                APIParameter(name: "officer", schema: S.string(), description: "Originating officer."),
                APIParameter(name: "min", schema: S.money, description: "Smallest amount, in pounds."),
                APIParameter(name: "max", schema: S.money, description: "Largest amount, in pounds."),
                APIParameter(
                    name: "overdue", schema: S.boolean(),
                    description: "Only decided records past their Part 1 deadline and not yet published."),
                APIParameter(
                    name: "deferred", schema: S.boolean(), description: "Only records whose publication is deferred."),
                APIParameter(
                    name: "search", schema: S.string(),
                    description:
                        "Words to find in Part 1 (each a prefix, all required; any text, never a query syntax) or a decision number in any spelling the office accepts (44/2020 = 044/2020)."
                ),
                APIParameter(
                    name: "cursor",
                    schema: S.text(
                        "The `next` of a page: URL-safe base 64 without padding.", pattern: "^[A-Za-z0-9_-]{1,2048}$",
                        example: "Y3VtYnJpYR8yMDE2LTAzLTA5HzAxNC8yMDE2H2N1bWJyaWEtRFItMDAwMQ"),
                    description:
                        "The `next` of the previous page: the page after it, however many records were added or published meanwhile (a keyset cursor; `offset` then skips from there)."
                ),
            ], response: S.ref("DecisionRow"), paginated: true
        ) { call in
            var filter = DecisionFilter()
            filter.office = try await call.queriedOffice()
            filter.financialYearStart = try call.queryYear()?.startYear
            filter.minimumPence = try call.queryMoney("min")?.pence
            filter.maximumPence = try call.queryMoney("max")?.pence
            filter.status = call.query["status"]
            filter.strand = call.query["strand"]
            filter.officer = call.query["officer"]
            filter.overdueOn = call.query["overdue"] == "true" ? call.app.clock.today() : nil
            filter.deferred = call.query["deferred"] == "true" ? true : nil
            // Text to find (the store reads it as words, never as FTS5 syntax: SearchText).
            filter.text = call.query["search"]
            var cursor: RegisterCursor?
            if let text = call.query["cursor"] {
                guard let given = RegisterCursor(text: text) else {
                    // In the cursor's form, yet not one the register made (a schema-valid value: 422).
                    throw APIProblem.queryValue("cursor", "not a cursor this register gave: send the `next` of a page")
                }
                cursor = given
            }
            let page = try await call.app.decisionRegisterPage(
                filter, limit: call.page.limit, offset: call.page.offset, after: cursor, by: call.actor)
            return .page(page.rows, total: page.total, next: page.next?.text)
        },
        APIOperation(
            method: .post, path: "/api/v1/decisions", operationID: "raiseDecision", tag: "decisions",
            summary: "Raise a new decision record (a Request for PCC Decision), as a draft.",
            description: "The body has the fields of the YAML or JSON file `opcc decision raise --file` reads.",
            query: [office], body: S.ref("NewDecision"), response: S.ref("Decision"), status: .created
        ) { call in
            let draft = try call.decode(DecisionDraft.self)
            let record = try await call.app.raiseDecision(
                office: try call.office(call.query["office"]), draft: draft, by: call.actor)
            return try await decision(call, record.id)
        },
        APIOperation(
            method: .get, path: "/api/v1/decisions/{id}", operationID: "getDecision", tag: "decisions",
            summary: "One decision record (never its Part 2 content).", response: S.ref("Decision"), versioned: true
        ) { call in try await decision(call, call.id()) },
        APIOperation(
            method: .patch, path: "/api/v1/decisions/{id}", operationID: "editDecision", tag: "decisions",
            summary: "Change a draft's fields: only the fields given change.", body: S.ref("DecisionDraft"),
            response: S.ref("Decision"), versioned: true
        ) { call in
            let record = try await call.app.editDecision(
                call.id(), draft: try call.decode(DecisionDraft.self), by: call.actor, expectedVersion: call.ifMatch)
            return try await decision(call, record.id)
        },
        APIOperation(
            method: .post, path: "/api/v1/decisions/{id}/corrections", operationID: "correctDecision", tag: "decisions",
            summary: "Correct a decided or published record: a new event with its reason; nothing is overwritten.",
            body: S.object(
                [("reason", S.string("Why the correction is made.")), ("changes", S.ref("DecisionDraft"))],
                required: ["reason", "changes"], closed: true),
            response: S.ref("Decision"), versioned: true
        ) { call in
            struct Correction: Decodable { var changes: DecisionDraft }
            let changes = try call.decode(Correction.self).changes
            let view = try await call.app.correctDecision(
                call.id(), draft: changes, reason: try call.requiredText("reason"), by: call.actor,
                expectedVersion: call.ifMatch)
            return .versioned(
                DecisionJSON(view, profile: try await call.app.profile(of: view.record.office)), version: view.version)
        },
        act("submit", "submitDecision", "Submit the record for sign-off; the first submission gives its number.") {
            call in try await call.app.submitDecision(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
        act(
            "sign-offs", "signDecision", "Record a sign-off by the holder of a position.",
            body: S.object(
                [
                    ("position", S.string("The signatory's position, e.g. originating-officer.")),
                    ("name", S.string("The signatory's name as on the form.")),
                    ("initials", S.string("Initials, where the form is initialled.")),
                ], required: ["position", "name"], closed: true)
        ) { call in
            try await call.app.signDecision(
                call.id(), position: try call.requiredText("position"), name: try call.requiredText("name"),
                initials: call.text("initials"), by: call.actor, expectedVersion: call.ifMatch)
        },
        act("referral", "referDecision", "Refer the signed-off record to the Commissioner.") { call in
            try await call.app.referDecision(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
        act("return", "returnDecision", "Return the record to its officer for revision.", body: reasonBody) { call in
            try await call.app.perform(
                .returnForRevision(reason: try call.requiredText("reason")), on: call.id(), by: call.actor,
                expectedVersion: call.ifMatch)
        },
        act(
            "decision", "decide", "The Commissioner's decision, with the declaration of interests.",
            body: S.object(
                [
                    ("approve", S.boolean("true to approve the recommendation, false not to.")),
                    (
                        "interests",
                        S.string("Declaration of personal or prejudicial interests (\"none\" when there are none).")
                    ),
                    ("prejudicialInterest", S.boolean("A prejudicial interest is declared.")),
                ], required: ["approve", "interests"], closed: true)
        ) { call in
            try await call.app.decide(
                call.id(), approve: call.bool("approve") ?? false, interests: try call.requiredText("interests"),
                prejudicialInterest: call.bool("prejudicialInterest") ?? false, by: call.actor,
                expectedVersion: call.ifMatch)
        },
        act(
            "deferral", "deferPublication",
            "Defer publication of Part 1, with the reason and an until-date where known.",
            body: S.object(
                [("reason", S.string("Why publication is deferred.")), ("until", S.day)], required: ["reason"],
                closed: true)
        ) { call in
            try await call.app.perform(
                .deferPublication(reason: try call.requiredText("reason"), until: try call.day("until")), on: call.id(),
                by: call.actor, expectedVersion: call.ifMatch)
        },
        act("publication", "publishDecision", "Publish Part 1 (Part 2 stays confidential).") { call in
            try await call.app.perform(.publish, on: call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
        act("withdrawal", "withdrawDecision", "Withdraw the record, with the reason.", body: reasonBody) { call in
            try await call.app.perform(
                .withdraw(reason: try call.requiredText("reason")), on: call.id(), by: call.actor,
                expectedVersion: call.ifMatch)
        },
        APIOperation(
            method: .get, path: "/api/v1/decisions/{id}/notice", operationID: "decisionNotice", tag: "decisions",
            summary: "The public Part 1 notice, as Markdown or as a standalone accessible HTML page (never Part 2).",
            query: [
                APIParameter(name: "format", schema: S.oneOf(["md", "html"]), description: "md (default) or html.")
            ],
            response: S.string("The notice."), mediaTypes: ["text/markdown", "text/html"]
        ) { call in
            let view = try await call.app.showDecision(call.id(), by: call.actor)
            let profile = try await call.app.profile(of: view.record.office)
            if call.query["format"] == "html" {
                return .text(
                    DecisionNotice.html(view.record, status: view.status, profile: profile),
                    contentType: "text/html; charset=utf-8")
            }
            return .text(
                DecisionNotice.markdown(view.record, status: view.status, profile: profile),
                contentType: "text/markdown; charset=utf-8")
        },
        APIOperation(
            method: .post, path: "/api/v1/decisions/{id}/part2-readings", operationID: "readPart2", tag: "decisions",
            summary: "Part 2 (confidential) content, for its readers only; each reading is recorded in the audit log.",
            response: S.object([("content", S.string())], required: ["content"])
        ) { call in
            struct Part2: Encodable { let content: String }
            return .one(Part2(content: try await call.app.readPart2(call.id(), by: call.actor)))
        },
    ]

    static let office = APIParameter(
        name: "office", schema: S.string(), description: "The office, e.g. cumbria (default: the caller's own).")

    static let reasonBody = S.object([("reason", S.string("Why."))], required: ["reason"], closed: true)

    /// A decision as the API answers it, with the acts the caller may take on it now (from the workflow
    /// definition) and its version as the `ETag`.
    static func decision(_ call: APICall, _ id: String) async throws -> APIResult {
        let view = try await call.app.showDecision(id, by: call.actor)
        return .versioned(
            DecisionWithActs(
                decision: DecisionJSON(view, profile: try await call.app.profile(of: view.record.office)),
                permittedActs: try await call.app.permittedActs(shown: view.record.id, by: call.actor).map(
                    PermittedActJSON.init)),
            version: view.version)
    }

    /// One act on a decision record: POST /api/v1/decisions/{id}/<name>, answering the record as it now is.
    static func act(
        _ name: String, _ operationID: String, _ summary: String, body: Node? = nil,
        _ perform: @escaping @Sendable (APICall) async throws -> Commissioning.DecisionView
    ) -> APIOperation {
        APIOperation(
            method: .post, path: "/api/v1/decisions/{id}/\(name)", operationID: operationID, tag: "decisions",
            summary: summary, body: body, response: S.ref("Decision"), versioned: true
        ) { call in
            let view = try await perform(call)
            return try await decision(call, view.record.id)
        }
    }
}

/// A decision record as the API answers it: its Part 1 fields, and `permittedActs`.
struct DecisionWithActs: Encodable {
    let decision: DecisionJSON
    let permittedActs: [PermittedActJSON]

    enum Keys: String, CodingKey { case permittedActs }

    func encode(to encoder: any Encoder) throws {
        try decision.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(permittedActs, forKey: .permittedActs)
    }
}

/// One act the caller may take on a record now, by role, scope and state (its guards are tried when it is taken).
struct PermittedActJSON: Encodable {
    let event: String
    let to: String
    let roles: [String]

    init(_ act: WorkflowEngine.PermittedAct) {
        event = act.event
        to = act.to
        roles = act.roles.map(\.rawValue)
    }
}
