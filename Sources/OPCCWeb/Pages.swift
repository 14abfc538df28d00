import Foundation
import Hummingbird
import Mustache
import OPCCCore
import OPCCServices

/// The compiled templates, and the page frame every screen is rendered into.
struct Pages: Sendable {
    let library: MustacheLibrary

    init() throws {
        // Every template names the content type `HTML`, registered here as `HTMLText.escape` in place of Mustache's
        // own (see `HTMLText`): a template without the pragma would escape with Mustache's.
        MustacheContentTypes.register(EscapedHTML(), named: "HTML")
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in Templates.all {
            templates[name] = try MustacheTemplate(string: Self.escapedAsHTML + text)
        }
        library = MustacheLibrary(templates: templates)
    }

    /// The pragma each template starts with: its values escaped by `EscapedHTML`.
    static let escapedAsHTML = "{{% CONTENT_TYPE: HTML}}"

    /// Mustache's `HTML` content type, escaping with `HTMLText.escape`.
    struct EscapedHTML: MustacheContentType {
        func escapeText(_ text: String) -> String { HTMLText.escape(text) }
    }

    /// A full page: `template` rendered with its typed `model`, inside the layout.
    /// `menu`: the header's links for a partner (an applicant, an assessor of no office), in place of the staff's.
    func page(
        _ template: String, title: String, model: some Encodable, context: WebContext, back: String? = nil,
        status: HTTPResponse.Status = .ok, menu: PartnerMenu? = nil
    ) throws -> Response {
        render(
            template, title: title, values: try TemplateValue(encoding: model).fields, context: context, back: back,
            status: status, menu: menu)
    }

    /// A full page's HTML, as `page` answers it with 200.
    func pageHTML(
        _ template: String, title: String, model: some Encodable, context: WebContext, back: String? = nil
    ) throws -> String {
        renderHTML(
            template, title: title, values: try TemplateValue(encoding: model).fields, context: context, back: back)
    }

    private func render(
        _ template: String, title: String, values: [String: TemplateValue], context: WebContext, back: String?,
        status: HTTPResponse.Status, menu: PartnerMenu? = nil
    ) -> Response {
        html(
            renderHTML(template, title: title, values: values, context: context, back: back, menu: menu), status: status
        )
    }

    private func renderHTML(
        _ template: String, title: String, values: [String: TemplateValue], context: WebContext, back: String?,
        menu: PartnerMenu? = nil
    ) -> String {
        var values = values
        // The sign-in form brings its own signed token; every other form carries the session's.
        values["csrf"] = values["csrf"] ?? .text(context.session?.csrf ?? "")
        // Error messages read as sentences in the summary, whichever rule wrote them.
        if case .list(let errors)? = values["errors"] {
            values["errors"] = .list(
                errors.map { error in
                    var fields = error.fields
                    if case .text(let message)? = fields["message"] { fields["message"] = .text(sentence(message)) }
                    return .object(fields)
                })
        }
        let body = library.render(TemplateValue.object(values), withTemplate: template) ?? ""
        let frame = Layout(
            title: title, body: body, csrf: context.session?.csrf ?? "",
            user: context.user.map { _ in true }, staff: context.user != nil && menu == nil ? true : nil,
            partner: context.user == nil ? nil : menu?.links, name: context.user, back: back,
            unread: context.unread.flatMap(Self.badge))
        return library.render(frame, withTemplate: "layout") ?? ""
    }

    /// The header badge's text for `unread` notifications: nil when none, "99+" past `Commissioning.badgeLimit`.
    static func badge(_ unread: Int) -> String? {
        unread <= 0 ? nil : unread > Commissioning.badgeLimit ? "\(Commissioning.badgeLimit)+" : String(unread)
    }

    /// The frame around every page: the signed-in person's menu, the back link.
    /// Mustache reads its fields by name (`MustacheParent`): it reflects (`Mirror`) any other struct for every name a
    /// template looks up, which was a tenth of a register page's time.
    struct Layout: MustacheParent {
        let title: String
        let body: String
        let csrf: String
        let user: Bool?
        /// Signed in as the office's staff: the staff's links (register, finance, ...).
        let staff: Bool?
        /// Signed in as a partner: only their own links.
        let partner: [PartnerMenu.Link]?
        let name: String?
        let back: String?
        /// The signed-in person's unread notifications, for the header's badge (nil when none).
        let unread: String?

        func child(named key: String) -> Any? {
            switch key {
            case "title": title
            case "body": body
            case "csrf": csrf
            case "user": user
            case "staff": staff
            case "partner": partner
            case "name": name
            case "back": back
            case "unread": unread
            default: nil
            }
        }
    }

    /// The error page for a status, with a partner's header when `menu` is given.
    func error(
        _ status: HTTPResponse.Status, message: String, context: WebContext, menu: PartnerMenu?
    ) -> Response {
        let heading = Self.heading(for: status)
        return render(
            "error", title: heading, values: ["heading": .text(heading), "message": .text(message)],
            context: context, back: nil, status: status, menu: menu)
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
    func error(
        _ status: HTTPResponse.Status, message: String, context: WebContext, heading chosen: String? = nil
    ) -> Response {
        let heading = chosen ?? Self.heading(for: status)
        return render(
            "error", title: heading, values: ["heading": .text(heading), "message": .text(message)],
            context: context, back: nil, status: status)
    }

    /// The error page's heading for a status, unless the page names its own.
    static func heading(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 403: return "You cannot do this"
        case 404: return "Page not found"
        case 429: return "Too many attempts"
        case 503: return "The service is busy"
        default: return "Sorry, there is a problem"
        }
    }
}

