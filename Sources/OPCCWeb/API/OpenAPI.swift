import Foundation
import OPCCCore
import Yams

/// A node of the OpenAPI document: an ordered YAML/JSON tree. The document, the request checks and the tests all
/// read the same nodes, so what the document says a body or a response is, is what the server checks.
indirect enum Node: Sendable, Equatable {
    case map([(String, Node)])
    case list([Node])
    case string(String)
    case int(Int64)
    case bool(Bool)

    static func == (a: Node, b: Node) -> Bool {
        switch (a, b) {
        case (.map(let x), .map(let y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case (.list(let x), .list(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        default: return false
        }
    }

    subscript(key: String) -> Node? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    var text: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The schema with every free-text string required to be non-blank (`minLength: 1`): in a request, text the
    /// product takes is never empty (a reason, a name, a title), so the document says so.
    var nonBlankStrings: Node {
        switch self {
        case .map(let pairs):
            let mapped = pairs.map { ($0.0, $0.1.nonBlankStrings) }
            let keys = Set(pairs.map(\.0))
            if self["type"] == .string("string"), keys.isDisjoint(with: ["enum", "format", "minLength", "pattern"]) {
                return .map(mapped + [("minLength", .int(1))])
            }
            return .map(mapped)
        case .list(let items): return .list(items.map(\.nonBlankStrings))
        default: return self
        }
    }

    /// The node as Yams writes it: block style, every string double-quoted so that YAML reads back exactly the
    /// text given (never a date, a number or a boolean by accident). A key is plain unless a YAML reader would
    /// take it for something other than text: a response code (`200`) is written `"200":`, as OpenAPI requires,
    /// so that a plain YAML loader (`yaml.safe_load`) reads it as the text "200", never as the number 200.
    var yams: Yams.Node {
        switch self {
        case .map(let pairs):
            return .mapping(.init(pairs.map { (Self.key($0.0), $0.1.yams) }))
        case .list(let items): return .sequence(.init(items.map(\.yams)))
        case .string(let s): return .scalar(.init(s, .init(.str), .doubleQuoted))
        case .int(let i): return .scalar(.init(String(i), .init(.int)))
        case .bool(let b): return .scalar(.init(b ? "true" : "false", .init(.bool)))
        }
    }

    /// A mapping key: plain where YAML reads it back as the same text, double-quoted otherwise.
    static func key(_ text: String) -> Yams.Node {
        let plain = Yams.Node.scalar(.init(text))
        guard Resolver.default.resolveTag(of: plain) != .str else { return plain }
        return .scalar(.init(text, .init(.str), .doubleQuoted))
    }

    /// The document as YAML text.
    func yaml() throws -> String { try Yams.serialize(node: yams, width: -1, allowUnicode: true, sortKeys: false) }
}

/// Schema builders (JSON Schema 2020-12, as OpenAPI 3.1 uses it).
enum S {
    static func string(_ description: String? = nil, format: String? = nil, example: String? = nil) -> Node {
        var pairs: [(String, Node)] = [("type", .string("string"))]
        if let format { pairs.append(("format", .string(format))) }
        if let description { pairs.append(("description", .string(description))) }
        if let example { pairs.append(("examples", .list([.string(example)]))) }
        return .map(pairs)
    }
    static func oneOf(_ values: [String], _ description: String? = nil) -> Node {
        var pairs: [(String, Node)] = [("type", .string("string")), ("enum", .list(values.map(Node.string)))]
        if let description { pairs.append(("description", .string(description))) }
        return .map(pairs)
    }
    static func integer(_ description: String? = nil, minimum: Int64? = nil, maximum: Int64? = nil) -> Node {
        var pairs: [(String, Node)] = [("type", .string("integer"))]
        if let minimum { pairs.append(("minimum", .int(minimum))) }
        if let maximum { pairs.append(("maximum", .int(maximum))) }
        if let description { pairs.append(("description", .string(description))) }
        return .map(pairs)
    }
    static func boolean(_ description: String? = nil) -> Node {
        var pairs: [(String, Node)] = [("type", .string("boolean"))]
        if let description { pairs.append(("description", .string(description))) }
        return .map(pairs)
    }
    static func array(_ items: Node, _ description: String? = nil) -> Node {
        var pairs: [(String, Node)] = [("type", .string("array")), ("items", items)]
        if let description { pairs.append(("description", .string(description))) }
        return .map(pairs)
    }
    static func ref(_ name: String) -> Node { .map([("$ref", .string("#/components/schemas/\(name)"))]) }
    static func responseRef(_ name: String) -> Node { .map([("$ref", .string("#/components/responses/\(name)"))]) }
    /// A page of a list.
    static func page(of item: Node) -> Node {
        object(
            [
                ("items", array(item)), ("total", integer("How many items the whole list holds.", minimum: 0)),
                ("limit", integer(minimum: 1)), ("offset", integer(minimum: 0)),
                (
                    "next",
                    string(
                        "The cursor of the page after this one, for the list's `cursor` parameter (lists that take "
                            + "one); absent on the last page.")
                ),
            ], required: ["items", "total", "limit", "offset"], description: "A page of a list.")
    }
    /// The schema with `forms` as `oneOf`: exactly one of them fits a valid value (each names its case in its
    /// description, which a refusal quotes).
    static func oneOfForms(_ schema: Node, _ forms: [Node]) -> Node {
        guard case .map(let pairs) = schema else { return schema }
        return .map(pairs + [("oneOf", .list(forms))])
    }
    /// One form of a `oneOf`: the fields it requires, and the schemas those fields have in it.
    static func form(_ description: String, _ properties: [(String, Node)] = [], required: [String] = []) -> Node {
        var pairs: [(String, Node)] = [("type", .string("object")), ("description", .string(description))]
        if !properties.isEmpty { pairs.append(("properties", .map(properties))) }
        if !required.isEmpty { pairs.append(("required", .list(required.map(Node.string)))) }
        return .map(pairs)
    }
    /// A free-form object (its fields are described in the text).
    static func anyObject(_ description: String) -> Node {
        .map([("type", .string("object")), ("description", .string(description))])
    }
    /// An object with these properties; `closed` refuses others (request bodies are closed: an unknown field is
    /// an error, never silently dropped).
    static func object(
        _ properties: [(String, Node)], required: [String] = [], closed: Bool = false, description: String? = nil,
        oneOf forms: [Node] = []
    ) -> Node {
        var pairs: [(String, Node)] = [("type", .string("object"))]
        if let description { pairs.append(("description", .string(description))) }
        pairs.append(("properties", .map(properties)))
        if !required.isEmpty { pairs.append(("required", .list(required.map(Node.string)))) }
        if closed { pairs.append(("additionalProperties", .bool(false))) }
        if !forms.isEmpty { pairs.append(("oneOf", .list(forms))) }
        return .map(pairs)
    }

    /// A string in the form `pattern` (as the server checks it: a request that does not fit is refused before any
    /// service is called, so the document says exactly what the server takes).
    static func text(_ description: String, pattern: String, example: String) -> Node {
        .map([
            ("type", .string("string")), ("pattern", .string(pattern)), ("description", .string(description)),
            ("examples", .list([.string(example)])),
        ])
    }

    // The product's own value types as they travel in JSON, each with the pattern of what its parser accepts.

    /// Whole pounds below £10,000,000,000 as `Money(parsing:)` reads them, plain (`25000`) or grouped in threes
    /// (`25,000`): at most ten digits.
    static let poundsPattern = "([0-9]{1,10}|[1-9][0-9]{0,2}(,[0-9]{3}){1,2}|[1-9](,[0-9]{3}){3})"
    /// The same, never zero.
    static let nonZeroPoundsPattern = "(0*[1-9][0-9]{0,9}|[1-9][0-9]{0,2}(,[0-9]{3}){1,2}|[1-9](,[0-9]{3}){3})"
    /// The ceiling itself, £10,000,000,000 (`Money.ceiling`): the largest amount the product takes.
    static let ceilingPoundsPattern = "(10000000000|10,000,000,000)"
    /// An amount up to the ceiling, pounds with or without two digits of pence.
    static let amountPattern = "(\(poundsPattern)(\\.[0-9]{2})?|\(ceilingPoundsPattern)(\\.00)?)"
    static let moneyPattern = "^£?\(amountPattern)$"
    static let positiveMoneyPattern =
        "^£?(\(nonZeroPoundsPattern)(\\.[0-9]{2})?|0+\\.(0[1-9]|[1-9][0-9])|\(ceilingPoundsPattern)(\\.00)?)$"
    static let money = text(
        "An amount in pounds as a person writes it: \"£25,000\", \"25000\" or \"25000.00\" (never negative; commas "
            + "only between groups of three digits; two digits of pence or none; at most £10,000,000,000.00).",
        pattern: moneyPattern, example: "£25,000.00")
    /// Money that must be more than nothing (an allocation, a virement, a write-off, a forecast underspend).
    static let positiveMoney = text(
        "An amount in pounds, more than £0.00 and at most £10,000,000,000.00, as a person writes it: \"£25,000\", "
            + "\"25000\" or \"25000.00\".",
        pattern: positiveMoneyPattern, example: "£25,000.00")
    /// A change of money: a reduction has "-" first.
    static let signedMoney = text(
        "A change in pounds, \"-\" first for a reduction: \"£2,500.00\" or \"-500.00\" (at most £10,000,000,000.00).",
        pattern: "^-?£?\(amountPattern)$", example: "-500.00")
    /// The largest amount in integer pence a request may give: `Money.ceiling`, £10,000,000,000.00.
    static let largestPence: Int64 = 1_000_000_000_000
    static let pence = integer("An amount in integer pence.")
    static let day = string("A calendar day (Europe/London), ISO 8601.", format: "date", example: "2016-11-21")
    /// A financial year as the API writes it, `YYYY/YY` with the second year the one after the first: every pair
    /// of last two digits is listed (`…/16/17|17/18…|99/00`), so a year like 2017/19 does not fit.
    static let yearPattern =
        "[0-9]{2}(" + (0...99).map { twoDigits($0) + "/" + twoDigits(($0 + 1) % 100) }.joined(separator: "|") + ")"
    private static func twoDigits(_ n: Int) -> String { (n < 10 ? "0" : "") + String(n) }
    /// Financial years starting from `first` through `last` (four-digit years), by century: `19(90/91|…)|20(…)`.
    static func yearPattern(from first: Int, through last: Int) -> String {
        let years = first...last
        let centuries = (first / 100)...(last / 100)
        return "("
            + centuries.map { century in
                let pairs = (0...99).filter { years.contains(century * 100 + $0) }
                return String(century) + "("
                    + pairs.map { twoDigits($0) + "/" + twoDigits(($0 + 1) % 100) }.joined(separator: "|") + ")"
            }.joined(separator: "|") + ")"
    }

    static let year = text(
        "A financial year, 1 April to 31 March, written 2016/17: the year it starts, a slash, and the last two "
            + "digits of the next year.",
        pattern: "^\(yearPattern)$", example: "2016/17")
    /// A quarter of a financial year: "2016/17 Q3".
    static let quarter = text(
        "A quarter of a financial year: the year, a space and Q1 to Q4 (Q1 is April to June).",
        pattern: "^\(yearPattern) Q[1-4]$", example: "2016/17 Q3")
    /// A percentage from 0% to 100%, at most two decimals.
    static let percentage = text(
        "A percentage from 0% to 100% with at most two decimals, e.g. 22.5%.",
        pattern: "^(100(\\.00?)?|[0-9]{1,2}(\\.[0-9]{1,2})?)%$", example: "22.5%")
    /// An org-id (org-id.guide): a two-letter country, a list code and the identifier on that list.
    static let orgID = text(
        "An org-id: country, list and identifier, e.g. GB-LAE-BAR (a local authority) or GB-CHC-1234567 (a charity).",
        pattern: "^[A-Z]{2}-[A-Za-z0-9]+-[A-Za-z0-9.-]+$", example: "GB-LAE-BAR")
    /// A name of a file in the product's folders: lower-case letters, digits and hyphens.
    static let fileName: Node = .map([
        ("type", .string("string")), ("pattern", .string("^[a-z0-9][a-z0-9-]{0,63}$")),
        ("description", .string("A name: lower-case letters, digits and hyphens.")),
    ])
}

/// A JSON value as a request carries it, read strictly (a number is never taken for a boolean, nor text for a
/// number).
enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    var int: Int64? { if case .int(let i) = self { return i } else { return nil } }
    var object: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
    var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
}

/// Checks JSON against a schema node, resolving `$ref` in the document's components. Returns every problem, each
/// with the field's path, e.g. `body.amount: expected text`.
struct SchemaChecker {
    let components: [String: Node]

    /// Whether `text` matches a JSON Schema `pattern` (unanchored, as JSON Schema reads it).
    static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return false }
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    func problems(_ value: JSONValue?, against schema: Node, at path: String) -> [String] {
        if let ref = schema["$ref"]?.text {
            let name = String(ref.split(separator: "/").last ?? "")
            guard let target = components[name] else { return ["\(path): unknown schema \(name)"] }
            return problems(value, against: target, at: path)
        }
        if case .list(let choices)? = schema["anyOf"] {
            let fits = choices.contains { problems(value, against: $0, at: path).isEmpty }
            return fits ? [] : ["\(path): matches none of the allowed forms"]
        }
        // `oneOf` beside the schema's own properties: the shared fields are checked once, and exactly one of the
        // forms (e.g. a harm score with factors, or one with a sum) must fit.
        var found: [String] = []
        if case .list(let choices)? = schema["oneOf"] {
            let fits = choices.filter { problems(value, against: $0, at: path).isEmpty }
            if fits.count != 1 {
                let forms = choices.compactMap { $0["description"]?.text }
                found.append(
                    "\(path): matches \(fits.count) of the \(choices.count) allowed forms"
                        + (forms.count == choices.count ? " (" + forms.joined(separator: "; ") + ")" : ""))
            }
        }
        guard schema["type"]?.text != nil else { return found }
        return found + typeProblems(value, against: schema, at: path)
    }

    /// The problems of `value` against a schema with a `type`.
    private func typeProblems(_ value: JSONValue?, against schema: Node, at path: String) -> [String] {
        guard let type = schema["type"]?.text else { return [] }
        guard let value, value != .null else { return ["\(path): is missing or null"] }
        switch (type, value) {
        case ("string", .string(let s)):
            return stringProblems(s, against: schema, at: path)
        case ("string", _): return ["\(path): expected text"]
        case ("integer", .int(let n)):
            if case .int(let minimum)? = schema["minimum"], n < minimum {
                return ["\(path): must be at least \(minimum)"]
            }
            if case .int(let maximum)? = schema["maximum"], n > maximum {
                return ["\(path): must be at most \(maximum)"]
            }
            return []
        case ("integer", _): return ["\(path): expected a whole number"]
        case ("number", .int), ("number", .double): return []
        case ("number", _): return ["\(path): expected a number"]
        case ("boolean", .bool): return []
        case ("boolean", _): return ["\(path): expected true or false"]
        case ("array", .array(let items)):
            if case .int(let fewest)? = schema["minItems"], items.count < fewest {
                return ["\(path): needs at least \(fewest) item\(fewest == 1 ? "" : "s")"]
            }
            if case .int(let most)? = schema["maxItems"], items.count > most {
                return ["\(path): has more than \(most) item\(most == 1 ? "" : "s")"]
            }
            guard let itemSchema = schema["items"] else { return [] }
            return items.enumerated().flatMap { problems($0.element, against: itemSchema, at: "\(path)[\($0.offset)]") }
        case ("array", _): return ["\(path): expected a list"]
        case ("object", .object(let object)):
            return objectProblems(object, against: schema, at: path)
        case ("object", _): return ["\(path): expected an object"]
        default: return []
        }
    }

    /// The problems of a text against a string schema: its enum, pattern, date format and length.
    private func stringProblems(_ s: String, against schema: Node, at path: String) -> [String] {
        if case .list(let allowed)? = schema["enum"], !allowed.contains(.string(s)) {
            let names = allowed.compactMap(\.text).joined(separator: ", ")
            return ["\(path): '\(s)' is not one of \(names)"]
        }
        if let pattern = schema["pattern"]?.text, !Self.matches(s, pattern) {
            // The field's description says in words what the pattern says in a regular expression.
            let form = schema["description"]?.text ?? "the form \(pattern)"
            return ["\(path): '\(s)' does not fit: \(form)"]
        }
        // A day is checked wherever it is, even where the operation would not read it (an instalment's day
        // when its condition is not on-date): a malformed day is never silently dropped.
        if schema["format"]?.text == "date" {
            do { _ = try Day(iso: s) } catch { return ["\(path): \(error)"] }
        }
        if case .int(let shortest)? = schema["minLength"], s.count < shortest {
            return ["\(path): must not be empty"]
        }
        if case .int(let longest)? = schema["maxLength"], s.count > longest {
            return ["\(path): is longer than \(longest) characters"]
        }
        return []
    }

    /// The problems of an object against an object schema: its size, required fields, and each field against its
    /// property's schema (or the additional properties').
    private func objectProblems(_ object: [String: JSONValue], against schema: Node, at path: String) -> [String] {
        var found: [String] = []
        if case .int(let fewest)? = schema["minProperties"], object.count < fewest {
            found.append("\(path): needs at least \(fewest) entr\(fewest == 1 ? "y" : "ies")")
        }
        if case .list(let required)? = schema["required"] {
            for name in required.compactMap(\.text) where object[name] == nil || object[name] == .null {
                found.append("\(path).\(name): is required")
            }
        }
        guard case .map(let properties)? = schema["properties"] else {
            guard let valueSchema = schema["additionalProperties"], case .map = valueSchema else { return found }
            for (name, item) in object.sorted(by: { $0.key < $1.key }) {
                found += problems(item, against: valueSchema, at: "\(path).\(name)")
            }
            return found
        }
        let known = Dictionary(properties, uniquingKeysWith: { a, _ in a })
        for (name, item) in object.sorted(by: { $0.key < $1.key }) {
            if let propertySchema = known[name] {
                if item == .null {
                    found.append("\(path).\(name): is null: leave the field out instead")
                    continue
                }
                found += problems(item, against: propertySchema, at: "\(path).\(name)")
            } else if schema["additionalProperties"] == .bool(false) {
                found.append("\(path).\(name): is not a field of this request")
            } else if let valueSchema = schema["additionalProperties"], valueSchema != .bool(true) {
                found += problems(item, against: valueSchema, at: "\(path).\(name)")
            }
        }
        return found
    }
}
