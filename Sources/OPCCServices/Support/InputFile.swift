import OPCCCore

extension StrictYAML {
    /// Decodes a file a person wrote (a fixture, an import, a split, a return), or refuses it under `rule` naming the
    /// file, the field and the problem: a syntax error with its line and column, an unknown key with its line.
    public static func decode<T: Decodable>(
        _ type: T.Type, from yaml: String, source: String, rule: ServiceRefusal.Rule
    ) throws -> T {
        do { return try decode(type, from: yaml, source: source) } catch {
            throw ServiceRefusal(rule: rule, message: error.description)
        }
    }
}
