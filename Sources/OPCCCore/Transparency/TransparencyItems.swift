/// The information the Elected Local Policing Bodies (Specified Information) Order 2011 asks a Commissioner to
/// publish, as values: the grants made (with the conditions and how each will reduce crime and disorder), each item
/// of expenditure over £500, and each contract over £10,000. Part 1 facts only: nothing here is ever read from a
/// decision's Part 2.

/// An area a grant is for, as the office's geography names it: a ward, a district. `geoCode` is set only for a
/// real GSS code (`E07000027`), never for a synthetic or local one.
public struct BeneficiaryArea: Hashable, Sendable {
    public var name: String
    public var geoCode: String?

    public init(name: String, geoCode: String? = nil) {
        self.name = name
        self.geoCode = geoCode.flatMap { Self.isGSSCode($0) ? $0 : nil }
    }

    /// The 360Giving geoCodeType of the code, from the GSS entity code it starts with (E07 non-metropolitan district
    /// "NMD", E05 ward "WD", E06 unitary authority "UA", …); nil without a code or for an entity the list lacks.
    public var geoCodeType: String? {
        guard let code = geoCode else { return nil }
        return Self.geoCodeTypes[String(code.prefix(3))]
    }

    /// A GSS code: a country letter (E, W, S, N), then eight digits.
    public static func isGSSCode(_ code: String) -> Bool {
        let scalars = Array(code.unicodeScalars)
        return scalars.count == 9 && "EWSN".unicodeScalars.contains(scalars[0])
            && scalars.dropFirst().allSatisfy { ("0"..."9").contains($0) }
    }

    /// GSS entity codes and their 360Giving geoCodeType (the standard's geoCodeType codelist).
    static let geoCodeTypes: [String: String] = [
        "E00": "OA", "E01": "LSOA", "E02": "MSOA", "E04": "PAR", "E05": "WD", "E06": "UA", "E07": "NMD", "E08": "MD",
        "E09": "LONB", "E10": "CTY", "E12": "RGN/GOR", "E14": "WPC", "E22": "CSP", "E23": "PFA", "W00": "OA",
        "W01": "LSOA", "W02": "MSOA", "W04": "COM", "W05": "WD", "W06": "UA", "W07": "WPC", "W14": "CDRP",
    ]
}

/// A grant programme's code and title (hashable, as a tuple is not).
struct GrantProgrammeRef: Hashable, Sendable {
    let code: String
    let title: String
}

/// A grant as published: awarded (its agreement signed, running or closed) under a decision whose Part 1 is
/// published.
public struct TransparencyGrant: Hashable, Sendable {
    public var office: String
    /// The grant agreement's id (`cumbria-GA-0001`): the grant's identifier within the office.
    public var agreementID: String
    public var recipient: GrantAgreement.Organisation
    public var purpose: String
    public var amount: Money
    public var conditions: [String]
    /// How the grant will reduce crime and disorder (the Order's words).
    public var crimeAndDisorderStatement: String
    /// The decision's number (`014/2016`) and the day it was taken: the award date.
    public var decisionNumber: String
    public var decisionDate: Day
    public var period: GrantAgreement.Period
    public var beneficiaryAreas: [BeneficiaryArea]
    /// The decision's current Part 1 documents, linked for download.
    public var decisionDocuments: [PublishedDocumentLink]
    /// The open grant round the grant was awarded in (its id and title), published as 360Giving's `grantProgramme`;
    /// nil for a grant made outside a round.
    public var grantProgramme: (code: String, title: String)? {
        get { programme.map { ($0.code, $0.title) } }
        set { programme = newValue.map { GrantProgrammeRef(code: $0.code, title: $0.title) } }
    }
    private var programme: GrantProgrammeRef?

