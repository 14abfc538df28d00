/// What a paper attached to a record is: the seeds' forms ask for the signed form, a business case, the equality
/// impact assessment, a PID, a media strategy and background papers; an agreement is signed; a return has evidence.
/// `DocumentRecordKind.kinds` says which record takes which.
public enum DocumentKind: String, Hashable, Sendable, CaseIterable {
    case signedForm = "signed-form"
    case businessCase = "business-case"
    case equalityImpactAssessment = "equality-impact-assessment"
    case riskAssessment = "risk-assessment"
    case projectInitiationDocument = "project-initiation-document"
    case mediaStrategy = "media-strategy"
    case backgroundPaper = "background-paper"
    case other
    case signedAgreement = "signed-agreement"
    case evidence

    /// Reads a kind by its name or the short form people use (`eia`, `pid`).
    public init?(named name: String) {
        switch name.lowercased() {
        case "eia": self = .equalityImpactAssessment
        case "pid": self = .projectInitiationDocument
        default: self.init(rawValue: name.lowercased())
        }
    }
}

/// Which part of the record a document belongs to: Part 1 is published with the decision; Part 2 is confidential,
/// read only by the office's Part 2 readers.
public enum DocumentPart: Int, Hashable, Sendable, CaseIterable {
    case part1 = 1
    case part2 = 2
}

/// The types a document may have, identified by its content (never by its name).
public enum DocumentType: String, Hashable, Sendable, CaseIterable {
    case pdf, png, jpeg, csv, text, docx, xlsx, odt, ods

    /// The media type a download is served with.
    public var mediaType: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .csv: "text/csv"
        case .text: "text/plain"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .odt: "application/vnd.oasis.opendocument.text"
        case .ods: "application/vnd.oasis.opendocument.spreadsheet"
        }
    }

    /// How a page or listing names it.
    public var label: String {
        switch self {
        case .pdf: "PDF"
        case .png: "PNG image"
        case .jpeg: "JPEG image"
        case .csv: "CSV"
        case .text: "plain text"
        case .docx: "Word document"
        case .xlsx: "Excel workbook"
        case .odt: "OpenDocument text"
        case .ods: "OpenDocument spreadsheet"
        }
    }
}

/// A document as stored: its metadata and the SHA-256 of its bytes (the bytes live in the document files).
public struct StoredDocument: Hashable, Sendable {
    public let id: String
    public let office: String
    /// The kind of record it is attached to, and that record's id.
    public let recordKind: DocumentRecordKind
    public let recordID: String
    public let kind: DocumentKind
    public let part: DocumentPart
    /// The cleaned file name.
    public let name: String
    public let type: DocumentType
    public let sizeBytes: Int64
    public let sha256: String
    public let uploadedBy: String
    public let attachedAt: String
    /// The document this one replaced, and the one that replaced it.
    public let supersedes: String?
    public let supersededBy: String?
    public let withdrawnAt: String?
    public let withdrawnBy: String?
    public let withdrawalReason: String?
    /// True once the bytes were removed (the hash and this record stay).
    public let purged: Bool

    public init(
        id: String, office: String, recordKind: DocumentRecordKind = .decision, recordID: String, kind: DocumentKind,
        part: DocumentPart, name: String,
        type: DocumentType, sizeBytes: Int64, sha256: String, uploadedBy: String, attachedAt: String,
        supersedes: String? = nil, supersededBy: String? = nil, withdrawnAt: String? = nil,
        withdrawnBy: String? = nil, withdrawalReason: String? = nil, purged: Bool = false
    ) {
        self.id = id
        self.office = office
        self.recordKind = recordKind
        self.recordID = recordID
        self.kind = kind
        self.part = part
        self.name = name
        self.type = type
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.uploadedBy = uploadedBy
        self.attachedAt = attachedAt
        self.supersedes = supersedes
        self.supersededBy = supersededBy
        self.withdrawnAt = withdrawnAt
        self.withdrawnBy = withdrawnBy
        self.withdrawalReason = withdrawalReason
        self.purged = purged
    }

    /// Current: neither replaced by a newer version nor withdrawn.
    public var isCurrent: Bool { supersededBy == nil && withdrawnAt == nil }
}
