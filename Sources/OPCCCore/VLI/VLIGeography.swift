/// One LSOA of a study area: where it sits (MSOA, local authority) and its size.
public struct VLIGeography: Hashable, Sendable, Codable {
    public var office: String
    public var lsoa: String
    public var name: String
    public var households: Int
    public var population: Int
    public var msoaCode: String?
    public var msoaName: String?
    public var laCode: String?
    public var laName: String?

    public init(
        office: String, lsoa: String, name: String, households: Int = 0, population: Int = 0, msoaCode: String? = nil,
        msoaName: String? = nil, laCode: String? = nil, laName: String? = nil
    ) {
        self.office = office
        self.lsoa = lsoa
        self.name = name
        self.households = households
        self.population = population
        self.msoaCode = msoaCode
        self.msoaName = msoaName
        self.laCode = laCode
        self.laName = laName
    }
}

/// The group (ward) an LSOA belongs to.
public struct VLIGroupRef: Hashable, Sendable {
    public var code: String
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}
