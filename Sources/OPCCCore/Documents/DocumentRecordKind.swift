/// The records documents attach to, and what each takes: a decision record's papers (Part 1 or Part 2), a grant
/// agreement's signed copy and assessments, a quarterly return's evidence and a carry-forward request's supporting
/// papers, and a grant application's supporting papers (issue 29). Only a decision record publishes anything: the
/// others' documents are staff-only, like Part 2, because nothing of an agreement, a return, a carry-forward or an
/// application is on a public page, export or feed.
public enum DocumentRecordKind: String, Hashable, Sendable, CaseIterable {
    case decision
    case agreement
    case quarterlyReturn = "return"
    case carryForward = "carry-forward"
    /// A grant round's application: read only by its own organisation, the round's officers and its assessors who
    /// declared no conflict on it; attached by its organisation's applicants while it is a draft.
    case application

    /// How a message names the record.
    public var label: String {
        switch self {
        case .decision: "decision record"
        case .agreement: "grant agreement"
        case .quarterlyReturn: "quarterly return"
        case .carryForward: "carry-forward request"
        case .application: "grant application"
        }
    }

    /// The kinds of document the record takes.
    public var kinds: [DocumentKind] {
        switch self {
        case .decision:
            [
                .signedForm, .businessCase, .equalityImpactAssessment, .riskAssessment, .projectInitiationDocument,
                .mediaStrategy, .backgroundPaper, .other,
            ]
        case .agreement: [.signedAgreement, .equalityImpactAssessment, .riskAssessment, .backgroundPaper, .other]
        case .quarterlyReturn: [.evidence, .other]
        case .carryForward: [.backgroundPaper, .other]
        case .application: [.businessCase, .backgroundPaper, .other]
        }
    }

    /// Whether a document may be Part 1 (published with the record): only a decision record's.
    public var publishes: Bool { self == .decision }

    /// The roles that attach and withdraw the record's documents: for a decision record, those who write and decide
    /// it; for an agreement, those the `grant-agreement` workflow lets act on it (finance, officer); for a return,
    /// its grant's own project board (the role is scoped to the grant) and the officers and finance who review it;
    /// for a carry-forward, finance who requests it and the officers (the chief executive and Commissioner who decide
    /// it read its papers).
    public var attachers: [Role] {
        switch self {
        case .decision: [.officer, .chiefExecutive, .commissioner]
        case .agreement: [.finance, .officer]
        case .quarterlyReturn: [.projectBoardMember, .officer, .finance]
        case .carryForward: [.finance, .officer]
        case .application: [.applicant]
        }
    }

    /// The roles that read a staff-only record's documents (a decision record's follow Part 1 and Part 2 instead):
    /// the office's staff, and for a return its grant's own project board. An application's are read by its
    /// organisation's applicants, the round's officers and its assessors who declared no conflict on it (the
    /// services check the organisation, the round and the declaration).
    public var readers: [Role] {
        let staff: [Role] = [.officer, .finance, .chiefExecutive, .commissioner, .auditor]
        switch self {
        case .quarterlyReturn: return staff + [.projectBoardMember]
        case .application: return [.applicant, .officer, .assessor]
        default: return staff
        }
    }
}
