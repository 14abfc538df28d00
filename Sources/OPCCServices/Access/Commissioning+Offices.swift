import OPCCCore
import OPCCStore

/// The offices the database holds, for the front ends' lists (`opcc office list`), read without reaching the store.
extension Commissioning {
    /// Every registered office, as stored (its profile's text with its SHA-256).
    public func offices() async throws -> [StoredOffice] {
        try await store.read { try $0.offices() }
    }
}
