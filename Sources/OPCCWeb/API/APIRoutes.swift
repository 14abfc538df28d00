import Foundation
import Hummingbird
import NIOFileSystem
import OPCCCore
import OPCCServices

/// The JSON API's version and where its document is served.
enum API {
    static let version = "1.0.0"
    static let documentPath = "/openapi.yaml"
    static let defaultLimit = 50
    static let largestLimit = 500

    /// Every operation, in the order the document lists them.
    static let operations: [APIOperation] =
        decisionOperations + financeOperations + agreementOperations + returnOperations + areaOperations
        + priorityOperations + notificationOperations + documentOperations
}

extension Web {
    /// The JSON API under /api/v1 (bearer tokens from `opcc token create`), and its OpenAPI document.
    func addAPIRoutes(to router: some RouterMethods<WebContext>) {
        let document = OpenAPIDocument.text
        router.get(RouterPath(stringLiteral: API.documentPath)) { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: document)))
        }
        for operation in API.operations {
            let handler: @Sendable (Request, WebContext) async throws -> Response = { request, context in
                await answer(operation, request: request, context: context)
            }
            let path = RouterPath(stringLiteral: operation.routerPath)
            switch operation.method {
            case .get: router.get(path, use: handler)
            case .post: router.post(path, use: handler)
            case .put: router.put(path, use: handler)
            case .patch: router.patch(path, use: handler)
            }
        }
    }

    /// Authenticates, checks the request against the operation's declaration, calls the handler and answers JSON;
    /// every failure is a problem document carrying the rule's message.
    func answer(_ operation: APIOperation, request: Request, context: WebContext) async -> Response {
        do {
            let actor = try await authenticate(request)
            let query = try checkedQuery(request, for: operation)
            guard let schema = operation.upload else {
                return try await answer(operation, request: request, context: context, actor: actor, query: query)
            }
            // An upload: its file lives in a temporary directory for as long as the handler runs, then goes.
            return try await FileSystem.shared.withTemporaryDirectory { _, directory in
                let upload = try await checkedUpload(request, schema: schema, into: directory)
                return try await answer(
                    operation, request: request, context: context, actor: actor, query: query, upload: upload)
            }
        } catch {
            return problem(error, context: context)
        }
    }

    /// The problem document for an error, logged when it is the server's.
    private func problem(_ error: any Error, context: WebContext) -> Response {
        let problem = APIProblem.from(error)
        if problem.status.code >= 500 {
            context.logger.error("api request failed", metadata: ["error": .string(loggedError(error))])
        }
        return problem.response
    }

    /// Reads the body (JSON, checked against the schema; an upload's is already read), the path and paging, then
    /// calls the handler.
    private func answer(
        _ operation: APIOperation, request: Request, context: WebContext, actor: String, query: [String: String],
        upload: MultipartUpload? = nil
    ) async throws -> Response {
        var raw = Data()
        var body: [String: JSONValue] = [:]
        if let schema = operation.requestBody {
            raw = try await collect(request, upTo: operation.maxBody)
            body = try checkedBody(raw, schema: schema)
        } else if upload == nil, try await !collect(request, upTo: 1024).isEmpty {
            throw APIProblem(
                .unprocessableContent, rule: "valid-request-body", detail: "this operation takes no body")
        }
        var path: [String: String] = [:]
        // The router hands path segments over as sent: a ward named with spaces arrives as `…%20…`.
        for name in operation.pathParameters {
            let raw = context.parameters.get(name) ?? ""
            path[name] = raw.removingPercentEncoding ?? raw
        }
        var page = (limit: API.defaultLimit, offset: 0)
        if operation.paginated {
            page.limit = try pageNumber(
                query["limit"], name: "limit", default: API.defaultLimit, range: 1...API.largestLimit)
            page.offset = try pageNumber(query["offset"], name: "offset", default: 0, range: 0...Int(Int32.max))
        }
        var call = APICall(app: app, actor: actor, path: path, query: query, body: body, rawBody: raw, home: home)
        call.page = page
        call.upload = upload
        call.documentLimitBytes = documentLimitBytes
        if operation.versioned && operation.writes { call.ifMatch = try ifMatch(request) }
        let result = try await operation.handler(call)
        return try encode(result, operation: operation, page: page)
    }

    private func authenticate(_ request: Request) async throws -> String {
        guard let header = request.headers[.authorization] else {
            throw APIProblem(
                .unauthorized, rule: "api-token-required",
                detail: "send an API token as 'Authorization: Bearer opcc_…' (create one with opcc token create)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIProblem(
                .unauthorized, rule: "api-token-required", detail: "the Authorization header must be 'Bearer <token>'")
        }
        return try await app.apiTokenPerson(String(parts[1]).trimmingCharacters(in: .whitespaces))
    }

    /// The version an `If-Match` header names: one strong tag of a whole number ("3"), the bare number as some
    /// clients send it (3, read as "3"), or `*` (any version, as if none were sent). Anything else is refused, never
    /// read as no condition: a client asking for a condition must get it or be told why not.
    private func ifMatch(_ request: Request) throws -> Int? {
        let values = request.headers[values: .ifMatch]
        guard !values.isEmpty else { return nil }
        let text = values.joined(separator: ",").trimmingCharacters(in: .whitespaces)
        if text == "*" { return nil }
        let quoted = text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"")
        let digits = quoted ? text.dropFirst().dropLast() : Substring(text)
        guard (1...15).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            let version = Int(digits)
        else {
            throw APIProblem(
                .badRequest, rule: "valid-if-match",
                detail: "If-Match must be one ETag as a GET of the record answers it, like \"3\", or *")
        }
        return version
    }

    private func checkedQuery(_ request: Request, for operation: APIOperation) throws -> [String: String] {
        var known = Dictionary(operation.query.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        if operation.paginated {
            known["limit"] = APIParameter(name: "limit", schema: .int(0), description: "")
            known["offset"] = APIParameter(name: "offset", schema: .int(0), description: "")
        }
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let key = String(name)
            guard known[key] != nil else {
                let names = known.keys.sorted().joined(separator: ", ")
                throw APIProblem.query(
                    key, names.isEmpty ? "this operation takes no query parameters" : "is not one of \(names)")
            }
            guard values[key] == nil else { throw APIProblem.query(key, "is given more than once") }
            values[key] = String(value)
        }
        for parameter in operation.query where parameter.required && values[parameter.name] == nil {
            throw APIProblem.query(parameter.name, "is required")
        }
        for parameter in operation.query {
            guard let value = values[parameter.name] else { continue }
            if value.isEmpty { throw APIProblem.query(parameter.name, "must not be empty") }
            if let pattern = parameter.schema["pattern"]?.text, !SchemaChecker.matches(value, pattern) {
                throw APIProblem.query(parameter.name, "'\(value)' is not in the form \(pattern)")
            }
            if case .list(let allowed)? = parameter.schema["enum"], !allowed.contains(.string(value)) {
                let names = allowed.compactMap(\.text).joined(separator: ", ")
                throw APIProblem.query(parameter.name, "'\(value)' is not one of \(names)")
            }
            if parameter.schema["type"]?.text == "integer", Int64(value) == nil {
                throw APIProblem.query(parameter.name, "expected a whole number")
            }
            if parameter.schema["type"]?.text == "boolean", value != "true", value != "false" {
                throw APIProblem.query(parameter.name, "expected true or false")
            }
        }
        return values
    }

    private func collect(_ request: Request, upTo limit: Int) async throws -> Data {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch {
            throw APIProblem(
                .contentTooLarge, rule: "body-size", detail: "the request body is larger than \(limit) bytes")
        }
    }

    private func checkedBody(_ data: Data, schema: Node) throws -> [String: JSONValue] {
        guard !data.isEmpty else {
            throw APIProblem(.unprocessableContent, rule: "valid-request-body", detail: "a JSON body is required")
        }
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw APIProblem(.badRequest, rule: "valid-json", detail: "the body is not valid JSON")
        }
        let problems = SchemaChecker(components: OpenAPIDocument.schemas).problems(value, against: schema, at: "body")
        guard problems.isEmpty else {
            throw APIProblem(
                .unprocessableContent, rule: "valid-request-body", detail: problems.joined(separator: "; "),
                errors: problems.map { ("valid-request-body", $0) })
        }
        return value.object ?? [:]
    }

    private func encode(
        _ result: APIResult, operation: APIOperation, page: (limit: Int, offset: Int)
    ) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        switch result {
        case .none:
            return Response(status: .noContent)
        case .text(let text, let contentType):
            return Response(
                status: operation.status, headers: [.contentType: contentType],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        case .one(let value):
            data = try encoder.encode(AnyEncodable(value: value))
        case .versioned(let value, let version):
            return Response(
                status: operation.status, headers: [.contentType: "application/json", .eTag: "\"\(version)\""],
                body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(AnyEncodable(value: value)))))
        case .list(let items):
            let slice = items.dropFirst(min(page.offset, items.count)).prefix(page.limit).map(AnyEncodable.init)
            data = try encoder.encode(
                APIPage(items: Array(slice), total: items.count, limit: page.limit, offset: page.offset))
        case .page(let items, let total, let next):
            let rows = items.compactMap { $0 as? DecisionRegisterRow }
            if rows.count == items.count {
                // The register's page, written directly (the same bytes; `RegisterJSON`).
                return Response(
                    status: operation.status, headers: [.contentType: "application/json"],
                    body: .init(
                        byteBuffer: ByteBuffer(
                            bytes: RegisterJSON.page(
                                rows, total: total, limit: page.limit, offset: page.offset, next: next))))
            }
            data = try encoder.encode(
                APIPage(
                    items: items.map(AnyEncodable.init), total: total, limit: page.limit, offset: page.offset,
                    next: next))
        }
        return Response(
            status: operation.status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    private func pageNumber(_ text: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIProblem.query(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}

/// Under /api/ and for the document: a path the API has but not with this method answers 405 with `Allow`; an
/// unknown path 404; both as problem documents, never as the browser's error page.
struct APIErrors: RouterMiddleware {
    typealias Context = WebContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/") || path == API.documentPath else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            guard error.status == .notFound else { return APIProblem.from(error).response }
            let allowed = API.allowedMethods(for: path)
            guard !allowed.isEmpty else {
                return APIProblem(.notFound, rule: "known-path", detail: "the API has no path \(path)").response
            }
            var response = APIProblem(
                .methodNotAllowed, rule: "known-method",
                detail: "\(request.method.rawValue) is not allowed on \(path): use \(allowed.joined(separator: ", "))"
            ).response
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        }
    }
}

extension API {
    /// The methods the API answers on a concrete path (its templates matched segment by segment).
    static func allowedMethods(for path: String) -> [String] {
        if path == documentPath { return ["GET"] }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let methods = operations.filter { operation in
            let template = operation.path.split(separator: "/", omittingEmptySubsequences: false)
            return template.count == parts.count
                && zip(template, parts).allSatisfy { t, p in (t.hasPrefix("{") && !p.isEmpty) || t == p }
        }.map { $0.method.rawValue.uppercased() }
        return Array(Set(methods)).sorted()
    }
}
