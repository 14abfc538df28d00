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
    private(set) var problems: [[String: String]] = []

    init(_ form: Form, prefix: String) {
        self.form = form
        self.prefix = prefix
    }

    func field(_ name: String) -> String { "\(prefix)-\(name)" }

    mutating func problem(_ name: String, _ message: String) {
        problems.append(["field": field(name), "message": message])
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

extension Web {
    /// Runs one form's act: one service call, so one transaction. A refusal of a rule, or of a record the form names
    /// that does not exist, comes back to the page (`rerender`) with what was entered and an error summary whose
    /// links go to the field each message is about (`fields` maps a rule to its field id, `fallback` takes the
    /// rest), status 422; an act the person may not take is the 403 page, and one on a record that is not there for
    /// them (missing, or another office's) the 404 page, unless `fields` names the rule: then the record is one the
    /// form itself names (a decision number typed in), and the form says so.
    func formAct(
        fallback: String, fields: [String: String] = [:], context: WebContext,
        rerender: ([[String: String]]) throws -> Response, _ body: () throws -> Response
    ) throws -> Response {
        do {
            return try body()
        } catch let error where Refusal.status(of: error) != nil {
            let status = Refusal.status(of: error)
            let formNamesIt = Refusal.details(of: error).allSatisfy { fields[$0.rule] != nil }
            if let status, status == .forbidden || (status == .notFound && !formNamesIt) {
                return pages.error(
                    status, message: Refusal.messages(of: error).map(sentence).joined(separator: " "),
                    context: context)
            }
            return try rerender(
                Refusal.details(of: error).map { ["field": fields[$0.rule] ?? fallback, "message": $0.message] })
        }
    }

    /// The 403 page for a form posted by someone whose role may not use it (the service checks again).
    func notYours(_ what: String, context: WebContext) -> Response {
        pages.error(.forbidden, message: "Your role may not \(what).", context: context)
    }
}

/// Each field's error messages, keyed by the field id with `-` as `_` (the templates read `fe.budget_year`).
func fieldErrors(_ errors: [[String: String]]) -> [String: String] {
    var out: [String: String] = [:]
    for e in errors {
        guard let field = e["field"], let message = e["message"] else { continue }
        let key = field.replacingOccurrences(of: "-", with: "_")
        out[key] = [out[key], sentence(message)].compactMap { $0 }.joined(separator: " ")
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
