import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// Reads a submitted form field by field, collecting a problem for each field that cannot be read (each with the id
/// of its field, so the error summary links to it); the act is tried only when there are none.
struct FormReader {
    let form: Form
    /// The prefix of the form's field ids (`budget` gives `budget-year`).
    let prefix: String
    private(set) var problems: [FieldError] = []

    init(_ form: Form, prefix: String) {
        self.form = form
        self.prefix = prefix
    }

    func field(_ name: String) -> String { "\(prefix)-\(name)" }

    mutating func problem(_ name: String, _ message: String) {
        problems.append(FieldError(field: field(name), message: message))
    }

    /// A required text field.
    mutating func text(_ name: String, _ missing: String) -> String? {
        guard let text = form.text(name) else {
            problem(name, missing)
            return nil
        }
        return text
    }

    mutating func year(_ name: String, _ message: String) -> FinancialYear? {
        guard let text = form.text(name), let year = try? FinancialYear(parsing: text) else {
            problem(name, message)
            return nil
        }
        return year
    }

    /// Pounds, like £10,000 or 10000.00, as integer pence; more than £0.00.
    mutating func money(_ name: String, _ message: String) -> Money? {
        guard let text = form.text(name), let money = try? Money(parsing: text), money > .zero else {
            problem(name, message)
            return nil
        }
        return money
    }
}

/// One message of a form's error summary, linked to the input it is about (`field`, the input's id); `step` is the
/// step's form it came from, on a page with several.
struct FieldError: Encodable, Sendable, Equatable {
    var field: String
    var message: String
    var step: String?
}

/// One refusal's rule and message.
typealias RefusalDetail = (rule: String, message: String)

extension Web {
    /// Runs a form's act, and answers its refusals in one place. A refusal the form can take back (`correctable`,
    /// by its status and rules; by default a refusal of what was entered, 422) comes back as the form (`rerender`)
    /// with what was entered and an error summary linking each message to its input (`field`). Any other refusal
    /// goes on to `ErrorPages`, whose error page takes its status from the refusal's kind: 403 when the person may
    /// not, 404 when the record is not there for them, 409 for a conflict.
    func formAct(
        correctable: (HTTPResponse.Status, [RefusalDetail]) -> Bool = { status, _ in status == .unprocessableContent },
        field: (RefusalDetail) -> String, rerender: ([FieldError], HTTPResponse.Status) async throws -> Response,
        _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch {
            guard let status = Refusal.status(of: error) else { throw error }
            let details = Refusal.details(of: error)
            guard correctable(status, details) else { throw error }
            return try await rerender(details.map { FieldError(field: field($0), message: $0.message) }, status)
        }
    }

    /// A form whose fields each refusal's rule names (`fields`, the rest to `fallback`): a refusal of a rule, or of a
    /// record the form names that does not exist, comes back to the form, status 422; an act the person may not take
    /// is the 403 page, and one on a record that is not there for them (missing, or another office's) the 404 page,
    /// unless `fields` names the rule: then the record is one the form itself names (a decision number typed in).
    func formAct(
        fallback: String, fields: [String: String] = [:], rerender: ([FieldError]) async throws -> Response,
        _ body: () async throws -> Response
    ) async throws -> Response {
        try await formAct(
            correctable: { status, details in
                status != .forbidden && (status != .notFound || details.allSatisfy { fields[$0.rule] != nil })
            }, field: { fields[$0.rule] ?? fallback }, rerender: { errors, _ in try await rerender(errors) }, body)
    }

    /// `formAct(fallback:fields:rerender:)` for a form that carries its record's version: the page comes back with
    /// the refusal's status, 409 when the form was stale.
    func formAct(
        fallback: String, fields: [String: String] = [:],
        rerender: ([FieldError], HTTPResponse.Status) async throws -> Response,
        _ body: () async throws -> Response
    ) async throws -> Response {
        try await formAct(
            correctable: { status, details in
                status != .forbidden && (status != .notFound || details.allSatisfy { fields[$0.rule] != nil })
            }, field: { fields[$0.rule] ?? fallback }, rerender: rerender, body)
    }

