import Foundation

/// The OpenAPI 3.1 document, generated from the operation table (`API.operations`) and the named schemas. The
/// repository keeps a copy in docs/openapi.yaml (`opcc openapi --out docs/openapi.yaml`); a test checks the copy is
/// what the code generates.
public enum OpenAPIDocument {
    /// The document as YAML.
    public static let text: String = (try? node.yaml()) ?? ""

    static var node: Node {
        .map([
            ("openapi", .string("3.1.0")),
            (
                "info",
                .map([
                    ("title", .string("OPCC grant and commissioning API")),
                    ("version", .string(API.version)),
                    (
                        "description",
                        .string(
                            """
                            Every job the opcc command line does, for scripts: decision records, budgets, \
                            allocations, grant agreements and payments, carry-forwards, quarterly returns, pilot \
                            areas (VLI) and priorities. The same application services and rules as the CLI and the \
                            web. Authenticate with a bearer token from `opcc token create --label NAME`; the token \
                            acts as the person it belongs to. Errors are application/problem+json (RFC 9457) with \
                            the rule refused and the same message the CLI prints. Money in requests is text in \
                            pounds as a person writes it ("£25,000.00"); money in responses is integer pence. Days \
                            are ISO 8601 calendar days in Europe/London; financial years run 1 April to 31 March and \
                            are written 2016/17. Lists are paged with limit (1 to 500, default 50) and offset.
                            """)
                    ),
                ])
            ),
            ("security", .list([.map([("bearerAuth", .list([]))])])),
            ("tags", .list(tags.map { .map([("name", .string($0.0)), ("description", .string($0.1))]) })),
            ("paths", paths),
            (
                "components",
                .map([
                    (
                        "securitySchemes",
                        .map([("bearerAuth", .map([("type", .string("http")), ("scheme", .string("bearer"))]))])
                    ),
                    ("schemas", .map(namedSchemas)),
                    ("responses", .map(problemResponses.map { ($0.name, problemResponse($0.description)) })),
                ])
            ),
        ])
    }

    static let tags: [(String, String)] = [
        ("decisions", "Requests for PCC Decision: raise, sign off, decide, publish, and read the register."),
        ("finance", "Budgets by strand and year, allocations, virements, write-offs and the reconciliation."),
        ("agreements", "Grant agreements: assessments, signatures, activation, payments, variations, closure."),
        ("carry-forwards", "Underspends carried into the next financial year, with the Commissioner's permission."),
        ("returns", "Quarterly progress returns from project boards, and their review."),
        ("vli", "Pilot areas chosen by the Vulnerable Localities Index."),
        ("priorities", "Priority setting with the partnership risk/harm matrix."),
        ("notifications", "The caller's own notifications, marking them read, and how they come by mail."),
        ("documents", "Files attached to decision records: attach (multipart/form-data), list, withdraw."),
        ("document", "This document."),
    ]

    static let problemResponses: [(name: String, status: String, description: String)] = [
        ("BadRequest", "400", "The query is not one this operation takes, or the body is not JSON."),
        ("Unauthorized", "401", "No API token, or one that is unknown or revoked."),
        ("Forbidden", "403", "The token's holder may not do this."),
        ("NotFound", "404", "No such record."),
        ("Conflict", "409", "The record changed or already exists: reload it and try again."),
        ("ContentTooLarge", "413", "The body is larger than the operation accepts."),
        ("Unprocessable", "422", "A rule refused the request; the problem names the rule and says what to do."),
        ("ServerError", "500", "Something went wrong on the server; nothing was changed."),
        (
            "Busy", "503",
            "Other writers kept the database busy past the timeout on every attempt; nothing was changed: try again "
                + "after Retry-After seconds."
        ),
    ]

    static func problemResponse(_ description: String) -> Node {
        .map([
            ("description", .string(description)),
            ("content", .map([("application/problem+json", .map([("schema", S.ref("Problem"))]))])),
        ])
    }

    static var paths: Node {
        var order: [String] = []
        var byPath: [String: [(String, Node)]] = [:]
        for operation in API.operations {
            if byPath[operation.path] == nil { order.append(operation.path) }
            byPath[operation.path, default: []].append((operation.method.rawValue, describe(operation)))
        }
        var pairs = order.map { path in
            (path, Node.map(parameters(path) + (byPath[path] ?? [])))
        }
        pairs.append(
            (
                API.documentPath,
                .map([
                    (
                        "get",
                        .map([
                            ("operationId", .string("getOpenAPIDocument")), ("tags", .list([.string("document")])),
                            ("summary", .string("This OpenAPI document.")), ("security", .list([])),
                            (
                                "responses",
                                .map([
                                    (
                                        "200",
                                        .map([
                                            ("description", .string("The document.")),
                                            (
                                                "content",
                                                .map([("application/yaml", .map([("schema", S.string())]))])
                                            ),
                                        ])
                                    )
                                ])
                            ),
                        ])
                    )
                ])
            ))
        return .map(pairs)
    }

