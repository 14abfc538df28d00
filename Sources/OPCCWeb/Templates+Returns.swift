// The quarterly return screens' templates.

extension Templates {
    static let returns: [String: String] = [:]
}
