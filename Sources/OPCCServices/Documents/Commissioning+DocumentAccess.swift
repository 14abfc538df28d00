import Foundation
import OPCCCore
import OPCCStore

/// Which record a document belongs to, and who reaches it: the checks the document use cases share.
extension Commissioning {
    /// A record documents attach to, as people name it: a decision record by its number or id (with the office when
    /// a number is ambiguous), a grant agreement, quarterly return or carry-forward request by its id.
    public struct DocumentRecordRef: Hashable, Sendable {
        public var kind: DocumentRecordKind
        public var reference: String
        public var office: String?

        public init(_ kind: DocumentRecordKind, _ reference: String, office: String? = nil) {
            self.kind = kind
            self.reference = reference
            self.office = office
        }

        public static func decision(_ reference: String, office: String? = nil) -> Self {
            Self(.decision, reference, office: office)
        }
    }

    /// A record as the document use cases see it: its workflow instance carries the documents' events.
    struct DocumentHolder {
        let kind: DocumentRecordKind
        let id: String
        /// How events and messages name it: a decision record's number, else its id.
        let label: String
        let office: String
        /// Nil for a grant application, which keeps its state in its own row: its documents' events are the
        /// round's, with no instance.
        let instance: WorkflowInstance?
        /// What role scopes name for it: the record itself, a return's grant agreement, an application's org-id.
        let scope: String

        /// Whether its Part 1 documents are public: a published decision record's only.
        var published: Bool { kind.publishes && instance?.state == "published" }
    }

    enum DocumentAccess: Equatable {
        /// A person of a decision record's office (not a project board member), and whether they read Part 2.
        case staff(readsPart2: Bool)
        /// One of the readers of a staff-only record (an agreement, a return, a carry-forward): every document of it,
        /// read as the record itself is read, without an audit event.
        case reader
        /// The public, another office, a project board (of another grant, for a return).
        case outside
    }

    /// The record of `kind` with this id, or nil when there is none.
    func documentHolder(_ kind: DocumentRecordKind, id: String, in tx: any StoreTransaction) throws -> DocumentHolder? {
        if kind == .application {
            return try tx.application(id: id).map {
                DocumentHolder(
                    kind: kind, id: id, label: id, office: $0.office, instance: nil, scope: $0.organisation.orgID)
            }
        }
        guard let instance = try tx.instance(id: id) else { return nil }
        let found: (label: String, office: String, scope: String)?
        switch kind {
        case .decision: found = try tx.decision(id: id).map { ($0.number ?? id, $0.office, id) }
        case .agreement: found = try tx.agreement(id: id).map { (id, $0.office, id) }
        case .quarterlyReturn: found = try tx.returnRecord(id: id).map { (id, $0.office, $0.agreementID) }
        case .carryForward: found = try tx.carryForward(id: id).map { (id, $0.office, id) }
        case .application: found = nil
        }
        return found.map {
            DocumentHolder(kind: kind, id: id, label: $0.label, office: $0.office, instance: instance, scope: $0.scope)
        }
    }

    /// The record `ref` names, or the refusal for a missing one. A decision record is found as `decisionID` finds it
    /// (the office resolves a number); another record's id is of the office given, if one is.
    func documentHolder(_ ref: DocumentRecordRef, in tx: any StoreTransaction) throws -> DocumentHolder {
        let decision = ref.kind == .decision
        let id = decision ? try decisionID(ref.reference, office: ref.office, in: tx) : ref.reference
        guard let holder = try documentHolder(ref.kind, id: id, in: tx),
            decision || ref.office.map({ $0 == holder.office }) ?? true
        else { throw unknownRecord(ref) }
        return holder
    }

