import Yams

/// An input file (YAML, or JSON, which YAML reads too) that cannot be used: text that is not YAML, named by line and
/// column; a key no type reading that mapping declares, named with its line; or a value of the wrong form, named by
/// its field. Every file the product reads goes through `StrictYAML`, so that a typo (`purpse:` for `purpose:`) is
/// refused instead of silently dropping what the person wrote.
public struct YAMLInputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is, for callers and tests that branch on it.
    public enum Kind: Hashable, Sendable {
        /// The text is not YAML: a bad indent, an unclosed bracket, a key given twice in one mapping.
        case syntax
        /// A key that the mapping's type does not declare (the key as written).
        case unknownKey(String)
        /// A value of the wrong form, or a required key missing (the decoder's own words).
        case invalidValue
    }

    public let kind: Kind
    /// The file the text came from, as the caller names it.
    public let source: String
    /// The 1-based line of the problem, where the parser knows it.
    public let line: Int?
    /// The 1-based column of a syntax error, where the parser knows it.
    public let column: Int?
    /// The dotted path of the key or value at fault (`recipients[1].purpse`); `(file)` for a syntax error.
    public let field: String
    /// What is wrong, with the line (and column) where the parser gives one, and what is allowed.
    public let problem: String

    public init(kind: Kind, source: String, line: Int?, column: Int?, field: String, problem: String) {
        self.kind = kind
        self.source = source
        self.line = line
        self.column = column
        self.field = field
        self.problem = problem
    }

    /// `people.yaml: cumbria[7].purpse: unknown key on line 12 (known keys: displayName, name, roles, scope)`, in
    /// the form of every other file error (file, field, problem).
    public var description: String { "\(source): \(field): \(problem)" }
}

/// The one reader of YAML input. It parses with Yams (whose nodes carry their line and column) and decodes through
/// a `Decoder` that notes, for every mapping, the coding-key types opened on it; a key that none of them declares is
/// refused with its line, before any value error, because a misspelt key is the likelier cause of a "missing" field.
/// Readers that walk the node tree themselves use `compose` and `refuseUnknownKeys` for the same checks.
public enum StrictYAML {
    /// Decodes `T` from the text, refusing a syntax error (line and column), an unknown key (line) and a bad value.
    public static func decode<T: Decodable>(
        _ type: T.Type, from yaml: String, source: String
    ) throws(YAMLInputError) -> T {
        // Only merge keys resolved, as Yams's own YAMLDecoder does: the target type, not a tag, decides a scalar's type.
        let root = try parse(yaml, source: source, resolver: Resolver.basic.appending(.merge)) ?? Node("")
        let ledger = KeyLedger()
        let decoded: Result<T, any Error>
        do {
            decoded = .success(try LedgerDecoder(node: root, ledger: ledger, codingPath: []).decode(T.self))
        } catch {
            decoded = .failure(error)
        }
        if let unknown = ledger.firstUnknownKey(source: source, complete: (try? decoded.get()) != nil) {
            throw unknown
        }
        switch decoded {
        case .success(let value): return value
        case .failure(let error as DecodingError):
            throw YAMLInputError(
                kind: .invalidValue, source: source, line: nil, column: nil, field: error.fieldPath,
                problem: error.plainReason)
        case .failure(let error):
            throw YAMLInputError(
                kind: .invalidValue, source: source, line: nil, column: nil, field: "(file)", problem: "\(error)")
        }
    }

    /// The node tree of the text (nil for an empty file), for readers that walk it themselves; a syntax error is
    /// refused naming its line and column.
    public static func compose(_ yaml: String, source: String) throws(YAMLInputError) -> Node? {
        try parse(yaml, source: source, resolver: .default)
    }

    /// Refuses the first key of `mapping` (in file order) that is not in `known`, naming it and its line. `path` is
    /// where the mapping sits (`extra[0]`), empty for the top of the file.
    public static func refuseUnknownKeys(
        in mapping: Node.Mapping, known: [String], at path: String, source: String
    ) throws(YAMLInputError) {
        for key in mapping.keys where !known.contains(key.string ?? "") {
            throw unknownKey(key, at: path, known: Set(known), complete: true, source: source)
        }
    }

    /// `known` is every key declared there when `complete`, else those the decode reached before it stopped.
    static func unknownKey(
        _ key: Node, at path: String, known: Set<String>, complete: Bool, source: String
    ) -> YAMLInputError {
        let name = key.string ?? "\(key)"
        let line = key.mark?.line
        return YAMLInputError(
            kind: .unknownKey(name), source: source, line: line, column: key.mark?.column,
            field: path.isEmpty ? name : "\(path).\(name)",
            problem: "unknown key" + (line.map { " on line \($0)" } ?? "") + " (known keys"
                + (complete ? ": " : " include: ") + known.sorted().joined(separator: ", ") + ")")
    }

    private static func parse(_ yaml: String, source: String, resolver: Resolver) throws(YAMLInputError) -> Node? {
        do {
            let parser = try Parser(yaml: yaml, resolver: resolver)
            return try parser.singleRoot()
        } catch let error as YamlError {
            throw syntaxError(error, in: yaml, source: source)
        } catch {
            throw YAMLInputError(
                kind: .syntax, source: source, line: nil, column: nil, field: "(file)",
                problem: "not valid YAML: \(error)")
        }
    }

    /// Yams's error as a line, a column and libyaml's own words, without the snippet Yams appends.
    private static func syntaxError(_ error: YamlError, in yaml: String, source: String) -> YAMLInputError {
        func at(_ mark: (line: Int, column: Int)?, _ problem: String) -> YAMLInputError {
            YAMLInputError(
                kind: .syntax, source: source, line: mark?.line, column: mark?.column, field: "(file)",
                problem: "not valid YAML" + (mark.map { " at line \($0.line), column \($0.column)" } ?? "") + ": "
                    + problem)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let started = context.map { " (\($0.text) that starts on line \($0.mark.line))" } ?? ""
            return at((mark.line, mark.column), problem + started)
        case .reader(let problem, let offset, _, _):
            return at(offset.map { mark(atUTF8Offset: $0, in: yaml) }, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return at(
                (context.mark.line, context.mark.column), "\(keys) given twice in one mapping; give each key once")
        default:
            return at(nil, "\(error)")
        }
    }

    /// Line and column (1-based, counted in Unicode scalars as libyaml counts) of a byte offset.
    private static func mark(atUTF8Offset offset: Int, in yaml: String) -> (line: Int, column: Int) {
        let before = String(decoding: yaml.utf8.prefix(offset), as: UTF8.self)
        let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.count, (lines.last?.unicodeScalars.count ?? 0) + 1)
    }
}