    /// Path parameters, declared once for the path.
    static func parameters(_ path: String) -> [(String, Node)] {
        let names = path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
        guard !names.isEmpty else { return [] }
        return [
            (
                "parameters",
                .list(
                    names.map { name in
                        .map([
                            ("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                            ("description", .string(pathParameterDescriptions[name] ?? "The record's id.")),
                            ("schema", pathParameterSchemas[name] ?? S.string()),
                        ])
                    })
            )
        ]
    }

    /// A posting's sequence number is a whole number from 1; every other path parameter is an id as text.
    static let pathParameterSchemas: [String: Node] = ["sequence": S.integer(minimum: 1, maximum: Int64.max)]

    static let pathParameterDescriptions: [String: String] = [
        "id": "The record's id, as the lists give it (e.g. cumbria-GA-0001).",
        "sequence": "The ledger posting's sequence number.",
        "ward": "The ward's GSS code, e.g. E05009112.",
        "code": "The priority's code.",
    ]

    static func describe(_ operation: APIOperation) -> Node {
        var pairs: [(String, Node)] = [
            ("operationId", .string(operation.operationID)),
            ("tags", .list([.string(operation.tag)])),
            ("summary", .string(operation.summary)),
        ]
        if let description = operation.description { pairs.append(("description", .string(description))) }
        var query = operation.query
        if operation.paginated {
            query.append(
                APIParameter(
                    name: "limit", schema: S.integer(minimum: 1, maximum: Int64(API.largestLimit)),
                    description: "How many items to answer (default \(API.defaultLimit))."))
            query.append(
                APIParameter(
                    name: "offset", schema: S.integer(minimum: 0, maximum: Int64(Int32.max)),
                    description: "How many items to skip."))
        }
        var parameters: [Node] = query.map { p in
            .map([
                ("name", .string(p.name)), ("in", .string("query")), ("required", .bool(p.required)),
                ("description", .string(p.description)), ("schema", p.schema.nonBlankStrings),
            ])
        }
        if operation.versioned && operation.writes { parameters.append(ifMatch) }
        if !parameters.isEmpty { pairs.append(("parameters", .list(parameters))) }
        if let body = requestBody(operation) { pairs.append(("requestBody", body)) }
        let success: Node =
            operation.status == .noContent
            ? .map([("description", .string("Done."))])
            : .map(
                [
                    ("description", .string(operation.status == .created ? "Created." : "Done."))
                ] + (operation.versioned ? [("headers", .map([("ETag", eTag)]))] : []) + [
                    (
                        "content",
                        .map(
                            operation.mediaTypes.map { type in
                                (
                                    type,
                                    .map([
                                        (
                                            "schema",
                                            operation.paginated ? S.page(of: operation.response) : operation.response
                                        )
                                    ])
                                )
                            })
                    )
                ])
        var responses: [(String, Node)] = [(String(operation.status.code), success)]
        for problem in problemResponses {
            if problem.status == "409" && !operation.writes { continue }
            if problem.status == "413" && operation.body == nil && operation.upload == nil { continue }
            responses.append((problem.status, S.responseRef(problem.name)))
        }
        pairs.append(("responses", .map(responses)))
        return .map(pairs)
    }

    /// The request body as documented: JSON, or a file upload's multipart/form-data.
    static func requestBody(_ operation: APIOperation) -> Node? {
        let content: (type: String, schema: Node)
        if let body = operation.requestBody {
            content = ("application/json", body)
        } else if let upload = operation.upload {
            content = ("multipart/form-data", upload.nonBlankStrings)
        } else {
            return nil
        }
        return .map([
            ("required", .bool(true)), ("content", .map([(content.type, .map([("schema", content.schema)]))])),
        ])
    }

    /// The `If-Match` header a versioned write honours.
    static let ifMatch: Node = .map([
        ("name", .string("If-Match")), ("in", .string("header")), ("required", .bool(false)),
        (
            "description",
            .string(
                "The record's ETag as read (\"3\"): the change is made only if the record is still at that version, "
                    + "else 409 current-version and nothing changes. * or no header: no condition. Anything else: "
                    + "400 valid-if-match.")
        ),
        (
            "schema",
            S.text(
                "One strong ETag (\"3\"), the bare version (3, read as \"3\"), or *.",
                pattern: #"^("[0-9]{1,15}"|[0-9]{1,15}|\*)$"#, example: #""3""#)
        ),
    ])

    /// The `ETag` header a versioned record is answered with.
    static let eTag: Node = .map([
        (
            "description",
            .string(
                "The record's version as a strong ETag (\"3\"); every act and every edit changes it. Send it back "
                    + "as If-Match.")
        ),
        ("schema", S.string()),
    ])

    /// The named schemas of `components/schemas`.
    static var namedSchemas: [(String, Node)] {
        [("Problem", problem)] + APISchemas.named + APISchemas.notificationSchemas + API.documentSchemas
    }

    /// The same schemas, keyed by name, for checking request bodies.
    static let schemas: [String: Node] = Dictionary(namedSchemas, uniquingKeysWith: { a, _ in a })

    static let problem: Node = S.object(
        [
            ("type", S.string("A URI naming the rule: urn:opcc:rule:<rule>.")),
            ("title", S.string("The HTTP status's reason phrase.")),
            ("status", S.integer("The HTTP status code.")),
            ("detail", S.string("What was refused and what to do: the message the CLI prints.")),
            ("rule", S.string("The rule that refused the request, e.g. budget-fits.")),
            (
                "errors",
                S.array(
                    S.object(
                        [("rule", S.string()), ("message", S.string())], required: ["rule", "message"]),
                    "Every reason, when a request was refused for more than one.")
            ),
        ], required: ["type", "title", "status", "detail", "rule"],
        description: "An RFC 9457 problem document.")
}
