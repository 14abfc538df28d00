/// Refuses field names a data file does not define, so that a typo (`guard:` for `guards:`,
/// `deferralNeedsUntilDat:`) is reported instead of silently switching a rule off.
enum UnknownFields {
    /// Checks the keys of `node` when it is a mapping; `at` is the dotted path of the mapping, for messages.
    static func check<E: Error>(
        _ node: Any?, allowed: Set<String>, at path: String, error: (String, String) -> E
    ) throws(E) {
        guard let mapping = node as? [String: Any] else { return }
        if let unknown = mapping.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw error(path.isEmpty ? unknown : "\(path).\(unknown)", allowed.sorted().joined(separator: ", "))
        }
    }
}