/// The header of a person of no office (an applicant, an assessor from outside the office): only the pages they can
/// use, never the staff's register, finance or imports, which would only answer "You cannot do this".
struct PartnerMenu: Sendable, Equatable {
    struct Link: Sendable, Equatable { let href, text: String }
    let links: [Link]

    /// Nil for the office's staff (anyone holding a role that is not a partner's): they keep the staff's menu.
    init?(_ person: StoredPerson) {
        guard !person.grants.isEmpty, person.grants.allSatisfy({ $0.role.isPartnerRole }) else { return nil }
        var links: [Link] = []
        if person.grants.contains(where: { $0.role == .applicant }) {
            links.append(Link(href: "/applications", text: "Your applications"))
        }
        let rounds = person.grants.filter { $0.role == .assessor }.flatMap(\.scope)
        for round in Array(Set(rounds)).sorted() {
            links.append(Link(href: "/rounds/\(round)/assess", text: rounds.count == 1 ? "Assess" : "Assess \(round)"))
        }
        self.links = links
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

    /// The message of an error page: each refusal's message as the services wrote it (one may begin with a
    /// person's sign-in name, which is never capitalised).
    static func message(of error: any Error) -> String {
        messages(of: error).joined(separator: " ")
    }

    /// The messages to show in an error summary.
    static func messages(of error: any Error) -> [String] {
        if let refusal = error as? ServiceRefusal { return [refusal.message] }
        if let refused = error as? ActRefused { return refused.reasons.map(\.description) }
        return ["Something went wrong."]
    }
}

/// A label and its value, as the summary lists show them.
struct Fact: Encodable, Sendable {
    var label: String
    var value: String
}

/// A link of a sub-navigation (the finance pages', a list's filters), marked when it is the page shown.
struct NavLink: Encodable, Sendable {
    var href: String
    var label: String
    var current: Bool
}

/// One option of a select or a radio group.
struct Choice: Encodable, Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// A decision as the registers and the home page list it.
struct RegisterRow: Encodable, Sendable {
    var number: String
    var title: String
    var office: String
    var status: String
    var statusClass: String
    var decided: String
    var published: String
    var deadline: String
    var href: String
    var overdue: Bool
    /// "Delegated: Chief Executive, up to £50,000, noted 2026-12-04" when someone decided in the Commissioner's place.
    var delegated: String?

    init(_ row: DecisionRegisterRow, href: String, today: Day) {
        number = row.number ?? "(unnumbered)"
        title = row.title
        office = row.office
        status = statusLabel(row.status)
        statusClass = row.status
        decided = row.decidedOn?.iso ?? ""
        published = row.publishedOn?.iso ?? ""
        deadline = row.part1Deadline?.iso ?? ""
        self.href = href
        overdue = DecisionRules.isPart1Overdue(
            state: row.status, part1Deadline: row.part1Deadline, publishedOn: row.publishedOn, today: today)
        delegated = delegationLabel(row)
    }
}

/// "Delegated: Chief Executive, up to £50,000.00, noted 2026-12-04" when someone decided in the Commissioner's place
/// (the staff and the public registers both say it so).
func delegationLabel(_ row: DecisionRegisterRow) -> String? {
    row.delegatedTo.map { role in
        let who = Role(rawValue: role).map(DecisionNotice.roleLabel) ?? role
        let limit = row.delegationLimitPence.flatMap { Money(pence: $0) }.map { ", up to \($0.formatted)" } ?? ""
        return "Delegated: \(who)\(limit)" + (row.notedOn.map { ", noted \($0.iso)" } ?? "")
    }
}

/// A message with its first letter capitalised.
func sentence(_ text: String) -> String {
    text.prefix(1).uppercased() + text.dropFirst()
}

/// A workflow state as people read it: "publication-deferred" is "Publication deferred". States are ASCII names, done
/// on their bytes (Foundation's `replacingOccurrences` was a twentieth of a public register page); any other text the
/// long way, with the same result (`StatusLabelTests`).
func statusLabel(_ state: String) -> String {
    var bytes = Array(state.utf8)
    guard let first = bytes.first, bytes.allSatisfy({ $0 < 0x80 }) else { return statusLabelOfAnyText(state) }
    if first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") { bytes[0] = first - 0x20 }
    for index in bytes.indices.dropFirst() where bytes[index] == UInt8(ascii: "-") { bytes[index] = UInt8(ascii: " ") }
    return String(decoding: bytes, as: UTF8.self)
}

/// `statusLabel` of any text: the first character in capitals, each later hyphen a space.
func statusLabelOfAnyText(_ state: String) -> String {
    state.prefix(1).uppercased() + state.dropFirst().replacingOccurrences(of: "-", with: " ")
}
