import Foundation
import OPCCCore
import OPCCStore

extension Commissioning {
    /// What a person may do with a decision record's documents now, so that a front end offers only the forms the
    /// acts would take (`attachDocument` and `withdrawDocument` check again when they are used).
    public struct DocumentPermissions: Hashable, Sendable {
        /// Attach a document, or withdraw one: the office's officers, chief executive and Commissioner.
        public var attach: Bool
        /// Purge a withdrawn document's bytes: an attacher who is also one of the office's Part 2 readers.
        public var purge: Bool

        public init(attach: Bool, purge: Bool) {
            self.attach = attach
            self.purge = purge
        }
    }

    /// The permissions of `actorName` on `reference`'s documents (none for another office's record, or for a role
    /// that does not attach), by the same checks as the acts.
    public func documentPermissions(of reference: String, by actorName: String) async throws -> DocumentPermissions {
        try await documentPermissions(of: .decision(reference), by: actorName)
    }

    /// The permissions of `actorName` on the documents of the record `ref` names, by the same checks as the acts.
    public func documentPermissions(
        of ref: DocumentRecordRef, by actorName: String
    ) async throws
        -> DocumentPermissions
    {
        try await store.read { tx in
            let holder: DocumentHolder
            do {
                (holder, _) = try documentRecord(ref, by: actorName, in: tx)
            } catch is ServiceRefusal {
                return DocumentPermissions(attach: false, purge: false)
            }
            let readers = try profile(of: holder.office, in: tx).part2Readers
            let roles = try actor(named: actorName, in: tx).actor.roles(covering: holder.scope)
            return DocumentPermissions(attach: true, purge: readers.contains(where: roles.contains))
        }
    }
}
