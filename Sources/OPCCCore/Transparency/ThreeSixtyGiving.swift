/// Grants as a 360Giving data package (https://standard.threesixtygiving.org, schema 1.4): the UK open-data form
/// for grant-makers, read by GrantNav. Amounts are in pounds (exact, from pence); the award date is the day the
/// decision was taken.
public enum ThreeSixtyGiving {
    /// Open Government Licence v3.0, under which the office publishes the data.
    public static let license = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    /// The version of the standard the package follows (`major.minor`).
    public static let version = "1.4"

    /// The funder: the office, with its registered 360Giving prefix and organisation identifier.
    public struct Funder: Hashable, Sendable {
        /// The grant identifiers' prefix (`360G-opcc-cumbria`).
        public var prefix: String
        /// The funder's org-id (`GB-GOR-…`), or `<prefix>-ORG` when the office has none.
        public var orgID: String
        public var name: String

        public init(prefix: String, orgID: String, name: String) {
            self.prefix = prefix
            self.orgID = orgID
            self.name = name
        }
    }

    /// Who publishes the package and when.
    public struct Metadata: Hashable, Sendable {
        public var title: String
        public var description: String
        public var publisher: Funder
        public var issued: Day

        public init(title: String, description: String, publisher: Funder, issued: Day) {
            self.title = title
            self.description = description
            self.publisher = publisher
            self.issued = issued
        }
    }

    /// The grant's 360Giving identifier: the funder's prefix, a hyphen, the agreement id.
    public static func identifier(_ grant: TransparencyGrant, funder: Funder) -> String {
        funder.prefix + "-" + grant.agreementID
    }

    /// One grant in the standard's terms. With `documentBase` (the site's address), the decision's Part 1
    /// documents are linked in the standard's `relatedDocument`; without it they are left out, as the standard's
    /// `url` must be absolute.
    public static func grant(_ grant: TransparencyGrant, funder: Funder, documentBase: String? = nil) -> JSONValue {
        var description = grant.purpose
        if !grant.crimeAndDisorderStatement.isBlank {
            description +=
                (description.hasSuffix(".") ? "" : ".") + " How it will reduce crime and disorder: "
                + grant.crimeAndDisorderStatement
        }
        var members: [String: JSONValue] = [
            "id": .string(identifier(grant, funder: funder)),
            "title": .string(grant.purpose),
            "description": .string(description),
            "currency": .string("GBP"),
            "amountAwarded": .pounds(pence: grant.amount.pence),
            "awardDate": .string(grant.decisionDate.iso),
            "recipientOrganization": .array([
                .object(["id": .string(grant.recipient.orgID), "name": .string(grant.recipient.name)])
            ]),
            "fundingOrganization": .array([.object(["id": .string(funder.orgID), "name": .string(funder.name)])]),
            "plannedDates": .array([
                .object([
                    "startDate": .string(grant.period.start.iso), "endDate": .string(grant.period.end.iso),
                    "duration": .integer(Int64(months(grant.period))),
                ])
            ]),
        ]
        if let programme = grant.grantProgramme {
            members["grantProgramme"] = .array([
                .object(["code": .string(programme.code), "title": .string(programme.title)])
            ])
        }
        if !grant.beneficiaryAreas.isEmpty {
            members["beneficiaryLocation"] = .array(
                grant.beneficiaryAreas.map { area in
                    var location: [String: JSONValue] = ["name": .string(area.name), "countryCode": .string("GB")]
                    if let code = area.geoCode {
                        location["geoCode"] = .string(code)
                        location["geoCodeType"] = .string(area.geoCodeType)
                    }
                    return .object(location)
                })
        }
        if let documentBase, !grant.decisionDocuments.isEmpty {
            members["relatedDocument"] = .array(grant.decisionDocuments.map { relatedDocument($0, base: documentBase) })
        }
        return .object(members)
    }

    /// A decision's Part 1 document as the standard's `Documents`: its id, name, download URL and kind, and its type
    /// and size as the description.
    static func relatedDocument(_ document: PublishedDocumentLink, base: String) -> JSONValue {
        let kind = document.kind.rawValue.replacingOccurrences(of: "-", with: " ")
        return .object([
            "id": .string(document.id), "title": .string(document.name), "url": .string(base + document.path),
            "documentType": .string(kind.prefix(1).uppercased() + kind.dropFirst()),
            "description": .string("\(document.type.label), \(document.sizeBytes) bytes"),
        ])
    }

    /// The package: the grants, each with its funder, and the metadata; `documentBase` as for `grant`.
    public static func package(
        _ grants: [(grant: TransparencyGrant, funder: Funder)], metadata: Metadata, documentBase: String? = nil
    )
        -> JSONValue
    {
        .object([
            "title": .string(metadata.title),
            "description": .string(metadata.description),
            "issued": .string(metadata.issued.iso),
            "license": .string(license),
            "version": .string(version),
            "publisher": .object([
                "name": .string(metadata.publisher.name), "identifier": .string(metadata.publisher.orgID),
            ]),
            "grants": .array(grants.map { grant($0.grant, funder: $0.funder, documentBase: documentBase) }),
        ])
    }

    /// The planned duration in whole months, counted as the standard's examples do (1 April to 31 March is 12).
    static func months(_ period: GrantAgreement.Period) -> Int {
        let end = period.end.adding(days: 1)
        var months = (end.year - period.start.year) * 12 + (end.month - period.start.month)
        if end.day < period.start.day { months -= 1 }
        return max(months, 0)
    }
}
