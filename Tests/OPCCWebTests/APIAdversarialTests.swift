import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// Hostile and malformed input through the JSON API's write operations. The fields come from the operation table's
/// request schemas, so a new operation or field is covered without editing this file. Every answer is either a 4xx
/// problem document that names the field (or the rule that refused the value), with nothing changed, or a success
/// that stored the text exactly and echoes it as JSON; pages show it HTML-escaped.
@Suite("API: adversarial input")
struct APIAdversarialTests {
    static let injections = ["'; DROP TABLE decisions; --", "<script>alert(1)</script>", "\" onmouseover=\"x"]

    /// One step into a JSON body: an object's key, an array's first item, or an entry of an open map.
    enum Step: Hashable, CustomStringConvertible {
        case key(String)
        case item
        case entry

        var description: String {
            switch self {
            case .key(let name): return ".\(name)"
            case .item: return "[0]"
            case .entry: return ".financial"
            }
        }
    }

    /// A text field of a request body: where it is and what its schema is.
    struct Field: CustomStringConvertible {
        let path: [Step]
        let schema: OPCCWeb.Node
        var description: String { "body" + path.map(\.description).joined() }
        var name: String { path.compactMap { if case .key(let k) = $0 { k } else { nil } }.last ?? "" }
    }

    static func resolve(_ node: OPCCWeb.Node) -> OPCCWeb.Node {
        if let ref = node["$ref"]?.text, let name = ref.split(separator: "/").last,
            let target = OpenAPIDocument.schemas[String(name)]
        {
            return resolve(target)
        }
        return node
    }

    /// Every string leaf of a schema (money written as text or pence counts as text).
    static func textFields(_ schema: OPCCWeb.Node, at path: [Step] = []) -> [Field] {
        let node = resolve(schema)
        if node["anyOf"] != nil { return [Field(path: path, schema: node)] }
        switch node["type"]?.text {
        case "string": return [Field(path: path, schema: node)]
        case "array": return node["items"].map { textFields($0, at: path + [.item]) } ?? []
        case "object":
            var fields: [Field] = []
            if case .map(let properties)? = node["properties"] {
                for (name, property) in properties { fields += textFields(property, at: path + [.key(name)]) }
            }
            if let extra = node["additionalProperties"], extra["type"] != nil {
                fields += textFields(extra, at: path + [.entry])
            }
            return fields
        default: return []
        }
    }

    /// A value that fits a schema: the first choice, a sample day or year, or plain text.
    static func sample(_ schema: OPCCWeb.Node) -> Any {
        let node = resolve(schema)
        if node["anyOf"] != nil { return "£1.00" }
        if case .list(let choices)? = node["enum"], let first = choices.first?.text { return first }
        switch node["type"]?.text {
        case "string":
            if node["format"]?.text == "date" { return "2016-04-01" }
            if case .list(let examples)? = node["examples"], let first = examples.first?.text { return first }
            if node["description"]?.text?.contains("Q3") == true { return "2016/17 Q1" }
            if let pattern = node["pattern"]?.text { return pattern.contains("[/-]") ? "2016/17" : "sample" }
            return "Sample"
        case "integer": return 1
        case "boolean": return false
        case "array": return node["items"].map { [sample($0)] } ?? []
        case "object":
            var object: [String: Any] = [:]
            if case .list(let required)? = node["required"], case .map(let properties)? = node["properties"] {
                for name in required.compactMap(\.text) {
                    if let property = properties.first(where: { $0.0 == name })?.1 { object[name] = sample(property) }
                }
            }
            return object
        default: return "Sample"
        }
    }

    /// `body` with the field at `path` set to `value`, creating what leads to it from the schema.
    static func setting(_ value: Any, at path: [Step], in body: Any, schema: OPCCWeb.Node) -> Any {
        guard let step = path.first else { return value }
        let node = resolve(schema)
        let rest = Array(path.dropFirst())
        switch step {
        case .key(let name):
            var object = body as? [String: Any] ?? [:]
            guard case .map(let properties)? = node["properties"],
                let property = properties.first(where: { $0.0 == name })?.1
            else { return object }
            object[name] = setting(value, at: rest, in: object[name] ?? sample(property), schema: property)
            return object
        case .item:
            guard let items = node["items"] else { return body }
            var array = body as? [Any] ?? []
            if array.isEmpty { array = [sample(items)] }
            array[0] = setting(value, at: rest, in: array[0], schema: items)
            return array
        case .entry:
            var object = body as? [String: Any] ?? [:]
            object["financial"] = value
            return object
        }
    }

