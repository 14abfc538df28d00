/// A partnership's strategic assessment for one financial year: the threats (crime types), the partner agencies
/// that scored them, each agency's harm score per threat, the probability inputs, and the method it declared
/// (seed 001: Safer North West Partnership, 2017/18). Pure data; `scored()` works out harm, probability, risk and band.
public struct PriorityAssessment: Hashable, Sendable, Codable {
    /// One threat as assessed.
    public struct Threat: Hashable, Sendable, Codable {
        /// As the partnership writes it ("Vehicle Crime – Theft from", "Road Safety*").
        public var name: String
        /// Each agency's harm score, by agency name.
        public var scores: [String: HarmScore]
        /// The total the partnership published, kept as published even where it differs from the computed one.
        public var recordedTotal: Int?
        public var control: ControlStatus?
        /// The threat's share of the overall volume.
        public var volumeShare: Percentage?
        /// Where the probability inputs come from (a source, or "ASSUMED").
        public var note: String?

        public init(
            name: String, scores: [String: HarmScore] = [:], recordedTotal: Int? = nil, control: ControlStatus? = nil,
            volumeShare: Percentage? = nil, note: String? = nil
        ) {
            self.name = name
            self.scores = scores
            self.recordedTotal = recordedTotal
            self.control = control
            self.volumeShare = volumeShare
            self.note = note
        }
    }

    /// e.g. `leicestershire-PA-0001`.
    public var id: String
    public var office: String
    /// A short code for the partnership (`SNWP`).
    public var partnershipCode: String
    public var partnershipName: String
    public var year: FinancialYear
    /// The document the assessment comes from.
    public var source: String?
    public var method: PartnershipMethod
    /// The partner agencies, in the order their columns are shown.
    public var agencies: [String]
    /// In the order the partnership lists them.
    public var threats: [Threat]

    public init(
        id: String, office: String, partnershipCode: String, partnershipName: String, year: FinancialYear,
        source: String? = nil, method: PartnershipMethod, agencies: [String], threats: [Threat]
    ) {
        self.id = id
        self.office = office
        self.partnershipCode = partnershipCode
        self.partnershipName = partnershipName
        self.year = year
        self.source = source
        self.method = method
        self.agencies = agencies
        self.threats = threats
    }

    /// Every threat with its harm (recorded and computed), probability, risk and band, in the partnership's order.
    public func scored() -> [ScoredThreat] {
        threats.enumerated().map { index, threat in
            let sums = agencies.map { threat.scores[$0]?.sum }
            let given = sums.compactMap { $0 }
            let complete = !agencies.isEmpty && given.count == agencies.count
            let combined = complete ? method.combination.combine(given) : nil
            let probability = threat.control.flatMap { control in
                threat.volumeShare.flatMap { method.probabilityScale.score(control, share: $0) }
            }
            return ScoredThreat(
                number: index + 1, name: threat.name, agencySums: sums, recordedTotal: threat.recordedTotal,
                computed: combined, control: threat.control, volumeShare: threat.volumeShare,
                probability: probability, bands: method.bands)
        }
    }

    public func threat(named name: String) -> Threat? { threats.first { $0.name == name } }
}
