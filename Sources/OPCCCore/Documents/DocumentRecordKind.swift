/// The records documents attach to, and what each takes: a decision record's papers (Part 1 or Part 2), a grant
/// agreement's signed copy and assessments, a quarterly return's evidence and a carry-forward request's supporting
/// papers. Only a decision record publishes anything: the others' documents are staff-only, like Part 2, because
/// nothing of an agreement, a return or a carry-forward is on a public page, export or feed.
public enum DocumentRecordKind: String, Hashable, Sendable, CaseIterable {
    case decision
    case agreement
    case quarterlyReturn = "return"
    case carryForward = "carry-forward"

    /// How a message names the record.
    public var label: String {
        switch self {
        case .decision: "decision record"
        case .agreement: "grant agreement"
        case .quarterlyReturn: "quarterly return"
        case .carryForward: "carry-forward request"
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
        }
    }

    /// The roles that read a staff-only record's documents (a decision record's follow Part 1 and Part 2 instead):
    /// the office's staff, and for a return its grant's own project board.
    public var readers: [Role] {
        let staff: [Role] = [.officer, .finance, .chiefExecutive, .commissioner, .auditor]
        return self == .quarterlyReturn ? staff + [.projectBoardMember] : staff
    }
}