    /// Where an operation's requests go, who sends them, and a body the operation accepts: each request gets a
    /// fresh record where an act can happen only once.
    struct Context {
        var user: String
        var path: () async throws -> [String: String] = { [:] }
        var body: () async throws -> [String: Any] = { [:] }
    }

    final class Fixture: @unchecked Sendable {
        let app: Commissioning
        /// An approved decision funding the ADV strand, and a draft: made once, when the fixture is.
        private(set) var fund = ""
        private(set) var draft = ""

        init(_ engine: TestEngine) async throws {
            app = try await makeDemoApp(engine)
            let year = try FinancialYear(parsing: "2016/17")
            for strand in ["ADV", "ADV2"] {
                try await app.setBudget(
                    office: "cumbria", year: year, strand: strand, name: strand, amount: try Money(parsing: "£100,000"),
                    by: "cumbria.finance")
            }
            fund = try await decided("Adversarial fund", strand: "ADV")
            draft = try await app.raiseDecision(
                office: "cumbria", draft: webDraft("Adversarial draft"), by: "cumbria.officer"
            ).id
        }

        func submitted(_ title: String) async throws -> String {
            let id = try await app.raiseDecision(office: "cumbria", draft: webDraft(title), by: "cumbria.officer").id
            try await app.submitDecision(id, by: "cumbria.officer")
            return id
        }

        func referred(_ title: String, amount: String? = nil, strand: String? = nil) async throws -> String {
            var draft = webDraft(title)
            if let amount, let strand {
                draft = try JSONDecoder().decode(
                    DecisionDraft.self,
                    from: Data(
                        #"{"title": "\#(title)", "executiveSummary": "Fund.", "recommendation": "Approve.", "amount": "\#(amount)", "fundingSource": {"strand": "\#(strand)", "year": "2016/17"}}"#
                            .utf8))
            }
            let id = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer").id
            try await app.submitDecision(id, by: "cumbria.officer")
            try await app.signDecision(
                id, position: "originating-officer", name: "Vivian Stafford", by: "cumbria.officer")
            try await app.signDecision(
                id, position: "chief-executive", name: "Stuart Edwards", by: "cumbria.chief-executive")
            try await app.referDecision(id, by: "cumbria.chief-executive")
            return id
        }

        func decided(_ title: String, strand: String? = nil) async throws -> String {
            let id = try await referred(title, amount: strand == nil ? nil : "£100,000", strand: strand)
            try await app.decide(id, approve: true, interests: "None.", by: "cumbria.pcc")
            return id
        }

        func allocation() async throws -> String {
            try await app.allocate(
                [
                    .init(
                        office: "cumbria", year: try FinancialYear(parsing: "2016/17"), strand: "ADV",
                        recipientOrgID: "GB-ADV-1", recipientName: "Adversarial", purpose: "Agreement", decision: fund,
                        amount: try Money(parsing: "£10"))
                ], by: "cumbria.finance"
            ).first!.id
        }
    }

