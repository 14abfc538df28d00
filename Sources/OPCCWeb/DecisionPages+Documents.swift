import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// The documents section of a decision's page: the record's documents as the reader may see them (the services
/// decide: a Part 2 one only for the office's Part 2 readers), and, for the office's attachers, the forms to attach
/// a file and to withdraw a document.
struct DocumentsSection: Encodable, Sendable {
    var rows: [Row]
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
        let documents = try await app.documents(of: record.id, office: record.office, by: user)
        let may = try await app.documentPermissions(of: record.id, by: user)
        let step = errors.first?.step
        let kept = { (name: String, inStep: String) in step == inStep ? entered[name] ?? "" : "" }
        var section = DocumentsSection(
            rows: documents.map(Self.documentRow), limit: megabytes(documentLimitBytes), fe: fieldErrors(errors))
        guard may.attach else { return section }
        let kind = kept("kind", Self.attachStep)
        let current = documents.filter(\.isCurrent)
        section.attach = DocumentsSection.AttachForm(
            kinds: [Choice(value: "", label: "Choose what the document is", selected: kind.isEmpty)]
                + DocumentRecordKind.decision.kinds.map {
                    Choice(value: $0.rawValue, label: Self.kindLabel($0), selected: $0.rawValue == kind)
                },
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
        guard !open.isEmpty else { return section }
        let chosen = kept("document", Self.withdrawDocumentStep)
        section.withdraw = DocumentsSection.WithdrawForm(
            documents: open.map { Choice(value: $0.id, label: "\($0.name) (\($0.id))", selected: $0.id == chosen) },
            reason: kept("reason", Self.withdrawDocumentStep), purgeOffered: may.purge,
            purge: kept("purge", Self.withdrawDocumentStep) == "1")
        return section
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
