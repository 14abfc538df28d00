import Foundation
import OPCCCore
import OPCCServices

extension API {
    /// Pilot areas chosen by the Vulnerable Localities Index: the latest run's ranked wards, one ward's chain, and
    /// shortlisting, notes and selection.
    static let areaOperations: [APIOperation] = [
        APIOperation(
            method: .get, path: "/api/v1/vli/wards", operationID: "listVLIWards", tag: "vli",
            summary: "The latest VLI run's wards, ranked, with each one's shortlist or selection.",
            response: S.ref("VLIWard"), paginated: true
        ) { call in
            let overview = try await call.app.vliOverview(as: call.actor)
            return .list(
                overview.wards.map {
                    VLIWardJSON(
                        run: overview.run.id, code: $0.code, name: $0.name, areas: $0.areas,
                        overThreshold: $0.overThreshold, meanVLI: $0.meanVLI, maxVLI: $0.maxVLI,
                        population: $0.population, status: overview.selections[$0.code]?.status.rawValue,
                        decisionNumber: overview.selections[$0.code]?.decisionID.flatMap {
                            overview.decisionNumbers[$0]
                        })
                })
        },
        APIOperation(
            method: .get, path: "/api/v1/vli/wards/{ward}", operationID: "getVLIWard", tag: "vli",
            summary: "One ward's chain: evidence, decision, money, agreements and returns.",
            response: S.ref("VLIWardView")
        ) { call in .one(try await call.app.vliWardView(ward: call.id("ward"), as: call.actor)) },
        APIOperation(
            method: .post, path: "/api/v1/vli/runs", operationID: "scoreVLI", tag: "vli",
            summary: "Score the office's imported inputs under a scheme (workflows/vli/NAME.yaml) and keep the run.",
            body: S.object(
                [("office", officeField), ("scheme", S.fileName)],
                closed: true),
            response: S.ref("VLIRun"), status: .created
        ) { call in
            guard let home = call.home else {
                throw APIProblem(
                    .unprocessableContent, rule: "vli-scheme-readable",
                    detail: "this server was started without the product home, so it cannot read VLI schemes")
            }
            let (scheme, text) = try call.app.vliScheme(named: call.text("scheme") ?? "vli-default", home: home)
            let run = try await call.app.scoreVLI(
                office: try call.office(call.text("office")), scheme: scheme, schemeText: text, by: call.actor)
            return .one(
                VLIRunJSON(
                    id: run.id, office: run.office, scheme: run.schemeName, schemeVersion: run.schemeVersion,
                    schemeSHA256: run.schemeSHA256, inputsSHA256: run.inputsSHA256, runOn: run.runOn.iso,
                    runBy: run.runBy))
        },
        APIOperation(
            method: .post, path: "/api/v1/vli/wards/{ward}/shortlist", operationID: "shortlistVLIWard", tag: "vli",
            summary: "Shortlist a ward, or add a moderation note (SARA: scan, analysis, response, assess).",
            body: S.object(
                [
                    ("office", officeField), ("noteKind", S.oneOf(VLINote.Kind.allCases.map(\.rawValue))),
                    ("note", S.string("The note's text.")),
                ], closed: true),
            response: S.ref("VLIWardView")
        ) { call in
            let office = try await call.office(call.text("office"))
            try await call.app.moderateVLI(
                office: office, ward: call.id("ward"),
                note: call.text("noteKind").flatMap(VLINote.Kind.init(rawValue:)),
                text: call.text("note"), by: call.actor)
            return .one(try await call.app.vliWardView(ward: call.id("ward"), as: call.actor))
        },
        APIOperation(
            method: .post, path: "/api/v1/vli/wards/{ward}/selection", operationID: "selectVLIWard", tag: "vli",
            summary: "Select a shortlisted ward as a pilot area, funded by an approved decision.",
            body: S.object(
                [("office", officeField), ("decision", S.string("The approved decision that funds it."))],
                required: ["decision"], closed: true),
            response: S.ref("VLIWardView")
        ) { call in
            try await call.app.selectVLIWard(
                office: try call.office(call.text("office")), ward: call.id("ward"),
                decision: try call.requiredText("decision"), by: call.actor)
            return .one(try await call.app.vliWardView(ward: call.id("ward"), as: call.actor))
        },
    ]