    static func contexts(_ fixture: Fixture) async -> [String: Context] {
        let f = fixture
        let finance = "cumbria.finance"
        let officer = "cumbria.officer"
        let split: [String: Any] = [
            "year": "2016/17", "strand": "ADV", "decision": f.fund, "purpose": "Split", "method": "grant-round",
            "recipients": [["orgId": "GB-ADV-2", "name": "Split recipient", "amount": "£1"]],
        ]
        return [
            "raiseDecision": Context(
                user: officer, body: { ["title": "Adversarial", "executiveSummary": "x", "recommendation": "y"] }),
            "editDecision": Context(user: officer, path: { ["id": f.draft] }),
            "correctDecision": Context(
                user: officer, path: { await ["id": try f.decided("Adversarial correction")] },
                body: { ["reason": "Typo.", "changes": ["title": "Corrected"]] }),
            "signDecision": Context(
                user: officer, path: { await ["id": try f.submitted("Adversarial sign-off")] },
                body: { ["position": "originating-officer", "name": "Vivian Stafford"] }),
            "returnDecision": Context(
                user: "cumbria.pcc", path: { await ["id": try f.referred("Adversarial return")] },
                body: { ["reason": "Why."] }),
            "decide": Context(
                user: "cumbria.pcc", path: { await ["id": try f.referred("Adversarial decision")] },
                body: { ["approve": true, "interests": "None."] }),
            "deferPublication": Context(
                user: officer, path: { await ["id": try f.decided("Adversarial deferral")] },
                body: { ["reason": "Why."] }),
            "withdrawDecision": Context(
                user: officer,
                path: {
                    ["id": try await f.app.raiseDecision(office: "cumbria", draft: webDraft("W"), by: officer).id]
                }, body: { ["reason": "Why."] }),
            "setBudget": Context(
                user: finance, body: { ["year": "2016/17", "strand": "ADV3", "name": "Third", "amount": "£1"] }),
            "allocate": Context(
                user: finance,
                body: {
                    [
                        "year": "2016/17", "strand": "ADV", "recipientOrgId": "GB-ADV-3", "recipientName": "Three",
                        "purpose": "Purpose", "decision": f.fund, "amount": "£1",
                    ]
                }),
            "allocateSplit": Context(user: finance, body: { split }),
            "previewSplit": Context(user: finance, body: { split }),
            "vire": Context(
                user: finance,
                body: { ["year": "2016/17", "from": "ADV", "to": "ADV2", "amount": "£1", "reason": "Why."] }),
            "requestCarryForward": Context(
                user: finance,
                body: {
                    [
                        "year": "2016/17", "strand": "ASB", "recipient": "GB-LAE-BAR", "forecast": "£1",
                        "reason": "Why.",
                    ]
                }),
            "draftAgreement": Context(
                user: finance,
                body: {
                    await [
                        "allocations": [try f.allocation()], "purpose": "Purpose", "crimeAndDisorderStatement": "How.",
                        "start": "2016-04-01", "end": "2017-03-31",
                    ]
                }),
            // Barrow's accepted Q1 return (the demo's), corrected again for each request: a new version each time.
            "correctReturn": Context(
                user: officer, path: { ["id": "cumbria-QR-0001"] },
                body: {
                    [
                        "reason": "Typo.",
                        "content": [
                            "spendInQuarter": "£12,000", "spendToDate": "£12,000",
                            "narrative": "Ormsgill problem-solving group formed.",
                            "milestones": [
                                ["name": "Problem-solving group meeting monthly", "rag": "green"],
                                ["name": "Ward action plan agreed", "rag": "amber", "reason": "One partner to sign"],
                            ],
                            "indicators": [
                                ["name": "Incidents in Ormsgill", "actual": "101 this quarter"],
                                ["name": "IOM offenders in Ormsgill", "actual": "10"],
                            ],
                            "risks": ["Partner capacity over the summer holidays"], "issues": ["None open"],
                            "requestedChanges": [["kind": "dates", "description": "Extend to June 2017"]],
                        ] as [String: Any],
                    ]
                }),
            "varyAgreement": Context(
                user: finance, path: { ["id": "cumbria-GA-0001"] },
                body: { ["kind": "dates", "reason": "Why.", "start": "2016-04-01", "end": "2017-06-30"] }),
        ]
    }

    /// Path parameters for operations without a context of their own: a demo record of the right kind.
    static let demoPath: [String: String] = [
        "id": "cumbria-GA-0001", "sequence": "1", "ward": "E05000001",
    ]

    /// The outcome counts of a sweep, for the report.
    struct Tally {
        var stored = 0
        var refusedNamingField = 0
        var refusedByRule = 0
        var rules: [String: Int] = [:]
    }

