import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// One operation of the JSON API, declared as data. The router and the OpenAPI document are both made from the
/// same table, so the document cannot describe a route the server lacks, nor the server answer one it omits; the
/// body a request carries is checked against the schema the document shows before any service is called.
struct APIOperation: Sendable {
    enum Method: String, Sendable { case get, post, put, patch }

    let method: Method
    /// The OpenAPI path template, e.g. `/api/v1/decisions/{id}`.
    let path: String
    let operationID: String
    let tag: String
    let summary: String
    var description: String?
    /// Query parameters (path parameters come from the template).
    var query: [APIParameter] = []
    /// The request body's schema; request bodies are closed objects: an unknown field is refused, never dropped.
    var body: Node?
    /// A file upload's `multipart/form-data` fields (`file` and text fields), instead of a JSON body: the body is
    /// read as it arrives, the file written to a temporary file (`APICall.upload`), within the document limit.
    var upload: Node? = nil
    /// The success response's schema and status.
    var response: Node
    var status: HTTPResponse.Status = .ok
    /// The success answer's media types (JSON unless the operation answers a document).
    var mediaTypes = ["application/json"]
    /// Lists answer a page: `items`, `total`, `limit`, `offset`, with `limit` and `offset` query parameters.
    var paginated = false
    /// The largest body accepted, in bytes.
    var maxBody = 1 << 20
    /// The record answered carries a version: a read answers it as a strong `ETag` ("3"); a write honours
    /// `If-Match` with one, refusing a stale one with 409 `current-version` (and answers the new `ETag`).
    var versioned = false
    let handler: @Sendable (APICall) async throws -> APIResult

    /// The path's parameter names, in order.
    var pathParameters: [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    /// The path as the router writes it: `{id}` becomes `:id`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }

    var writes: Bool { method != .get }

    /// The body's schema as documented and checked: free text non-blank.
    var requestBody: Node? { body?.nonBlankStrings }
}

/// A query parameter: its name, schema and meaning.
struct APIParameter: Sendable {
    let name: String
    let schema: Node
    let description: String
    var required = false
}

/// What a handler answers: one value, or a list the API pages.
enum APIResult {
    case one(any Encodable)
    case list([any Encodable])
    /// A page the service cut itself (only its rows read): the page's items, the whole list's count, and the cursor
    /// of the page after it.
    case page([any Encodable], total: Int, next: String?)
    /// A document that is not JSON (a public notice in Markdown or HTML).
    case text(String, contentType: String)
    /// One record with its version, answered as the `ETag` header.
    case versioned(any Encodable, version: Int)
    case none
}

/// Everything a handler may read: who is calling, the path and query parameters, and the checked body.
struct APICall {
    let app: Commissioning
    let actor: String
    let path: [String: String]
    let query: [String: String]
    let body: [String: JSONValue]
    let rawBody: Data
    /// The version `If-Match` names, on an operation that honours it; nil when none was sent (or `*`).
    var ifMatch: Int? = nil
    /// The product home (for VLI schemes), when the server was started with one.
    let home: ProductHome?
    /// The upload an `upload` operation received: its fields (checked against the schema) and its file.
    var upload: MultipartUpload? = nil
    /// The largest document the server takes (`opcc serve --document-limit-mb`).
    var documentLimitBytes: Int64 = DocumentRules.defaultSizeLimitBytes
    /// A paginated operation's `limit` and `offset`, checked.
    var page = (limit: API.defaultLimit, offset: 0)

    func id(_ name: String = "id") -> String { path[name] ?? "" }

    /// The office the `office` query names, checked; nil when the query names none.
    func queriedOffice() async throws -> String? {
        guard let office = query["office"] else { return nil }
        return try await app.resolveOffice(office)
    }

    /// The office a request names, else the caller's own (the same resolution as the CLI's `--office`).
    func office(_ given: String?) async throws -> String {
        if let given { return try await app.resolveOffice(given) }
        guard let person = try await app.person(named: actor) else {
            throw APIProblem(.unauthorized, rule: "api-token-known", detail: "the token's holder is not known")
        }
        return person.office
    }

    // Body fields. The schema check has already refused a field of the wrong JSON type, so these only read.
    func text(_ name: String) -> String? { body[name]?.string }
    func requiredText(_ name: String) throws -> String {
        guard let value = text(name) else { throw APIProblem.field(name, "is required") }
        return value
    }
    func bool(_ name: String) -> Bool? { body[name]?.bool }
    func int(_ name: String) -> Int64? { body[name]?.int }

    func money(_ name: String) throws -> Money {
        do { return try Money(parsing: try requiredText(name)) } catch let error as MoneyParseError {
            throw APIProblem.field(name, error.description)
        }
    }
    func optionalMoney(_ name: String) throws -> Money? { text(name) == nil ? nil : try money(name) }

    func day(_ name: String) throws -> Day? {
        guard let text = text(name) else { return nil }
        do { return try Day(iso: text) } catch { throw APIProblem.field(name, error.description) }
    }

    func year(_ name: String) throws -> FinancialYear {
        do { return try FinancialYear(parsing: try requiredText(name)) } catch let error as FinancialYearParseError {
            throw APIProblem.field(name, error.description)
        }
    }
    func queryMoney(_ name: String) throws -> Money? {
        guard let text = query[name] else { return nil }
        do { return try Money(parsing: text) } catch { throw APIProblem.queryValue(name, error.description) }
    }
    func queryYear(_ name: String = "year") throws -> FinancialYear? {
        guard let text = query[name] else { return nil }
        do { return try FinancialYear(parsing: text) } catch {
            throw APIProblem.queryValue(name, error.description)
        }
    }

