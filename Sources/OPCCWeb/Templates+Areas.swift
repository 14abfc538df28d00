// The pilot-area (VLI) and priorities screens' templates.

extension Templates {
    static let areas: [String: String] = [:]
}
