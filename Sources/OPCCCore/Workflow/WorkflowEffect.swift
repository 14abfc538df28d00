/// Something an accepted act asks the services to do, as a closed set of typed cases (the engine performs no I/O).
/// The act runner switches over every case: an effect nobody performs does not compile.
public enum WorkflowEffect: Hashable, Sendable, CustomStringConvertible {
    /// Sets one of the record's deadlines (the Part 1 publication deadline on a decision).
    case setDeadline(DeadlineKind, Day)
    /// Schedules a quarterly return for every quarter an activated agreement covers.
    case scheduleQuarterlyReturns
    /// Releases the instalments that an accepted return makes payable.
    case releasePayment
    /// A name older definitions carry for work the act does by itself: `allocate-decision-number` (submitting a
    /// decision allocates its number) and `settle-carry-forward` (confirming posts the settlement). Definitions
    /// pinned in existing databases still name them, so they keep loading; the runner performs nothing more for
    /// them, and the audit event still lists the name as it always has.
    case performedByTheAct(String)

    /// Which deadline `setDeadline` sets.
    public enum DeadlineKind: String, Hashable, Sendable {
        /// When Part 1 of a decision record must be published.
        case part1Publication = "part1-publication"
    }

    /// The effect as the audit event's `effects` field records it: its name, with its parameters sorted by name.
    public var description: String {
        switch self {
        case .setDeadline(let kind, let day): return "set-deadline(day=\(day.iso), kind=\(kind.rawValue))"
        case .scheduleQuarterlyReturns: return "schedule-quarterly-returns"
        case .releasePayment: return "release-payment"
        case .performedByTheAct(let name): return name
        }
    }
}

/// The record an act is about, as the guards read it: one case per kind of record the services attach, so that no
/// guard downcasts. The two small cases serve the generic guards and the tests that drive them alone.
public enum WorkflowSubject: Sendable {
    case decision(DecisionSubject)
    case agreement(GrantSubject)
    case quarterlyReturn(ReturnSubject)
    case priorities(PrioritySubject)
    /// Only the titles of the sign-offs still missing (what `all-required-sign-offs-in` reads).
    case signOffs(missing: [String])
    /// Only a due day (what `past-due-date` reads).
    case due(Day)

    public var decision: DecisionSubject? {
        if case .decision(let subject) = self { return subject }
        return nil
    }

    public var agreement: GrantSubject? {
        if case .agreement(let subject) = self { return subject }
        return nil
    }

    public var quarterlyReturn: ReturnSubject? {
        if case .quarterlyReturn(let subject) = self { return subject }
        return nil
    }

    public var priorities: PrioritySubject? {
        if case .priorities(let subject) = self { return subject }
        return nil
    }

    /// The sign-offs still missing, for a subject that has sign-offs.
    public var missingSignOffs: [String]? {
        switch self {
        case .decision(let subject): return subject.missingSignOffs
        case .signOffs(let missing): return missing
        default: return nil
        }
    }

    /// The due day, for a subject that has one.
    public var dueDay: Day? {
        switch self {
        case .quarterlyReturn(let subject): return subject.dueDay
        case .due(let day): return day
        default: return nil
        }
    }
}
