/// An organisation that applies to rounds, identified as 360Giving wants: by its org-id, the register's prefix and
/// its number on that register (`GB-CHC-1234567` for a charity in England and Wales, `GB-COH-01234567` for a company).
public struct PartnerOrganisation: Hashable, Sendable {
    /// The validated org-id.
    public let orgID: String
    /// The organisation's name.
    public let name: String
    /// What kind of organisation it is, for a round's eligibility.
    public let kind: OrganisationKind

    public init(orgID: String, name: String, kind: OrganisationKind) {
        self.orgID = orgID
        self.name = name
        self.kind = kind
    }

    /// Nil when `text` is an org-id a partner may sign up with, else why not: the Charity Commission's (`GB-CHC-`
    /// then 6 to 8 digits) or Companies House's (`GB-COH-` then 8 characters, digits or a two-letter prefix such as
    /// `SC` and 6 digits).
    public static func orgIDProblem(_ text: String) -> String? {
        let chc = "GB-CHC-"
        let coh = "GB-COH-"
        if text.hasPrefix(chc) {
            let number = text.dropFirst(chc.count)
            guard (6...8).contains(number.count), number.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return "a charity number after GB-CHC- is 6 to 8 digits (GB-CHC-1234567), not '\(number)'"
            }
            return nil
        }
        if text.hasPrefix(coh) {
            let number = Array(text.dropFirst(coh.count))
            let isDigit = { (c: Character) in c.isASCII && c.isNumber }
            let isLetter = { (c: Character) in c.isASCII && c.isUppercase }
            let wellFormed =
                number.count == 8
                && (number.allSatisfy(isDigit)
                    || (number.prefix(2).allSatisfy(isLetter) && number.dropFirst(2).allSatisfy(isDigit)))
            guard wellFormed else {
                return "a company number after GB-COH- is 8 characters (GB-COH-01234567, GB-COH-SC123456), not "
                    + "'\(String(number))'"
            }
            return nil
        }
        return "'\(text)' is not a charity (GB-CHC-…) or company (GB-COH-…) org-id"
    }
}
