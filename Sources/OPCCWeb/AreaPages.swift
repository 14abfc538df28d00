// The pilot-area (VLI) and priorities pages' models.

/// The VLI scoring form: the schemes a run may use, the chosen one selected.
struct ScoreForm: Encodable, Sendable {
    var schemes: [Scheme]

    struct Scheme: Encodable, Sendable {
        var value: String
        var selected: Bool
    }
}

/// `/vli` before the office has scored its inputs: why there is nothing yet, and the scoring form.
struct NoVLIPage: Encodable, Sendable {
    var message: String
    var errors: [FieldError]
    var score: ScoreForm?
}

/// `/vli`: the office's wards ranked by the latest run.
struct VLIPage: Encodable, Sendable {
    var office: String
    var facts: [Fact]
    var rows: [Ward]
    var svg: String
    var shown: Int
    var count: Int
    var errors: [FieldError]
    var score: ScoreForm?

    struct Ward: Encodable, Sendable {
        var rank: Int
        var code: String
        var name: String
        var href: String
        var areas: Int
        var over: Int
        var mean: String
        var max: String
        var population: Int
        var status: String
        var statusClass: String
        var decision: String
    }
}

/// One ward's chain from evidence to returns, with the officer's acts (`acts`, nil once it is selected).
struct WardPage: Encodable, Sendable {
    var code: String
    var name: String
    var facts: [Fact]
    var lsoas: [Area]
    var errors: [FieldError]
    var status: String
    var statusClass: String
    var notes: [Note]
    var decision: String
    var decisionTitle: String
    var decisionHref: String
    var decisionAmount: String
    var allocations: [Allocation]
    var agreements: [Agreement]
    var acts: Acts?

    struct Area: Encodable, Sendable {
        var code: String
        var name: String
        var vli: String
        var over: Bool
    }

    struct Note: Encodable, Sendable {
        var kind: String
        var text: String
        var by: String
        var day: String
    }

    struct Allocation: Encodable, Sendable {
        var id: String
        var recipient: String
        var orgID: String
        var amount: String
        var rcco: Bool
    }

    struct Agreement: Encodable, Sendable {
        var id: String
        var agreementID: String
        var href: String
        var state: String
        var stateClass: String
        var amount: String
        var paid: String
        var returns: [Return]
    }

    struct Return: Encodable, Sendable {
        var id: String
        var href: String
        var quarter: String
        var state: String
        var stateClass: String
        var spend: String
    }

    struct Acts: Encodable, Sendable {
        var shortlist: Bool
        var selectable: Bool
        var noteText: String
        var selectDecision: String
        var kinds: [Choice]
    }
}

/// `/priorities`: the partnerships' assessments.
struct PrioritiesPage: Encodable, Sendable {
    var rows: [Row]

    struct Row: Encodable, Sendable {
        var id: String
        var href: String
        var partnership: String
        var year: String
        var state: String
        var stateClass: String
        var threats: Int
        var high: Int
        var medium: Int
        var low: Int
        var priorities: Int
    }
}

/// An assessment's page: the risk/harm matrix, the priorities, the board's record, the money per priority, and the
/// acts the reader may take now (`link`, `adopt`, `close`, each nil when not offered).
struct PriorityPage: Encodable, Sendable {
    var id: String
    var partnership: String
    var year: String
    var state: String
    var stateClass: String
    var svg: String
    var threats: [Threat]
    var priorities: [Priority]
    var board: [BoardRecord]
    var spend: [Spend]
    var spendSvg: String
    var errors: [FieldError]
    var link: Link?
    var adopt: Bool?
    var close: Close?
    /// The assessment's version when the page was read: every form carries it.
    var version = ""

    struct Threat: Encodable, Sendable {
        var number: Int
        var name: String
        var harm: String
        var probability: String
        var risk: String
        var band: String
        var bandClass: String
        var selected: Bool
    }

    struct Priority: Encodable, Sendable {
        var code: String
        var title: String
        var kind: String
        var threats: String
        var money: String
    }

    struct BoardRecord: Encodable, Sendable {
        var what: String
        var reason: String
        var day: String
        var by: String
    }

    struct Spend: Encodable, Sendable {
        var priority: String
        var allocated: String
        var committed: String
        var paid: String
    }

    struct Link: Encodable, Sendable {
        var options: [Choice]
        var strand: String
        var recipient: String
        var share: String
    }

    struct Close: Encodable, Sendable {
        var reason: String
    }
}
