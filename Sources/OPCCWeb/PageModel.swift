import Mustache

// Page models are `Encodable` structs, one per page (and per part of a page). The templates never see the structs:
// `TemplateValue(encoding:)` turns a model into the values Mustache reads, here and only here, so that every page
// follows the same three rules whatever its struct looks like:
// - an empty text is false in a section and true in an inverted one (`Blank`): Mustache itself treats "" as a value,
//   so `{{#paid}}…{{/paid}}` would show for an unpaid instalment;
// - a nil optional is not there at all: the template looks it up in the enclosing context, as for a missing key;
// - numbers are text, a `Bool` is a section's condition, an array is a section repeated, a struct or a dictionary
//   with text keys is an object whose fields the template names.

/// A page model as the templates read it.
enum TemplateValue: Sendable, Equatable {
    case text(String)
    case flag(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])
    /// An encoded nil: looked up as if it were not there.
    case absent

    /// The value of an `Encodable` model.
    init(encoding model: some Encodable) throws {
        let node = TemplateNode()
        try model.encode(to: TemplateEncoder(node: node))
        self = node.value
    }

    /// The fields of an object (empty for anything else).
    var fields: [String: TemplateValue] {
        if case .object(let fields) = self { return fields }
        return [:]
    }

    /// The value as Mustache takes it: a `Blank` for an empty text, the array itself for a list (so that sections
    /// repeat it and `first(…)` reads it), a `Bool` for a flag, nil for an absent value.
    var mustache: Any? {
        switch self {
        case .text(let text): return text.isEmpty ? Blank() : text
        case .flag(let flag): return flag
        case .list(let items): return items
        case .object: return self
        case .absent: return nil
        }
    }
}

extension TemplateValue: MustacheParent, MustacheCustomRenderable {
    func child(named name: String) -> Any? { fields[name]?.mustache }

    /// How an item of a list renders as `{{.}}`.
    var renderText: String {
        switch self {
        case .text(let text): return text
        case .flag(let flag): return String(flag)
        case .list, .object, .absent: return ""
        }
    }

    var isNull: Bool {
        switch self {
        case .text(let text): return text.isEmpty
        case .flag(let flag): return !flag
        case .absent: return true
        case .list, .object: return false
        }
    }
}

/// An empty text as the templates see it: it renders as nothing and, unlike an empty `String` (which Mustache
/// treats as a value, so `{{#paid}}…{{/paid}}` would show for an unpaid instalment), it is false in a section and
/// true in an inverted one.
struct Blank: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }
}

/// The value being encoded: a scalar, or the fields or items that nested encoders fill in.
private final class TemplateNode {
    var scalar: TemplateValue = .absent
    var fields: [String: TemplateNode]?
    var items: [TemplateNode]?

    var value: TemplateValue {
        if let fields { return .object(fields.mapValues(\.value)) }
        if let items { return .list(items.map(\.value)) }
        return scalar
    }

    /// The node becomes an object (keeping fields already encoded into it) and gets a field.
    func field(_ key: String) -> TemplateNode {
        let child = TemplateNode()
        fields = fields ?? [:]
        fields?[key] = child
        return child
    }

    func item() -> TemplateNode {
        let child = TemplateNode()
        items = items ?? []
        items?.append(child)
        return child
    }

    /// A value of any `Encodable` type into this node: text and flags directly, numbers as their text. (A number's
    /// own `encode(to:)` would come back here, so every numeric type is caught before it.)
    func put<T: Encodable>(_ value: T) throws {
        switch value {
        case let text as String: scalar = .text(text)
        case let flag as Bool: scalar = .flag(flag)
        case let number as Int: scalar = .text(String(number))
        case let number as any (Numeric & LosslessStringConvertible): scalar = .text(number.description)
        default: try value.encode(to: TemplateEncoder(node: self))
        }
    }
}

/// The coding path is not kept: no page model throws, and keeping it would cost an array per field.
private struct TemplateEncoder: Encoder {
    let node: TemplateNode
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.fields == nil { node.fields = [:] }
        return KeyedEncodingContainer(TemplateObject(node: node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.items == nil { node.items = [] }
        return TemplateList(node: node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        TemplateScalar(node: node)
    }
}

private struct TemplateObject<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: TemplateNode
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { node.field(key.stringValue).scalar = .absent }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try node.field(key.stringValue).put(value)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        TemplateEncoder(node: node.field(key.stringValue)).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TemplateEncoder(node: node.field(key.stringValue)).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { TemplateEncoder(node: node) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TemplateEncoder(node: node.field(key.stringValue))
    }
}

private struct TemplateList: UnkeyedEncodingContainer {
    let node: TemplateNode
    var codingPath: [any CodingKey] { [] }
    var count: Int { node.items?.count ?? 0 }

    mutating func encodeNil() throws { node.item().scalar = .absent }
    mutating func encode<T: Encodable>(_ value: T) throws { try node.item().put(value) }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        TemplateEncoder(node: node.item()).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        TemplateEncoder(node: node.item()).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { TemplateEncoder(node: node.item()) }
}

private struct TemplateScalar: SingleValueEncodingContainer {
    let node: TemplateNode
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { node.scalar = .absent }
    mutating func encode<T: Encodable>(_ value: T) throws { try node.put(value) }
}