    /// The refusal for a record that is not there for the reader: missing, or one they may not see.
    func unknownRecord(_ ref: DocumentRecordRef) -> ServiceRefusal {
        switch ref.kind {
        case .decision: noDecision(ref.reference, office: ref.office)
        case .agreement: .notFound(rule: .knownAgreement, message: "no agreement '\(ref.reference)'")
        case .quarterlyReturn: .notFound(rule: .knownReturn, message: "no quarterly return '\(ref.reference)'")
        case .carryForward: .notFound(rule: .knownCarryForward, message: "no carry-forward '\(ref.reference)'")
        case .application: Self.unknownApplication(ref.reference)
        }
    }

    func documentAccess(
        _ holder: DocumentHolder, by actorName: String?, in tx: any StoreTransaction
    ) throws -> DocumentAccess {
        guard let actorName else { return .outside }
        let person = try actor(named: actorName, in: tx)
        if holder.kind == .application {
            return try readsApplicationDocuments(holder, person, in: tx) ? .reader : .outside
        }
        let roles = person.actor.roles(covering: holder.scope)
        guard person.office == holder.office else { return .outside }
        guard holder.kind.publishes else {
            return holder.kind.readers.contains(where: roles.contains) ? .reader : .outside
        }
        guard !roles.subtracting([.public, .projectBoardMember]).isEmpty else { return .outside }
        let readers = try profile(of: holder.office, in: tx).part2Readers
        return .staff(readsPart2: readers.contains(where: roles.contains))
    }

    /// The record and the role by which `actorName` attaches or withdraws its documents. Another office's record,
    /// or a staff-only one the person may not read, is answered as a missing one.
    func documentRecord(
        _ ref: DocumentRecordRef, by actorName: String, in tx: any StoreTransaction
    ) throws -> (DocumentHolder, Role) {
        let holder = try documentHolder(ref, in: tx)
        let person = try actor(named: actorName, in: tx)
        if holder.kind == .application { return (holder, try applicationDocumentAttacher(holder, person, in: tx)) }
        guard person.office == holder.office else { throw unknownRecord(ref) }
        if !holder.kind.publishes, try documentAccess(holder, by: actorName, in: tx) == .outside {
            throw unknownRecord(ref)
        }
        let roles = person.actor.roles(covering: holder.scope)
        let attachers = holder.kind.attachers
        guard let role = attachers.first(where: roles.contains) else {
            throw ServiceRefusal.forbidden(
                rule: .documentAttachers,
                message: "a \(holder.kind.label)'s documents are attached and withdrawn by "
                    + attachers.map(\.rawValue).joined(separator: ", ") + " of \(holder.office)")
        }
        return (holder, role)
    }

    /// A document of the person's office (another office's is answered as unknown).
    func ownDocument(_ id: String, by actorName: String, in tx: any StoreTransaction) throws -> StoredDocument {
        let person = try actor(named: actorName, in: tx)
        if let document = try tx.document(id: id), document.recordKind == .application,
            let holder = try documentHolder(.application, id: document.recordID, in: tx),
            try readsApplicationDocuments(holder, person, in: tx)
        {
            return document
        }
        guard let document = try tx.document(id: id), document.office == person.office,
            document.recordKind != .application
        else {
            throw ServiceRefusal.notFound(rule: .knownDocument, message: "no document '\(id)' in \(person.office)")
        }
        return document
    }

