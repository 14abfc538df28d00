import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// A record that takes documents, as the services name it.
typealias DocumentRecordRef = Commissioning.DocumentRecordRef

/// The documents section of a decision's page: the record's documents as the reader may see them (the services
/// decide: a Part 2 one only for the office's Part 2 readers), and, for the office's attachers, the forms to attach
/// a file and to withdraw a document. An agreement's, a return's and a carry-forward's pages list their documents
/// themselves and take only the forms (no rows).
struct DocumentsSection: Encodable, Sendable {
    var rows: [Row]
    /// Where the attach form posts (`/grants/ID/documents`); the withdraw form posts to its `/withdraw`.
    var action: String
    var attach: AttachForm?
    var withdraw: WithdrawForm?
    /// The size limit, as people read it ("25 MB").
    var limit: String
    /// Each field's error, keyed by the field's id with `-` as `_` (`fe.documents_file`).
    var fe: [String: String]

    struct Row: Encodable, Sendable {
        var id: String
        var name: String
        var kind: String
        var part: String
        var type: String
        var size: String
        var uploadedBy: String
        var attachedAt: String
        /// The download link; nil once the bytes were purged.
        var download: String?
        var status: String
        var statusClass: String
        /// Who withdrew it, when and why.
        var withdrawal: String?
    }

    struct AttachForm: Encodable, Sendable {
        var kinds: [Choice]
        /// What the kinds are, as the hint under the select says.
        var kindHint: String
        /// Whether Part 1 may be chosen: a decision record's; any other record's documents are Part 2.
        var choosePart: Bool
        /// Part 2 is checked unless Part 1 was chosen: the safer choice when unsure.
        var part1: Bool
        var part2: Bool
        /// The current documents a new version may replace (none: the select is not shown).
        var replaces: [Choice]
    }

    struct WithdrawForm: Encodable, Sendable {
        var documents: [Choice]
        var reason: String
        /// The purge checkbox, for the office's Part 2 readers only.
        var purgeOffered: Bool
        var purge: Bool
    }
}

extension Web {
    /// The forms' steps, as their refusals are marked (`FieldError.step`), so the page keeps what was entered.
    static let attachStep = "documents"
    static let withdrawDocumentStep = "document-withdraw"

    /// The documents section of `record`'s page for `user`; a refused form (`errors` of its step) keeps what was
    /// entered.
    func documentsSection(
        _ record: DecisionRecord, user: String, errors: [FieldError], entered: [String: String]
    ) async throws -> DocumentsSection {
        let ref = DocumentRecordRef.decision(record.id, office: record.office)
        let documents = try await app.documents(of: ref, by: user)
        var section = DocumentsSection(
            rows: documents.map(Self.documentRow), action: Self.documentFormsPath(ref),
            limit: megabytes(documentLimitBytes),
            fe: fieldErrors(errors))
        let may = try await app.documentPermissions(of: ref, by: user)
        if may.attach { addDocumentForms(to: &section, ref, documents, purge: may.purge, errors, entered) }
        return section
    }

    /// The forms alone, for the attachers of an agreement, a return or a carry-forward (nil for anyone else): their
    /// pages list the documents themselves.
    func documentForms(
        _ ref: DocumentRecordRef, user: String, errors: [FieldError], entered: [String: String]
    ) async throws -> DocumentsSection? {
        let may = try await app.documentPermissions(of: ref, by: user)
        guard may.attach else { return nil }
        let documents = try await app.documents(of: ref, by: user)
        var section = DocumentsSection(
            rows: [], action: Self.documentFormsPath(ref), limit: megabytes(documentLimitBytes),
            fe: fieldErrors(errors))
        addDocumentForms(to: &section, ref, documents, purge: may.purge, errors, entered)
        return section
    }

