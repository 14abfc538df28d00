import Yams

/// For each mapping a decode opened, the coding-key types opened on it and the keys asked for, so that a key no type
/// declares can be refused after the decode. A type may open one mapping with several key types (a fixture that
/// decodes its file's fields and then its own); a key is known when any of them declares it. A dictionary's key type
/// declares every key, so a dictionary's entries are never unknown.
final class KeyLedger {
    private struct Entry {
        var mapping: Node.Mapping
        var keyTypes: [any CodingKey.Type] = []
        var asked: Set<String> = []
    }

    private var entries: [String: Entry] = [:]

    func opened(_ mapping: Node.Mapping, at path: [any CodingKey], keyedBy type: any CodingKey.Type) {
        entries[path.dotted, default: Entry(mapping: mapping)].keyTypes.append(type)
    }

    func asked(_ key: any CodingKey, at path: [any CodingKey]) {
        entries[path.dotted]?.asked.insert(key.stringValue)
    }

    /// The unknown key that comes first in the file, if any. Its known keys are those asked for and those present
    /// that a key type declares: after a whole decode (`complete`), every key the types declare; after a decode that
    /// stopped at an error, perhaps not all, and the message says so.
    func firstUnknownKey(source: String, complete: Bool) -> YAMLInputError? {
        var first: (key: Node, path: String, known: Set<String>)?
        for (path, entry) in entries {
            func declared(_ name: String) -> Bool { entry.keyTypes.contains { $0.init(stringValue: name) != nil } }
            let present = entry.mapping.keys.compactMap(\.string)
            let known = entry.asked.union(present.filter(declared))
            for key in entry.mapping.keys where !declared(key.string ?? "") {
                if let earlier = first?.key.mark, let mark = key.mark,
                    (earlier.line, earlier.column) <= (mark.line, mark.column)
                {
                    break
                }
                first = (key, path, known)
                break
            }
        }
        return first.map {
            StrictYAML.unknownKey($0.key, at: $0.path, known: $0.known, complete: complete, source: source)
        }
    }
}

extension Array where Element == any CodingKey {
    /// `recipients[1].factors`, as `DecodingError.fieldPath` writes it; empty at the top of the file.
    var dotted: String {
        reduce("") { acc, key in
            if let i = key.intValue { return acc + "[\(i)]" }
            return acc.isEmpty ? key.stringValue : acc + "." + key.stringValue
        }
    }
}

/// A `Decoder` over a Yams node that records in a `KeyLedger` what it opens. Scalars are read by Yams's own
/// `ScalarConstructible` conformances, so values decode exactly as with `YAMLDecoder`.
struct LedgerDecoder: Decoder, SingleValueDecodingContainer {
    let node: Node
    let ledger: KeyLedger
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let mapping) = node else { throw mismatch(Node.Mapping.self) }
        ledger.opened(mapping, at: codingPath, keyedBy: type)
        return KeyedDecodingContainer(LedgerKeyedContainer<Key>(decoder: self, mapping: mapping))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let sequence) = node else { throw mismatch(Node.Sequence.self) }
        return LedgerUnkeyedContainer(decoder: self, sequence: sequence)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func child(_ node: Node, _ key: any CodingKey) -> LedgerDecoder {
        LedgerDecoder(node: node, ledger: ledger, codingPath: codingPath + [key])
    }

    func mismatch(_ expected: Any.Type) -> DecodingError {
        .typeMismatch(
            expected,
            .init(
                codingPath: codingPath, debugDescription: "Expected to decode \(expected) but found \(found) instead."))
    }

    private var found: String {
        switch node {
        case .scalar(let scalar): return "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func decodeNil() -> Bool { node.null != nil }

    func decode<T: Decodable & ScalarConstructible>(_ type: T.Type) throws -> T { try construct(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let constructible = type as? any ScalarConstructible.Type {
            guard case .scalar(let scalar) = node, let value = constructible.construct(from: scalar) as? T else {
                throw mismatch(type)
            }
            return value
        }
        return try T(from: self)
    }

    private func construct<T: ScalarConstructible>(_ type: T.Type) throws -> T {
        guard case .scalar(let scalar) = node, let value = type.construct(from: scalar) else { throw mismatch(type) }
        return value
    }
}

private struct LedgerKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: LedgerDecoder
    let mapping: Node.Mapping

    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { mapping.keys.compactMap { $0.string.flatMap(Key.init(stringValue:)) } }

    func contains(_ key: Key) -> Bool {
        decoder.ledger.asked(key, at: codingPath)
        return mapping[key.stringValue] != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).decodeNil() }

    func decode<T: Decodable & ScalarConstructible>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key).decode(type)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decode(type) }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { try child(SuperKey()) }

    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }

    private func child(_ key: any CodingKey) throws -> LedgerDecoder {
        decoder.ledger.asked(key, at: codingPath)
        guard let node = mapping[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "No value for key \"\(key.stringValue)\"."))
        }
        return decoder.child(node, key)
    }

    private struct SuperKey: CodingKey {
        var stringValue: String { "super" }
        var intValue: Int? { nil }
        init() {}
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }
}

private struct LedgerUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: LedgerDecoder
    let sequence: Node.Sequence
    var currentIndex = 0

    init(decoder: LedgerDecoder, sequence: Node.Sequence) {
        self.decoder = decoder
        self.sequence = sequence
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { sequence.count }
    var isAtEnd: Bool { currentIndex >= sequence.count }

    mutating func decodeNil() throws -> Bool {
        let isNil = try current().decodeNil()
        if isNil { currentIndex += 1 }
        return isNil
    }

    mutating func decode<T: Decodable & ScalarConstructible>(_ type: T.Type) throws -> T {
        let value = try current().decode(type)
        currentIndex += 1
        return value
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try current().decode(type)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let container = try current().container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try current().unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = try current()
        currentIndex += 1
        return decoder
    }

    private func current() throws -> LedgerDecoder {
        let key = IndexKey(intValue: currentIndex)
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self, .init(codingPath: codingPath + [key], debugDescription: "The list has no more items."))
        }
        return decoder.child(sequence[currentIndex], key)
    }

    private struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