    @Test(arguments: TestEngine.all) func injectionStringsInEveryTextFieldOfEveryWriteAreRefusedByNameOrStoredExactly(
        engine: TestEngine
    ) async throws {
        let fixture = try await Fixture(engine)
        let app = try await webApp(commissioning: fixture.app)
        let (tally, fieldsSeen) = try await app.test(.router) { client -> (Tally, Int) in
            let contexts = await Self.contexts(fixture)
            var tally = Tally()
            var fieldsSeen = 0
            var clients: [String: APIClient] = [:]
            for operation in API.operations where operation.writes {
                guard let schema = operation.requestBody else { continue }
                let context = contexts[operation.operationID] ?? Context(user: "cumbria.finance")
                let api: APIClient
                if let known = clients[context.user] {
                    api = known
                } else {
                    api = try await APIClient(client, as: context.user, app: fixture.app)
                    clients[context.user] = api
                }
                for field in Self.textFields(schema) {
                    fieldsSeen += 1
                    for text in Self.injections {
                        let given = try await context.body()
                        let base = given.isEmpty ? Self.sample(schema) : given
                        let body = Self.setting(text, at: field.path, in: base, schema: schema)
                        var uri = operation.path
                        let parameters = await (try? context.path()) ?? [:]
                        for name in operation.pathParameters {
                            uri = uri.replacingOccurrences(
                                of: "{\(name)}", with: parameters[name] ?? Self.demoPath[name] ?? "x")
                        }
                        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                        let before = try await fixture.app.auditHead()
                        let answer = try await api.call(
                            HTTPRequest.Method(operation.method.rawValue.uppercased())!, uri, json)
                        let label = "\(operation.operationID) \(field) = \(text)"
                        #expect(answer.status.code < 500, "\(label): \(answer.body)")
                        if (200..<300).contains(Int(answer.status.code)) {
                            tally.stored += 1
                            #expect(answer.contentType?.hasPrefix("application/json") == true, "\(label)")
                            #expect(answer.json != nil, "\(label): the answer is JSON")
                            // Wherever the text is echoed, it is the same text, never cut or rewritten.
                            let echoed = Self.strings(in: answer.json).filter { $0.contains(text.prefix(8)) }
                            #expect(echoed.allSatisfy { $0.contains(text) }, "\(label): echoed as \(echoed)")
                        } else {
                            #expect(answer.contentType == "application/problem+json", "\(label)")
                            let detail = answer.object["detail"] as? String ?? ""
                            let rule = answer.object["rule"] as? String ?? ""
                            #expect(!detail.isEmpty && !rule.isEmpty, "\(label): \(answer.body)")
                            if rule == "valid-request-body", !detail.contains(field.description) {
                                // Another field of the sample body was refused: the same body with plain text
                                // here is refused alike, so the refusal is not about this field.
                                let plain = Self.setting("Plain text", at: field.path, in: base, schema: schema)
                                let again = try await api.call(
                                    HTTPRequest.Method(operation.method.rawValue.uppercased())!, uri,
                                    String(decoding: try JSONSerialization.data(withJSONObject: plain), as: UTF8.self))
                                #expect(
                                    again.object["detail"] as? String == detail,
                                    "\(label) names the field: \(detail)")
                                tally.refusedByRule += 1
                            } else if rule == "valid-request-body" {
                                tally.refusedNamingField += 1
                            } else {
                                tally.refusedByRule += 1
                                tally.rules[rule, default: 0] += 1
                            }
                            await #expect(try fixture.app.auditHead() == before, "\(label): nothing changed")
                        }
                    }
                }
            }
            // What the API stored, the pages show as text: never as markup or an attribute.
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            var pages = ["/decisions"]
            for row in try await fixture.app.decisionRegister(.init(), by: "cumbria.officer")
            where Self.injections.contains(where: row.title.contains) {
                pages.append("/decisions/\(row.id)")
            }
            for path in pages {
                let page = try await officer.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.body.contains("<script>alert(1)"), "\(path) shows the text escaped")
                #expect(!page.body.contains("\" onmouseover=\"x"), "\(path) shows the text escaped")
            }
            #expect(pages.count > 3, "injected titles are on the register")
            for path in ["/finance", "/finance/allocations", "/grants", "/finance/carry-forwards"] {
                let page = try await finance.get(path)
                #expect(page.status.code < 500, "\(path)")
                #expect(!page.body.contains("<script>alert(1)"), "\(path) shows the text escaped")
                #expect(!page.body.contains("\" onmouseover=\"x"), "\(path) shows the text escaped")
            }
            return (tally, fieldsSeen)
        }
        #expect(fieldsSeen > 200, "the sweep covers every text field of every write")
        #expect(tally.stored > 100, "text fields with a working context store the text: \(tally)")
        await #expect(try fixture.app.verifyAudit().isIntact)
        await #expect(try fixture.app.financeCheck().isEmpty)
        print(
            "API adversarial sweep: \(fieldsSeen) fields × \(Self.injections.count) strings: \(tally.stored) stored, "
                + "\(tally.refusedNamingField) refused naming the field, \(tally.refusedByRule) refused by a rule "
                + "(\(tally.rules.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))")
    }

    static let malformedMoney = ["£12.345", "1e5", "-£5", "£ 1,00,0"]
    static let malformedDays = ["2026-02-30", "31/12/2026"]

    /// Malformed money, impossible or foreign-format days and unknown choices in every money, day and choice field
    /// of the operations with a working context: each is refused with 422 naming the field, and nothing changes.
    @Test(arguments: TestEngine.all) func malformedMoneyDaysAndUnknownChoicesAreRefusedNamingTheFieldAndNothingChanges(
        engine: TestEngine
    ) async throws {
        let fixture = try await Fixture(engine)
        let app = try await webApp(commissioning: fixture.app)
        let checked = try await app.test(.router) { client -> Int in
            let contexts = await Self.contexts(fixture)
            var checked = 0
            for operation in API.operations where operation.writes {
                guard let schema = operation.requestBody, let context = contexts[operation.operationID] else {
                    continue
                }
                let api = try await APIClient(client, as: context.user, app: fixture.app)
                for field in Self.textFields(schema) {
                    let node = Self.resolve(field.schema)
                    let values: [String]
                    if node == Self.resolve(S.money) || node["anyOf"] != nil {
                        values = Self.malformedMoney
                    } else if node["format"]?.text == "date" {
                        values = Self.malformedDays
                    } else if node["enum"] != nil {
                        values = ["gold", "REVENUE", ""]
                    } else {
                        continue
                    }
                    for value in values {
                        let base = try await context.body()
                        let body = Self.setting(value, at: field.path, in: base, schema: schema)
                        var uri = operation.path
                        let parameters = try await context.path()
                        for name in operation.pathParameters {
                            uri = uri.replacingOccurrences(of: "{\(name)}", with: parameters[name] ?? "x")
                        }
                        let before = try await fixture.app.auditHead()
                        let answer = try await api.call(
                            HTTPRequest.Method(operation.method.rawValue.uppercased())!, uri,
                            String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
                        let label = "\(operation.operationID) \(field) = \(value)"
                        #expect(answer.status == .unprocessableContent, "\(label): \(answer.body)")
                        #expect(answer.contentType == "application/problem+json", "\(label)")
                        let detail = answer.object["detail"] as? String ?? ""
                        #expect(detail.contains(field.description), "\(label) names the field: \(detail)")
                        await #expect(try fixture.app.auditHead() == before, "\(label): nothing changed")
                        checked += 1
                    }
                }
            }
            return checked
        }
        #expect(checked > 40, "money, day and choice fields were found in the schemas: \(checked)")
        print("API malformed values: \(checked) requests refused naming the field")
    }

    /// A body over the operation's limit gets 413 on every write that takes one, before anything is read into it.
    @Test(arguments: TestEngine.all) func anOversizedBodyIsRefusedWith413OnEveryWriteAndNothingChanges(
        engine: TestEngine
    ) async throws {
        let fixture = try await Fixture(engine)
        let app = try await webApp(commissioning: fixture.app)
        try await app.test(.router) { client in
            let api = try await APIClient(client, as: "cumbria.finance", app: fixture.app)
            for operation in API.operations where operation.writes && operation.requestBody != nil {
                let uri = operation.pathParameters.reduce(operation.path) {
                    $0.replacingOccurrences(of: "{\($1)}", with: Self.demoPath[$1] ?? "x")
                }
                let huge = #"{"reason": ""# + String(repeating: "x", count: operation.maxBody + 1) + #""}"#
                let before = try await fixture.app.auditHead()
                let answer = try await api.call(
                    HTTPRequest.Method(operation.method.rawValue.uppercased())!, uri, huge)
                #expect(answer.status == .contentTooLarge, "\(operation.operationID): \(answer.status)")
                #expect(answer.object["rule"] as? String == "body-size", "\(operation.operationID)")
                await #expect(try fixture.app.auditHead() == before)
            }
        }
    }

    /// Every string anywhere in a decoded JSON value.
    static func strings(in value: Any?) -> [String] {
        switch value {
        case let text as String: return [text]
        case let array as [Any]: return array.flatMap { strings(in: $0) }
        case let object as [String: Any]: return object.keys.map { $0 } + object.values.flatMap { strings(in: $0) }
        default: return []
        }
    }
}

@Suite("API: a database kept busy by other writers")
struct APIBusyTests {
    @Test func aWriteStillBusyAfterEveryAttemptIsA503ProblemSayingNothingChanged() async throws {
        let problem = APIProblem.from(StorageFailure(StoreError.busy))
        #expect(problem.status == .serviceUnavailable)
        #expect(problem.rule == "database-busy")
        #expect(problem.detail.contains("nothing was changed"))
        #expect(problem.response.headers[.retryAfter] == "1")
        #expect(problem.response.headers[.contentType] == "application/problem+json")
    }
}