    /// The document if `actorName` may read it now; with `audited`, a Part 2 read is recorded as an audit event.
    func documentForReading(
        _ id: String, by actorName: String?, day: Day?, audited: Bool, in tx: any StoreTransaction
    ) throws -> StoredDocument {
        let unknown = ServiceRefusal.notFound(rule: .knownDocument, message: "no document '\(id)'")
        guard let document = try tx.document(id: id), !document.purged,
            let holder = try documentHolder(document.recordKind, id: document.recordID, in: tx)
        else { throw unknown }
        switch try documentAccess(holder, by: actorName, in: tx) {
        case .outside:
            // Outside the office a Part 2 document, a replaced or withdrawn one, or one of an unpublished record
            // does not exist.
            guard document.part == .part1, document.isCurrent, holder.published else { throw unknown }
            return document
        case .reader: return document
        case .staff(let readsPart2):
            guard document.part == .part2 else { return document }
            guard readsPart2, let actorName else {
                throw ServiceRefusal.forbidden(
                    rule: .documentPart2Readers,
                    message: "Part 2 documents may be read only by the roles that read Part 2 in \(holder.office)")
            }
            guard audited else { return document }
            let person = try actor(named: actorName, in: tx)
            let readers = try profile(of: holder.office, in: tx).part2Readers
            let role = readers.first(where: person.actor.roles(covering: holder.scope).contains)
            try tx.append(
                documentEvent(
                    "document-read", on: holder, by: actorName, role: role, day: day,
                    payload: ["record": holder.label, "document": id]))
            return document
        }
    }

    /// An event on the record's instance (state unchanged), sealing the document when `sealing` names it. An
    /// application's has no instance: its event names the application in its payload, as the round's events do.
    func documentEvent(
        _ event: String, on holder: DocumentHolder, by actorName: String, role: Role?, day: Day?,
        payload: [String: String], sealing documentID: String? = nil
    ) -> AuditEventDraft {
        let instance = holder.instance
        var payload = payload
        if holder.kind == .application { payload["application"] = holder.id }
        return AuditEventDraft(
            office: holder.office, instanceID: instance?.id, workflow: instance?.workflow,
            workflowVersion: instance?.workflowVersion, event: event, fromState: instance?.state,
            toState: instance?.state, actor: actorName, role: role?.rawValue, effectiveDay: day ?? clock.today(),
            recordedAt: clock.timestamp(), payload: payload, sealSubject: documentID.map { .document($0) })
    }

    // MARK: - A grant application's documents

    /// Whether `person` reads an application's documents: an applicant of its own organisation, an officer of the
    /// round's office, or an assessor of its round who has declared no conflict of interest on it (a conflicted
    /// assessor, or one who has not declared yet, reads none). Never the public, another organisation, or the
    /// office's other staff.
    func readsApplicationDocuments(
        _ holder: DocumentHolder, _ person: StoredPerson, in tx: any StoreTransaction
    ) throws -> Bool {
        guard let application = try tx.application(id: holder.id) else { return false }
        if person.grants.contains(where: { $0.role == .applicant && $0.covers(record: application.organisation.orgID) })
        {
            return true
        }
        if person.office == application.office, person.actor.roles(covering: nil).contains(.officer) { return true }
        guard Self.isAssessor(person, of: application.roundID), try Self.maySee(application, person, in: tx) else {
            return false
        }
        return try tx.conflicts(round: application.roundID).contains {
            $0.applicationID == application.id && $0.assessor == person.name && !$0.conflicted
        }
    }

    /// The role in which `person` attaches or withdraws an application's documents: an applicant of its own
    /// organisation, while the application is a draft (what was submitted is what was assessed). A reader who may
    /// not attach is refused by `document-attachers`; anyone else finds no application.
    func applicationDocumentAttacher(
        _ holder: DocumentHolder, _ person: StoredPerson, in tx: any StoreTransaction
    ) throws -> Role {
        guard let application = try tx.application(id: holder.id),
            try readsApplicationDocuments(holder, person, in: tx)
        else { throw Self.unknownApplication(holder.id) }
        guard
            person.grants.contains(where: {
                $0.role == .applicant && $0.covers(record: application.organisation.orgID)
            })
        else {
            throw ServiceRefusal.forbidden(
                rule: .documentAttachers,
                message: "an application's documents are attached and withdrawn by its organisation's applicants")
        }
        guard application.state == .draft else {
            throw ServiceRefusal(
                rule: .applicationEditedInDraft,
                message: "\(application.id) is \(application.state.rawValue): documents are attached and withdrawn "
                    + "while it is a draft", kind: .conflict)
        }
        return .applicant
    }
}
