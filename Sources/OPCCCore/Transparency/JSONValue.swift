/// A JSON value written by hand, so that a publication's bytes are the same on every run: object keys sorted, money
/// written exactly from pence (never through binary floating point), two-space indentation.
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case string(String)
    case integer(Int64)
    /// An amount of pence written as a number of pounds: `5000000` → `50000`, `1250` → `12.50`.
    case pounds(pence: Int64)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A string, or null when nil.
    public static func string(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// The value as JSON text; `pretty` puts each member on its own line, indented by two spaces.
    public func rendered(pretty: Bool = true) -> String {
        rendered(indent: 0, pretty: pretty)
    }

    /// The value as it renders nested `indent` levels deep (its later lines indented to match), for writing a
    /// long array one item at a time.
    public func rendered(indent: Int, pretty: Bool = true) -> String {
        var out = ""
        write(to: &out, pretty: pretty, indent: indent)
        return out
    }

    /// The pounds of `pence` as a JSON number: whole pounds without decimals, otherwise exactly two (`12.50`).
    public static func poundsText(pence: Int64) -> String {
        let sign = pence < 0 ? "-" : ""
        let magnitude = pence.magnitude
        let pounds = magnitude / 100
        let pennies = magnitude % 100
        if pennies == 0 { return sign + String(pounds) }
        return sign + String(pounds) + "." + (pennies < 10 ? "0" : "") + String(pennies)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; everything else as UTF-8.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private func write(to out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .string(let s): out += Self.quoted(s)
        case .integer(let n): out += String(n)
        case .pounds(let pence): out += Self.poundsText(pence: pence)
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                Self.newline(&out, pretty: pretty, indent: indent + 1)
                item.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            Self.newline(&out, pretty: pretty, indent: indent)
            out += "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{"
            // Keys in code-point order, the order Python's sort_keys and most tools use.
            for (i, key) in members.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) })
                .enumerated()
            {
                if i > 0 { out += "," }
                Self.newline(&out, pretty: pretty, indent: indent + 1)
                out += Self.quoted(key) + (pretty ? ": " : ":")
                members[key]!.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            Self.newline(&out, pretty: pretty, indent: indent)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, pretty: Bool, indent: Int) {
        guard pretty else { return }
        out += "\n" + String(repeating: "  ", count: indent)
    }
}