    /// The body decoded as one of the product's file formats (the same shapes `opcc … --file` reads).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: rawBody) } catch let error as DecodingError {
            throw APIProblem(
                .unprocessableContent, rule: "valid-request-body",
                detail: "body.\(error.fieldPath): \(error.plainReason)")
        }
    }
}

/// An error the API answers as `application/problem+json` (RFC 9457), with the rule it enforces.
struct APIProblem: Error, Sendable {
    let status: HTTPResponse.Status
    let rule: String
    let detail: String
    var errors: [(rule: String, message: String)] = []

    init(_ status: HTTPResponse.Status, rule: String, detail: String, errors: [(rule: String, message: String)] = []) {
        self.status = status
        self.rule = rule
        self.detail = detail
        self.errors = errors.isEmpty ? [(rule, detail)] : errors
    }

    static func field(_ name: String, _ message: String) -> APIProblem {
        APIProblem(.unprocessableContent, rule: "valid-request-body", detail: "body.\(name): \(message)")
    }
    static func query(_ name: String, _ message: String) -> APIProblem {
        APIProblem(.badRequest, rule: "valid-query", detail: "query.\(name): \(message)")
    }
    /// A query value of the right form that is still not a value (a year like 2017/19): a rule, so 422.
    static func queryValue(_ name: String, _ message: String) -> APIProblem {
        APIProblem(.unprocessableContent, rule: "valid-query", detail: "query.\(name): \(message)")
    }

    /// Rules refusing who is asking (an unknown, revoked or missing token).
    static let unauthorisedRules: Set<String> = ["api-token-known", "api-token-revoked", "api-token-required"]

    /// The problem for any error a service throws: the same rule and message the CLI prints.
    static func from(_ error: any Error) -> APIProblem {
        switch error {
        case let problem as APIProblem: return problem
        case let refusal as ServiceRefusal where unauthorisedRules.contains(refusal.rule):
            return APIProblem(.unauthorized, rule: refusal.rule, detail: refusal.message)
        case let refusal as ServiceRefusal:
            return APIProblem(Refusal.status(of: refusal.kind), rule: refusal.rule, detail: refusal.message)
        case let refused as ActRefused:
            let details = Refusal.details(of: refused)
            return APIProblem(
                Refusal.status(of: refused.kind), rule: details.first?.rule ?? "refused",
                detail: details.map(\.message).joined(separator: "; "), errors: details)
        case let stored as StorageFailure:
            switch stored.kind {
            case .notFound: return APIProblem(.notFound, rule: "known-record", detail: stored.description)
            case .duplicate: return APIProblem(.conflict, rule: "unique-record", detail: stored.description)
            case .staleVersion: return APIProblem(.conflict, rule: "current-version", detail: stored.description)
            case .unreadable, .cannotOpen:
                return APIProblem(.internalServerError, rule: "readable-data", detail: "stored data is not readable")
            case .busy: return APIProblem(.serviceUnavailable, rule: "database-busy", detail: stored.description)
            case .failed, .serverFailed:
                return APIProblem(.internalServerError, rule: "database-failed", detail: stored.description)
            case .connectionLost:
                return APIProblem(.serviceUnavailable, rule: "database-unreachable", detail: stored.description)
            }
        case let missing as FileReadError:
            return APIProblem(.notFound, rule: "known-file", detail: missing.description)
        case let decoding as DecodingError:
            return APIProblem(
                .unprocessableContent, rule: "valid-request-body",
                detail: "body.\(decoding.fieldPath): \(decoding.plainReason)")
        case let http as HTTPError:
            return APIProblem(http.status, rule: "http", detail: http.body ?? http.status.reasonPhrase)
        case let described as any Error & CustomStringConvertible where isDomainError(described):
            return APIProblem(.unprocessableContent, rule: "valid-value", detail: described.description)
        default:
            return APIProblem(.internalServerError, rule: "internal", detail: "Sorry, there is a problem.")
        }
    }

    /// The core's own refusals and parse errors: a value the request gave was not acceptable.
    private static func isDomainError(_ error: any Error) -> Bool {
        error is MoneyParseError || error is MoneyArithmeticError || error is MoneySplitError
            || error is DayParseError || error is FinancialYearParseError || error is QuarterParseError
            || error is MonthParseError || error is PercentageParseError || error is AllocationRefusal
            || error is AllocationError || error is LedgerError || error is GrantRefusal || error is ReturnRefusal
            || error is PriorityRefusal || error is VLISchemeError || error is VLIScoringError
            || error is WorkflowRefusal || error is OfficeProfileError
    }

    /// The problem document (RFC 9457) as the API sends it.
    private struct Document: Encodable {
        struct Entry: Encodable {
            let rule: String
            let message: String
        }
        let type: String
        let title: String
        let status: Int
        let detail: String
        let rule: String
        let errors: [Entry]
    }

    var json: Data {
        let document = Document(
            type: "urn:opcc:rule:\(rule)", title: status.reasonPhrase, status: Int(status.code), detail: detail,
            rule: rule, errors: errors.map { Document.Entry(rule: $0.rule, message: $0.message) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(document)) ?? Data()
    }

    var response: Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"opcc\"" }
        if status == .serviceUnavailable { headers[.retryAfter] = "1" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: json)))
    }
}

/// Encodes any encodable value (the API's lists hold values of one type, seen as existentials).
struct AnyEncodable: Encodable {
    let value: any Encodable
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// A page of a list.
struct APIPage: Encodable {
    let items: [AnyEncodable]
    let total: Int
    let limit: Int
    let offset: Int
    /// The cursor of the page after this one (a list with a `cursor` parameter, when more follow).
    var next: String? = nil
}
