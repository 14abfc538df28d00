import Foundation
import OPCCCore
import OPCCStore

/// Who reaches which document: the checks the document use cases share.
extension Commissioning {
    enum DocumentAccess {
        /// A person of the record's office (not a project board member), and whether they read Part 2.
        case staff(readsPart2: Bool)
        /// The public, another office, a project board.
        case outside
    }

    func documentAccess(
        record: DecisionRecord, by actorName: String?, in tx: any StoreTransaction
    ) throws
        -> DocumentAccess
    {
        guard let actorName else { return .outside }
        let person = try actor(named: actorName, in: tx)
        let roles = person.actor.roles(covering: record.id)
        guard person.office == record.office, !roles.subtracting([.public, .projectBoardMember]).isEmpty else {
            return .outside
        }
        let readers = try profile(of: record.office, in: tx).part2Readers
        return .staff(readsPart2: readers.contains(where: roles.contains))
    }

    /// The record, its instance and the role by which `actorName` attaches or withdraws its documents.
    func documentRecord(
        _ reference: String, office: String?, by actorName: String, in tx: any StoreTransaction
    ) throws -> (DecisionRecord, WorkflowInstance, Role) {
        let id = try decisionID(reference, office: office, in: tx)
        let person = try actor(named: actorName, in: tx)
        // Another office's record is not there for this person: the answer is a missing record's.
        guard let record = try tx.decision(id: id), let instance = try tx.instance(id: id),
            person.office == record.office
        else { throw noDecision(reference, office: office) }
        let roles = person.actor.roles(covering: id)
        guard let role = Self.documentAttachers.first(where: roles.contains) else {
            throw ServiceRefusal.forbidden(
                rule: .documentAttachers,
                message: "documents are attached and withdrawn by "
                    + Self.documentAttachers.map(\.rawValue).joined(separator: ", ") + " of \(record.office)")
        }
        return (record, instance, role)
    }

    /// A document of the person's office (another office's is answered as unknown).
    func ownDocument(_ id: String, by actorName: String, in tx: any StoreTransaction) throws -> StoredDocument {
        let person = try actor(named: actorName, in: tx)
        guard let document = try tx.document(id: id), document.office == person.office else {
            throw ServiceRefusal.notFound(rule: .knownDocument, message: "no document '\(id)' in \(person.office)")
        }
        return document
    }

    /// The document if `actorName` may read it now; with `audited`, a Part 2 read is recorded as an audit event.
    func documentForReading(
        _ id: String, by actorName: String?, day: Day?, audited: Bool, in tx: any StoreTransaction
    ) throws -> StoredDocument {
        let unknown = ServiceRefusal.notFound(rule: .knownDocument, message: "no document '\(id)'")
        guard let document = try tx.document(id: id), let record = try tx.decision(id: document.recordID),
            let instance = try tx.instance(id: record.id)
        else { throw unknown }
        guard !document.purged else { throw unknown }
        switch try documentAccess(record: record, by: actorName, in: tx) {
        case .outside:
            // Outside the office a Part 2 document, a replaced or withdrawn one, or one of an unpublished record
            // does not exist.
            guard document.part == .part1, document.isCurrent, instance.state == "published" else { throw unknown }
            return document
        case .staff(let readsPart2):
            guard document.part == .part2 else { return document }
            guard readsPart2, let actorName else {
                throw ServiceRefusal.forbidden(
                    rule: .documentPart2Readers,
                    message: "Part 2 documents may be read only by the roles that read Part 2 in \(record.office)")
            }
            guard audited else { return document }
            let person = try actor(named: actorName, in: tx)
            let readers = try profile(of: record.office, in: tx).part2Readers
            let role = readers.first(where: person.actor.roles(covering: record.id).contains)
            try tx.append(
                AuditEventDraft(
                    office: record.office, instanceID: instance.id, workflow: instance.workflow,
                    workflowVersion: instance.workflowVersion, event: "document-read", fromState: instance.state,
                    toState: instance.state, actor: actorName, role: role?.rawValue,
                    effectiveDay: day ?? clock.today(), recordedAt: clock.timestamp(),
                    payload: ["record": record.number ?? record.id, "document": id]))
            return document
        }
    }
}
