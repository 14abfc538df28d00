import Foundation
import Hummingbird
import Mustache
import OPCCCore
import OPCCServices

/// The compiled templates, and the page frame every screen is rendered into.
struct Pages: Sendable {
    let library: MustacheLibrary

    init() throws {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in Templates.all { templates[name] = try MustacheTemplate(string: text) }
        library = MustacheLibrary(templates: templates)
    }

    /// A full page: `template` rendered with `values`, inside the layout.
    func page(
        _ template: String, title: String, values: [String: Any], context: WebContext, back: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        var values = values
        // The sign-in form brings its own signed token; every other form carries the session's.
        values["csrf"] = values["csrf"] ?? context.session?.csrf ?? ""
        // Error messages read as sentences in the summary, whichever rule wrote them.
        if let errors = values["errors"] as? [[String: String]] {
            values["errors"] = errors.map { error in
                var error = error
                error["message"] = sentence(error["message"] ?? "")
                return error
            }
        }
        let body = library.render(blanked(values), withTemplate: template) ?? ""
        var frame: [String: Any] = ["title": title, "body": body, "csrf": context.session?.csrf ?? ""]
        if let user = context.user {
            frame["user"] = true
            frame["name"] = user
        }
        if let back { frame["back"] = back }
        return html(library.render(frame, withTemplate: "layout") ?? "", status: status)
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .init("X-Content-Type-Options")!: "nosniff", .init("X-Frame-Options")!: "DENY",
                .init("Referrer-Policy")!: "same-origin",
                .init("Content-Security-Policy")!: "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The error page for a status.
    func error(_ status: HTTPResponse.Status, message: String, context: WebContext) -> Response {
        let heading: String
        switch status.code {
        case 403: heading = "You cannot do this"
        case 404: heading = "Page not found"
        case 429: heading = "Too many attempts"
        case 503: heading = "The service is busy"
        default: heading = "Sorry, there is a problem"
        }
        return page(
            "error", title: heading, values: ["heading": heading, "message": message], context: context,
            status: status)
    }
}

/// An empty text as the templates see it: it renders as nothing and, unlike an empty `String` (which Mustache
/// treats as a value, so `{{#paid}}…{{/paid}}` would show for an unpaid instalment), it is false in a section and
/// true in an inverted one.
struct Blank: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }
}

/// The values with every empty string, however deep, as `Blank`.
func blanked(_ value: Any) -> Any {
    switch value {
    case let text as String: return text.isEmpty ? Blank() : text
    case let dictionary as [String: Any]: return dictionary.mapValues(blanked)
    case let array as [Any]: return array.map(blanked)
    default: return value
    }
}

/// How a service refusal reads over HTTP, for pages and the API alike: the status follows from the refusal's kind,
/// decided where it was thrown (403 when the person may not, 404 when there is no such record or none they may see,
/// 409 on a conflict, 422 when a rule of the record or the input refused).
enum Refusal {
    static func status(of kind: ServiceRefusal.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalid: return .unprocessableContent
        case .forbidden: return .forbidden
        case .notFound: return .notFound
        case .conflict: return .conflict
        }
    }

    static func status(of error: any Error) -> HTTPResponse.Status? {
        if let refusal = error as? ServiceRefusal { return status(of: refusal.kind) }
        if let refused = error as? ActRefused { return status(of: refused.kind) }
        return nil
    }

    /// Each refusal's rule and message.
    static func details(of error: any Error) -> [(rule: String, message: String)] {
        if let refusal = error as? ServiceRefusal { return [(refusal.rule, refusal.message)] }
        if let refused = error as? ActRefused { return refused.reasons.map { ($0.rule, $0.description) } }
        return [("unknown", "Something went wrong.")]
    }

    /// The messages to show in an error summary.
    static func messages(of error: any Error) -> [String] {
        if let refusal = error as? ServiceRefusal { return [refusal.message] }
        if let refused = error as? ActRefused { return refused.reasons.map(\.description) }
        return ["Something went wrong."]
    }
}

extension DecisionRegisterRow {
    /// The row as the register templates show it.
    func values(href: String, today: Day) -> [String: Any] {
        [
            "number": number ?? "(unnumbered)", "title": title, "office": office, "status": statusLabel(status),
            "statusClass": status, "decided": decidedOn?.iso ?? "", "published": publishedOn?.iso ?? "",
            "deadline": part1Deadline?.iso ?? "", "href": href,
            "overdue": isOverdue(status: status, deadline: part1Deadline, published: publishedOn, today: today),
        ]
    }
}

/// A message with its first letter capitalised.
func sentence(_ text: String) -> String {
    text.prefix(1).uppercased() + text.dropFirst()
}

func statusLabel(_ state: String) -> String {
    state.prefix(1).uppercased() + state.dropFirst().replacingOccurrences(of: "-", with: " ")
}

/// Decided, unpublished and past its Part 1 deadline.
func isOverdue(status: String, deadline: Day?, published: Day?, today: Day) -> Bool {
    guard let deadline, published == nil else { return false }
    return ["approved", "not-approved", "publication-deferred"].contains(status) && deadline < today
}