    /// The attach form offering the record kind's own kinds (and the Part only for a decision record), and the
    /// withdraw form when a document is still there to withdraw.
    func addDocumentForms(
        to section: inout DocumentsSection, _ ref: DocumentRecordRef, _ documents: [StoredDocument], purge: Bool,
        _ errors: [FieldError], _ entered: [String: String]
    ) {
        let step = errors.first?.step
        let kept = { (name: String, inStep: String) in step == inStep ? entered[name] ?? "" : "" }
        let kind = kept("kind", Self.attachStep)
        let current = documents.filter(\.isCurrent)
        section.attach = DocumentsSection.AttachForm(
            kinds: [Choice(value: "", label: "Choose what the document is", selected: kind.isEmpty)]
                + ref.kind.kinds.map {
                    Choice(value: $0.rawValue, label: Self.kindLabel($0), selected: $0.rawValue == kind)
                },
            kindHint: Self.kindHint(ref.kind), choosePart: ref.kind.publishes,
            part1: kept("part", Self.attachStep) == "1", part2: kept("part", Self.attachStep) != "1",
            replaces: current.isEmpty
                ? []
                : [Choice(value: "", label: "Nothing: it is a new document", selected: true)]
                    + current.map {
                        Choice(
                            value: $0.id, label: "\($0.name) (\($0.id))",
                            selected: $0.id == kept("replaces", Self.attachStep))
                    })
        let open = documents.filter { $0.withdrawnAt == nil }
        guard !open.isEmpty else { return }
        let chosen = kept("document", Self.withdrawDocumentStep)
        section.withdraw = DocumentsSection.WithdrawForm(
            documents: open.map { Choice(value: $0.id, label: "\($0.name) (\($0.id))", selected: $0.id == chosen) },
            reason: kept("reason", Self.withdrawDocumentStep), purgeOffered: purge,
            purge: kept("purge", Self.withdrawDocumentStep) == "1")
    }

    /// The hint under the kind's select: the papers the record takes.
    static func kindHint(_ kind: DocumentRecordKind) -> String {
        switch kind {
        case .decision:
            "The papers the form asks for: the signed form, a business case, the equality impact assessment, a risk "
                + "assessment, the PID, a media strategy or a background paper."
        case .agreement:
            "The signed agreement, its equality impact assessment or risk assessment, or a background paper."
        case .quarterlyReturn: "Evidence for the return's figures and outcomes, or another paper."
        case .carryForward: "A background paper supporting the request, or another paper."
        case .application:
            "A business case, a background paper (accounts, a constitution, letters of support) or another paper. "
                + "Only your organisation, the round's officers and its assessors read it; it is never published."
        }
    }

    static func documentRow(_ document: StoredDocument) -> DocumentsSection.Row {
        var row = DocumentsSection.Row(
            id: document.id, name: document.name, kind: kindLabel(document.kind),
            part: document.part == .part1 ? "Part 1 (published)" : "Part 2 (confidential)", type: document.type.label,
            size: sizeLabel(document.sizeBytes), uploadedBy: document.uploadedBy,
            attachedAt: timeLabel(document.attachedAt), download: document.purged ? nil : "/documents/\(document.id)",
            status: "Current", statusClass: "current")
        if let withdrawnAt = document.withdrawnAt {
            row.status = document.purged ? "Withdrawn and purged" : "Withdrawn"
            row.statusClass = "withdrawn"
            row.withdrawal =
                "Withdrawn \(timeLabel(withdrawnAt)) by \(document.withdrawnBy ?? "?"): "
                + (document.withdrawalReason ?? "")
        } else if let newer = document.supersededBy {
            row.status = "Replaced by \(newer)"
            row.statusClass = "grey"
        }
        return row
    }

    /// A kind as the page names it.
    static func kindLabel(_ kind: DocumentKind) -> String {
        switch kind {
        case .signedForm: "Signed form"
        case .businessCase: "Business case"
        case .equalityImpactAssessment: "Equality impact assessment (EIA)"
        case .riskAssessment: "Risk assessment"
        case .projectInitiationDocument: "Project initiation document (PID)"
        case .mediaStrategy: "Media strategy"
        case .backgroundPaper: "Background paper"
        case .signedAgreement: "Signed agreement"
        case .evidence: "Evidence"
        case .other: "Other"
        }
    }

    /// A size as people read it: bytes, KB or MB.
    static func sizeLabel(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        return String(format: "%.1f MB", Double(bytes) / (1024 * 1024))
    }

    /// A stored timestamp (`2026-11-20T10:04:05.123Z`) as the page shows it: `2026-11-20 10:04 UTC`.
    static func timeLabel(_ timestamp: String) -> String {
        guard timestamp.count >= 16, timestamp.hasSuffix("Z") else { return timestamp }
        return timestamp.prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
    }
}
