/// An office as stored: the profile's text is kept so that what was in force can be shown later.
public struct StoredOffice: Hashable, Sendable {
    public let id: String
    public let name: String
    public let orgID: String?
    public let profileText: String
    public let profileSHA256: String
    /// The version of the profile in force (1 for the profile the office was registered with).
    public let profileVersion: Int

    public init(
        id: String, name: String, orgID: String?, profileText: String, profileSHA256: String, profileVersion: Int = 1
    ) {
        self.profileVersion = profileVersion
        self.id = id
        self.name = name
        self.orgID = orgID
        self.profileText = profileText
        self.profileSHA256 = profileSHA256
    }
}
