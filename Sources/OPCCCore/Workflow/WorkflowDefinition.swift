import Crypto
import Foundation

/// One workflow as data: the states an instance moves through, the events that move it, and for each transition the
/// roles allowed to fire it, the named guards that must all hold and the named effects to run. Read from a top-level
/// `workflows/*.yaml` file and interpreted by `WorkflowEngine`; the guards and effects it names are Swift functions
/// registered in a `WorkflowRegistry`.
public struct WorkflowDefinition: Hashable, Sendable {
    /// A state, with why an instance is in it.
    public struct State: Hashable, Sendable {
        public let name: String
        public let description: String
    }

    /// An event, with when it happens.
    public struct Event: Hashable, Sendable {
        public let name: String
        public let description: String
    }

    /// A transition fired by `event` from `from`. When `to` equals `from` the act is recorded but changes no state
    /// (a sign-off while awaiting sign-offs; an escalation of a late return).
    public struct Transition: Hashable, Sendable {
        public let from: String
        public let event: String
        public let to: String
        public let roles: [Role]
        public let guards: [String]
        public let effects: [String]

        public var changesState: Bool { from != to }
    }

    public let name: String
    public let version: Int
    public let description: String
    public let states: [State]
    public let initial: String
    public let terminal: [String]
    public let events: [Event]
    public let transitions: [Transition]
    /// The exact text the definition was read from, pinned in the store the first time this version is used.
    public let sourceText: String

    /// SHA-256 of `sourceText`, lowercase hex: what the store compares to notice an edit without a new version.
    public var sha256: String { Self.sha256Hex(of: sourceText) }

    public static func sha256Hex(of text: String) -> String {
        SHA256Hex.of(text)
    }

    /// The transition `event` fires from `state`, if any.
    public func transition(from state: String, on event: String) -> Transition? {
        transitions.first { $0.from == state && $0.event == event }
    }

    public func isTerminal(_ state: String) -> Bool { terminal.contains(state) }

    public func hasState(_ name: String) -> Bool { states.contains { $0.name == name } }
}