    /// Priority setting with the partnership risk/harm matrix.
    static let priorityOperations: [APIOperation] = [
        APIOperation(
            method: .get, path: "/api/v1/priorities", operationID: "listPriorityAssessments", tag: "priorities",
            summary: "The strategic assessments the caller may see, with their bands and priorities.", query: [office],
            response: S.ref("PriorityAssessmentRow"), paginated: true
        ) { call in
            .list(
                try await call.app.priorityAssessments(
                    office: try await call.queriedOffice(), as: call.actor))
        },
        APIOperation(
            method: .get, path: "/api/v1/priorities/{id}", operationID: "getPriorityAssessment", tag: "priorities",
            summary: "One assessment: threats, scores (recorded and computed), probability, risk, band, selection.",
            response: S.ref("PriorityAssessmentView"), versioned: true
        ) { call in try await priorityAssessment(call) },
        priorityAct(
            "harm-scores", "recordHarmScore", "Record one agency's harm score for a threat: six factors or a sum.",
            body: S.object(
                [
                    ("threat", S.string()), ("agency", S.string()),
                    ("factors", sixFactors),
                    (
                        "sum",
                        S.integer("A summed score (6 to 24), when the factors are not known.", minimum: 6, maximum: 24)
                    ),
                ], required: ["threat", "agency"], closed: true,
                oneOf: [
                    S.form("six factors", required: ["factors"]), S.form("a sum", required: ["sum"]),
                ])
        ) { call in
            let score: HarmScore
            switch (call.body["factors"]?.array, call.int("sum")) {
            case (let factors?, nil): score = HarmScore(factors: factors.compactMap(\.int).map { Int($0) })
            case (nil, let sum?): score = HarmScore(sum: Int(sum))
            default: throw APIProblem.field("factors", "give either factors or sum")
            }
            try await call.app.recordHarmScore(
                call.id(), threat: try call.requiredText("threat"), agency: try call.requiredText("agency"),
                score: score, by: call.actor, expectedVersion: call.ifMatch)
        },
        priorityAct(
            "probabilities", "recordProbability", "Record a threat's probability inputs: control status and share.",
            body: S.object(
                [
                    ("threat", S.string()), ("control", S.oneOf(ControlStatus.allCases.map(\.rawValue))),
                    ("share", S.percentage),
                    ("note", S.string("Where the inputs come from.")),
                ], required: ["threat", "control", "share"], closed: true)
        ) { call in
            let share: Percentage
            do { share = try Percentage(parsing: try call.requiredText("share")) } catch let error
                as PercentageParseError
            {
                throw APIProblem.field("share", error.description)
            }
            guard let control = ControlStatus(rawValue: try call.requiredText("control")) else {
                throw APIProblem.field("control", "is not a control status")
            }
            try await call.app.recordProbability(
                call.id(), threat: try call.requiredText("threat"), control: control, share: share,
                note: call.text("note"), by: call.actor, expectedVersion: call.ifMatch)
        },
        priorityAct("scoring-closure", "closeScoring", "Close scoring: the matrix is fixed for the board.") { call in
            try await call.app.closeScoring(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
        priorityAct("scoring-reopening", "reopenScoring", "Reopen scoring, with the reason.", body: reasonBody) {
            call in
            try await call.app.reopenScoring(
                call.id(), reason: try call.requiredText("reason"), by: call.actor, expectedVersion: call.ifMatch)
        },
        priorityAct(
            "board-decisions", "recordBoardDecision",
            "Record the board's decision: select or not a Medium threat, compel a Low one, or set the count.",
            body: S.object(
                [
                    ("kind", S.oneOf(["select", "not-select", "compel", "count"])),
                    ("threat", S.string("The threat (select, not-select and compel).")),
                    (
                        "compelledBy",
                        S.oneOf(
                            PrioritySelection.Compulsion.allCases.map(\.rawValue),
                            "What compels a Low threat.")
                    ),
                    ("count", S.integer("How many priorities the board sets.", minimum: 1, maximum: 100)),
                    ("reason", S.string("The board's reason.")),
                ], required: ["kind", "reason"], closed: true,
                oneOf: [
                    S.form(
                        "select or not-select: threat", [("kind", S.oneOf(["select", "not-select"]))],
                        required: ["threat"]),
                    S.form(
                        "compel: threat and compelledBy", [("kind", S.oneOf(["compel"]))],
                        required: ["threat", "compelledBy"]),
                    S.form("count: count", [("kind", S.oneOf(["count"]))], required: ["count"]),
                ])
        ) { call in
            let entry: PrioritySelection.BoardRecord.Entry
            switch call.text("kind") {
            case "select": entry = .mediumDecision(threat: try call.requiredText("threat"), selected: true)
            case "not-select": entry = .mediumDecision(threat: try call.requiredText("threat"), selected: false)
            case "compel":
                guard
                    let kind = PrioritySelection.Compulsion(rawValue: try call.requiredText("compelledBy"))
                else { throw APIProblem.field("compelledBy", "is required") }
                entry = .compulsion(threat: try call.requiredText("threat"), kind)
            default:
                guard let count = call.int("count") else { throw APIProblem.field("count", "is required") }
                entry = .priorityCount(Int(count))
            }
            try await call.app.recordBoardDecision(
                call.id(), entry, reason: try call.requiredText("reason"), by: call.actor, expectedVersion: call.ifMatch
            )
        },
        priorityAct(
            "priorities", "setPriority",
            "Set a priority (or statutory obligation): its title, the threats it covers, its money. An existing code "
                + "is replaced.",
            body: S.object(
                [
                    ("code", priorityCode),
                    ("title", S.string("The priority as the partnership words it.")),
                    ("statutory", S.boolean("A statutory obligation, delivered whatever the matrix says.")),
                    ("threats", S.array(S.string(), "The threats it covers.")),
                    (
                        "money",
                        S.array(
                            S.object(
                                [
                                    ("strand", S.string("The budget strand.")),
                                    ("recipient", S.string("One recipient's org-id within the strand.")),
                                    ("service", S.string("What the service is, for people reading.")),
                                    ("share", S.percentage),
                                ], required: ["strand"], closed: true), "The budget lines it is tied to.")
                    ),
                ], required: ["code", "title"], closed: true)
        ) { call in
            var links: [PrioritySelection.MoneyLink] = []
            for (index, link) in (call.body["money"]?.array ?? []).enumerated() {
                let fields = link.object ?? [:]
                var share = Percentage.whole
                if let text = fields["share"]?.string {
                    do { share = try Percentage(parsing: text) } catch let error as PercentageParseError {
                        throw APIProblem.field("money[\(index)].share", error.description)
                    }
                }
                links.append(
                    .init(
                        strand: fields["strand"]?.string ?? "", recipient: fields["recipient"]?.string,
                        service: fields["service"]?.string, share: share))
            }
            try await call.app.setPriority(
                call.id(),
                .init(
                    code: try call.requiredText("code"), title: try call.requiredText("title"),
                    kind: call.bool("statutory") == true ? .statutory : .local,
                    threats: (call.body["threats"]?.array ?? []).compactMap(\.string), money: links),
                by: call.actor, expectedVersion: call.ifMatch)
        },
        priorityAct(
            "priority-removals", "removePriority", "Remove a priority while the board is selecting.",
            body: S.object([("code", priorityCode)], required: ["code"], closed: true)
        ) { call in
            try await call.app.removePriority(
                call.id(), code: try call.requiredText("code"), by: call.actor, expectedVersion: call.ifMatch)
        },
        APIOperation(
            method: .get, path: "/api/v1/priorities/{id}/spend", operationID: "prioritySpend", tag: "priorities",
            summary: "The money behind each priority: allocated, committed and paid on its linked budget lines.",
            query: [
                APIParameter(
                    name: "year", schema: S.year, description: "The money's financial year (default: the assessment's)."
                )
            ],
            response: S.object(
                [
                    ("assessment", S.string()), ("financialYear", S.string()),
                    ("priorities", S.array(S.anyObject("A priority with its money, in pence."))),
                    ("lines", S.array(S.anyObject("A budget line a priority is tied to, in pence."))),
                ], required: ["assessment", "financialYear", "priorities", "lines"])
        ) { call in
            let view = try await call.app.priorityView(call.id(), as: call.actor)
            let year = try call.queryYear()
            let spend = try await call.app.prioritySpend(view, year: year)
            return .one(
                PrioritySpendJSON(
                    assessment: view.assessment.id, financialYear: (year ?? view.assessment.year).description,
                    priorities: spend.rows, lines: spend.lines))
        },
        priorityAct("adoption", "adoptPriorities", "Adopt the board's priorities.") { call in
            try await call.app.adoptPriorities(call.id(), by: call.actor, expectedVersion: call.ifMatch)
        },
        priorityAct("closure", "closeAssessment", "Close the assessment, with the reason.", body: reasonBody) { call in
            try await call.app.closeAssessment(
                call.id(), reason: try call.requiredText("reason"), by: call.actor, expectedVersion: call.ifMatch)
        },
        priorityAct("withdrawal", "withdrawAssessment", "Withdraw the assessment, with the reason.", body: reasonBody) {
            call in
            try await call.app.withdrawAssessment(
                call.id(), reason: try call.requiredText("reason"), by: call.actor, expectedVersion: call.ifMatch)
        },
    ]

    /// Six factor scores, each 1 to 4.
    static let sixFactors: Node = .map([
        ("type", .string("array")), ("items", S.integer(minimum: 1, maximum: 4)), ("minItems", .int(6)),
        ("maxItems", .int(6)), ("description", .string("Six factor scores, each 1 to 4.")),
    ])
    /// A priority's code: letters, digits and hyphens.
    static let priorityCode = S.text(
        "Short and stable: letters, digits and hyphens, e.g. P1.", pattern: "^[A-Za-z0-9-]+$", example: "P1")

    static func priorityAct(
        _ name: String, _ operationID: String, _ summary: String, body: Node? = nil,
        _ perform: @escaping @Sendable (APICall) async throws -> Void
    ) -> APIOperation {
        APIOperation(
            method: .post, path: "/api/v1/priorities/{id}/\(name)", operationID: operationID, tag: "priorities",
            summary: summary, body: body, response: S.ref("PriorityAssessmentView"), versioned: true
        ) { call in
            try await perform(call)
            return try await priorityAssessment(call)
        }
    }

    /// An assessment as the API answers it, with its version as the `ETag`; another office's adopted assessment,
    /// which everyone may read, is answered without one: it is not the reader's to change.
    static func priorityAssessment(_ call: APICall) async throws -> APIResult {
        let view = PriorityJSON(try await call.app.priorityView(call.id(), as: call.actor))
        do {
            return .versioned(view, version: try await call.app.version(of: call.id(), by: call.actor))
        } catch let refusal as ServiceRefusal where refusal.kind == .notFound {
            return .one(view)
        }
    }
}

struct VLIWardJSON: Encodable {
    let run, code, name: String
    let areas, overThreshold: Int
    let meanVLI, maxVLI: Double
    let population: Int
    let status, decisionNumber: String?
}

struct VLIRunJSON: Encodable {
    let id, office, scheme: String
    let schemeVersion: Int
    let schemeSHA256, inputsSHA256, runOn, runBy: String
}

struct PrioritySpendJSON: Encodable {
    let assessment, financialYear: String
    let priorities: [Commissioning.PrioritySpendRow]
    let lines: [Commissioning.PrioritySpendLine]
}
