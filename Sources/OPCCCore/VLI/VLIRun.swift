/// What one scoring run found: every area's score and the groups ranked, with the scheme's proxy notes.
public struct VLIRunResult: Hashable, Sendable, Codable {
    public var scores: [VLIAreaScore]
    /// Grouping ("ward", "msoa", "la") → the groups ranked by areas over the threshold.
    public var groups: [String: [VLIScoring.GroupSummary]]
    public var proxies: [String]
    public var threshold: Double

    public init(
        scores: [VLIAreaScore], groups: [String: [VLIScoring.GroupSummary]], proxies: [String], threshold: Double
    ) {
        self.scores = scores
        self.groups = groups
        self.proxies = proxies
        self.threshold = threshold
    }
}

/// A stored run: which scheme (name, version, text and hash), which inputs (hash), when and by whom, and the result.
public struct VLIRunRecord: Hashable, Sendable {
    public var id: String
    public var office: String
    public var schemeName: String
    public var schemeVersion: Int
    public var schemeSHA256: String
    public var schemeText: String
    public var inputsSHA256: String
    public var runOn: Day
    public var runBy: String
    public var result: VLIRunResult

    public init(
        id: String, office: String, schemeName: String, schemeVersion: Int, schemeSHA256: String, schemeText: String,
        inputsSHA256: String, runOn: Day, runBy: String, result: VLIRunResult
    ) {
        self.id = id
        self.office = office
        self.schemeName = schemeName
        self.schemeVersion = schemeVersion
        self.schemeSHA256 = schemeSHA256
        self.schemeText = schemeText
        self.inputsSHA256 = inputsSHA256
        self.runOn = runOn
        self.runBy = runBy
        self.result = result
    }
}

/// A moderation note on a candidate area (seed 000: the SARA model — scan, analysis, response, assess — local
/// knowledge, and confirmation by the neighbourhood team).
public struct VLINote: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case scan, analysis, response, assess
        case localKnowledge = "local-knowledge"
        case neighbourhoodTeam = "neighbourhood-team"
    }
    public var kind: Kind
    public var text: String
    public var by: String
    public var on: Day

    public init(kind: Kind, text: String, by: String, on: Day) {
        self.kind = kind
        self.text = text
        self.by = by
        self.on = on
    }
}

/// A ward on a run's shortlist, or selected as a pilot area funded by a decision.
public struct VLISelection: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable { case shortlisted, selected }
    public var runID: String
    public var wardCode: String
    public var wardName: String
    public var status: Status
    public var decisionID: String?
    public var notes: [VLINote]

    public init(
        runID: String, wardCode: String, wardName: String, status: Status, decisionID: String? = nil,
        notes: [VLINote] = []
    ) {
        self.runID = runID
        self.wardCode = wardCode
        self.wardName = wardName
        self.status = status
        self.decisionID = decisionID
        self.notes = notes
    }
}