    public init(
        office: String, agreementID: String, recipient: GrantAgreement.Organisation, purpose: String, amount: Money,
        conditions: [String], crimeAndDisorderStatement: String, decisionNumber: String, decisionDate: Day,
        period: GrantAgreement.Period, beneficiaryAreas: [BeneficiaryArea] = [],
        decisionDocuments: [PublishedDocumentLink] = []
    ) {
        self.office = office
        self.agreementID = agreementID
        self.recipient = recipient
        self.purpose = purpose
        self.amount = amount
        self.conditions = conditions
        self.crimeAndDisorderStatement = crimeAndDisorderStatement
        self.decisionNumber = decisionNumber
        self.decisionDate = decisionDate
        self.period = period
        self.beneficiaryAreas = beneficiaryAreas
        self.decisionDocuments = decisionDocuments
    }
}

/// One item of expenditure over £500: a payment to a recipient on a day.
public struct SpendingItem: Hashable, Sendable {
    /// Payments are published when they are over this (the Order: "exceeding £500").
    public static let threshold = Money(pounds: 500)!

    public var office: String
    public var date: Day
    public var recipient: GrantAgreement.Organisation
    public var amount: Money
    public var purpose: String
    /// What kind of spending it is (`Grant payment`).
    public var expenseType: String
    /// The budget strand and financial year it was paid from.
    public var strand: String
    public var financialYear: FinancialYear
    /// The payment's own reference (`cumbria-GA-0001/I1`).
    public var reference: String

    public init(
        office: String, date: Day, recipient: GrantAgreement.Organisation, amount: Money, purpose: String,
        expenseType: String, strand: String, financialYear: FinancialYear, reference: String
    ) {
        self.office = office
        self.date = date
        self.recipient = recipient
        self.amount = amount
        self.purpose = purpose
        self.expenseType = expenseType
        self.strand = strand
        self.financialYear = financialYear
        self.reference = reference
    }
}

/// One contract (grant agreement) over £10,000.
public struct ContractItem: Hashable, Sendable {
    /// Contracts are published when their value is over this (the Order: "exceeding £10,000").
    public static let threshold = Money(pounds: 10_000)!

    public var office: String
    public var reference: String
    public var counterparty: GrantAgreement.Organisation
    public var value: Money
    public var period: GrantAgreement.Period
    public var description: String
    public var decisionNumber: String
    /// The decision's current Part 1 documents, linked for download.
    public var decisionDocuments: [PublishedDocumentLink]
    /// The open grant round the grant was awarded in (its id and title), published as 360Giving's `grantProgramme`;
    /// nil for a grant made outside a round.
    public var grantProgramme: (code: String, title: String)? {
        get { programme.map { ($0.code, $0.title) } }
        set { programme = newValue.map { GrantProgrammeRef(code: $0.code, title: $0.title) } }
    }
    private var programme: GrantProgrammeRef?

    public init(
        office: String, reference: String, counterparty: GrantAgreement.Organisation, value: Money,
        period: GrantAgreement.Period, description: String, decisionNumber: String,
        decisionDocuments: [PublishedDocumentLink] = []
    ) {
        self.office = office
        self.reference = reference
        self.counterparty = counterparty
        self.value = value
        self.period = period
        self.description = description
        self.decisionNumber = decisionNumber
        self.decisionDocuments = decisionDocuments
    }
}

/// A document the exports link: a current Part 1 document of a published decision (never a Part 2, superseded or
/// withdrawn one, nor one of a decision not published), downloaded from the site at `path`.
public struct PublishedDocumentLink: Hashable, Sendable {
    public var id: String
    public var name: String
    public var kind: DocumentKind
    public var type: DocumentType
    public var sizeBytes: Int64

    public init(id: String, name: String, kind: DocumentKind, type: DocumentType, sizeBytes: Int64) {
        self.id = id
        self.name = name
        self.kind = kind
        self.type = type
        self.sizeBytes = sizeBytes
    }

    /// The download's path on the site (`GET /documents/ID`, served as an attachment).
    public var path: String { "/documents/\(id)" }

    /// The link as an export's JSON gives it: the download's URL (`base` + `path`; the path alone when `base` is
    /// empty), the name, the media type and the size in bytes.
    public func json(base: String) -> JSONValue {
        .object([
            "url": .string(base + path), "name": .string(name), "type": .string(type.mediaType),
            "sizeBytes": .integer(sizeBytes),
        ])
    }
}