    /// A page's act whose refusals of what was entered all go to one field.
    func act(
        field: String, rerender: ([FieldError]) async throws -> Response, _ body: () async throws -> Response
    ) async throws -> Response {
        try await formAct(field: { _ in field }, rerender: { errors, _ in try await rerender(errors) }, body)
    }

    /// A page's act on a record whose forms carry its version: a refusal of what was entered (422), or of a form
    /// opened before someone else changed the record (409, the service's `current-version` saying what changed),
    /// comes back as the page with what was entered and the status, its message at `field`.
    func versionedAct(
        field: String, rerender: ([FieldError], HTTPResponse.Status) async throws -> Response,
        _ body: () async throws -> Response
    ) async throws -> Response {
        try await formAct(
            correctable: { status, _ in status == .unprocessableContent || status == .conflict },
            field: { _ in field }, rerender: rerender, body)
    }

    /// A record a page shows. A refusal to read it goes on to the error page; one of the path's id itself (422)
    /// reads as not found.
    func found<T>(_ read: () async throws -> T) async throws -> T {
        do { return try await read() } catch { throw readRefused(error) }
    }

    /// A refusal to read a page's record as the page answers it (see `found`).
    func readRefused(_ error: any Error) -> any Error {
        guard Refusal.status(of: error) == .unprocessableContent else { return error }
        return HTTPError(.notFound, message: Refusal.message(of: error))
    }

    /// The 403 page for a form posted by someone whose role may not use it (the service checks again).
    func notYours(_ what: String, context: WebContext) -> Response {
        pages.error(.forbidden, message: "Your role may not \(what).", context: context)
    }
}

/// Each field's error messages, keyed by the field id with `-` as `_` (the templates read `fe.budget_year`).
func fieldErrors(_ errors: [FieldError]) -> [String: String] {
    var out: [String: String] = [:]
    for e in errors {
        let key = e.field.replacingOccurrences(of: "-", with: "_")
        out[key] = [out[key], sentence(e.message)].compactMap { $0 }.joined(separator: " ")
    }
    return out
}

extension Templates {
    /// One labelled text input of a form section: the hint and the field's error (from `fe`) are announced with it.
    static func input(
        _ id: String, name: String, label: String, hint: String? = nil, width: String = "short",
        inputmode: String? = nil
    ) -> String {
        let key = id.replacingOccurrences(of: "-", with: "_")
        let described = describedBy(id, hint: hint)
        return """
            <div class="field{{#fe.\(key)}} field-error{{/fe.\(key)}}"><label for="\(id)">\(label)</label>
              \(hint.map { "<p class=\"hint\" id=\"\(id)-hint\">\($0)</p>" } ?? "")
              {{#fe.\(key)}}<p class="error-message" id="\(id)-error"><span class="visually-hidden">Error:</span> {{fe.\(key)}}</p>{{/fe.\(key)}}
              <input id="\(id)" name="\(name)"\(width.isEmpty ? "" : " class=\"\(width)\"")\(inputmode.map { " inputmode=\"\($0)\"" } ?? "") value="{{\(name)}}"\(described)></div>
            """
    }

    /// `aria-describedby` naming the hint, if any, and the field's error when it has one.
    static func describedBy(_ id: String, hint: String?) -> String {
        let key = id.replacingOccurrences(of: "-", with: "_")
        guard hint != nil else { return "{{#fe.\(key)}} aria-describedby=\"\(id)-error\"{{/fe.\(key)}}" }
        return " aria-describedby=\"\(id)-hint{{#fe.\(key)}} \(id)-error{{/fe.\(key)}}\""
    }

    /// A labelled textarea, as `input`.
    static func textarea(_ id: String, name: String, label: String, hint: String? = nil) -> String {
        let key = id.replacingOccurrences(of: "-", with: "_")
        let described = describedBy(id, hint: hint)
        return """
            <div class="field{{#fe.\(key)}} field-error{{/fe.\(key)}}"><label for="\(id)">\(label)</label>
              \(hint.map { "<p class=\"hint\" id=\"\(id)-hint\">\($0)</p>" } ?? "")
              {{#fe.\(key)}}<p class="error-message" id="\(id)-error"><span class="visually-hidden">Error:</span> {{fe.\(key)}}</p>{{/fe.\(key)}}
              <textarea id="\(id)" name="\(name)" rows="2"\(described)>{{\(name)}}</textarea></div>
            """
    }
}
