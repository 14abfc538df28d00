/// The edits of a decision record that are not workflow acts: the draft's edit and the correction of Part 1 after a
/// decision. The one statement of who may make them and when: the services refuse by it, pages offer by it.
public enum DecisionEdit: Sendable {
    /// Editing the draft's Part 1 (before submission, or after a return for revision).
    case draft
    /// Correcting Part 1 once a decision is recorded.
    case correction

    /// Why an edit may not be made now.
    public enum Refusal: Error, Hashable, Sendable {
        /// The record is not in a state this edit is made in.
        case notNow(state: String)
        /// The person holds none of the roles the edit needs.
        case roleRequired([Role])
    }

    /// The roles that may make the edit, in the order the role is chosen.
    public var roles: [Role] {
        switch self {
        case .draft: return [.officer]
        case .correction: return [.officer, .chiefExecutive]
        }
    }

    /// The role the edit is made in, on a record in `state` (`decided` once a decision is recorded), by someone
    /// holding `held`; or why not (the state is checked first).
    public func role(state: String, decided: Bool, held: Set<Role>) -> Result<Role, Refusal> {
        switch self {
        case .draft where state != "draft": return .failure(.notNow(state: state))
        case .correction where !decided || state == "withdrawn": return .failure(.notNow(state: state))
        default: break
        }
        guard let role = roles.first(where: held.contains) else { return .failure(.roleRequired(roles)) }
        return .success(role)
    }

    /// Whether the edit may be made now: for a page deciding whether to offer it.
    public func allowed(state: String, decided: Bool, held: Set<Role>) -> Bool {
        if case .success = role(state: state, decided: decided, held: held) { return true }
        return false
    }
}
